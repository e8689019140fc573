import numpy as np
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class FitNormalizationHook(Hook):
    """Fit the model's per-channel input normalisation on the training split.

    Before training, the per-channel mean and std of every window of the
    training dataset (its ``channel_mean`` / ``channel_std``; never the
    validation or test data) go into the model's data preprocessor
    (``set_statistics``, e.g. :class:`SignalDataPreprocessor`), which keeps
    them as buffers: they are saved with every checkpoint and used as they
    are by testing, inference and the ONNX export. Statistics that came
    with ``load_from`` (another dataset's) are replaced; when resuming, the
    checkpoint's are kept. Every DDP process reads the whole training split,
    so all of them store the same values. The validation split is checked
    against them (its ``check_against``): channels on another scale, e.g.
    z-scored per channel in one split only, stop training with one error.
    """
    priority = 'VERY_HIGH'  # before anything runs the model

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        preprocessor = model.data_preprocessor
        if not hasattr(preprocessor, 'set_statistics'):
            raise TypeError(f'FitNormalizationHook needs a data preprocessor '
                            f'with set_statistics (e.g. '
                            f'SignalDataPreprocessor), got '
                            f'{type(preprocessor).__name__}')
        if runner.iter > 0 and bool(getattr(preprocessor, 'fitted', False)):
            runner.logger.info('Resumed: keeping the normalisation '
                               'statistics of the checkpoint')
            return
        dataset = runner.train_dataloader.dataset
        mean = getattr(dataset, 'channel_mean', None)
        std = getattr(dataset, 'channel_std', None)
        if mean is None or std is None:
            raise TypeError(f'{type(dataset).__name__} gives no channel_mean/'
                            f'channel_std to fit the normalisation on')
        channels = getattr(dataset, 'channels', None)
        try:
            preprocessor.set_statistics(mean, std, channels=channels)
        except ValueError as err:  # name the file (a constant channel)
            source = getattr(dataset, 'signals_file', None)
            if not source:
                raise
            raise ValueError(f'{source}: {err}') from err
        names = channels or range(len(mean))
        runner.logger.info(
            f'Input normalisation fitted on the training split '
            f'({len(dataset)} windows): ' + ', '.join(
                f'{n} mean {m:.4g} std {s:.4g}'
                for n, m, s in zip(names, np.asarray(mean), np.asarray(std))))
        # the other splits are normalised with these statistics: refuse one
        # on another scale (e.g. z-scored per channel where train is not)
        val_loop = getattr(runner, '_val_loop', None)
        val_dataset = getattr(getattr(val_loop, 'dataloader', None),
                              'dataset', None)
        if hasattr(val_dataset, 'check_against'):
            val_dataset.check_against(dataset)
