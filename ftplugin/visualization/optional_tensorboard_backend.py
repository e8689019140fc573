import importlib.util

from mmaction.registry import VISBACKENDS
from mmengine.visualization import TensorboardVisBackend


def tensorboard_available() -> bool:
    """Whether ``torch.utils.tensorboard`` can write (``tensorboard``
    installed)."""
    return importlib.util.find_spec('tensorboard') is not None


@VISBACKENDS.register_module()
class OptionalTensorboardVisBackend(TensorboardVisBackend):
    """mmengine's TensorBoard backend where ``tensorboard`` is installed,
    nothing where it is not.

    Every ftplugin config lists it in ``vis_backends``, so that
    ``tensorboard --logdir work_dirs/<config>`` works as soon as the
    package is installed (``pip install tensorboard``), while a machine
    without it trains as before instead of failing at the first scalar.

    Args:
        save_dir (str): The root directory to save the files produced by
            the backend.
    """

    def __init__(self, save_dir: str) -> None:
        super().__init__(save_dir)
        self.available = tensorboard_available()

    def add_config(self, config, **kwargs) -> None:
        if self.available:
            super().add_config(config, **kwargs)

    def add_image(self, name, image, step=0, **kwargs) -> None:
        if self.available:
            super().add_image(name, image, step, **kwargs)

    def add_scalar(self, name, value, step=0, **kwargs) -> None:
        if self.available:
            super().add_scalar(name, value, step, **kwargs)

    def add_scalars(self, scalar_dict, step=0, file_path=None,
                    **kwargs) -> None:
        if self.available:
            super().add_scalars(scalar_dict, step, file_path, **kwargs)

    def close(self) -> None:
        if self.available:
            super().close()
