"""The config's test pipeline and the data preprocessor's normalisation,
for one sample at a time, without the model (the ONNX backend has none)."""
import numpy as np
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope


def tuples(value):
    """JSON lists back to the tuples transform configs use (``Resize``
    takes ``scale=(w, h)``, not a list)."""
    if isinstance(value, dict):
        return {k: tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(tuples(v) for v in value)
    return value


class TestPipeline:
    """Runs ``spec['pipeline']`` (mmaction2 transforms, ending with
    ``PackActionInputs``) on a sample and normalises batches as the model's
    ``ActionDataPreprocessor`` does (``spec['normalize']``: ``mean``,
    ``std``, ``to_rgb``, ``format_shape``; None: the model takes the packed
    values as they are).

    Args:
        spec (dict): An inference spec.
    """

    def __init__(self, spec: dict) -> None:
        init_default_scope(spec.get('default_scope', 'mmaction'))
        self.compose = Compose([tuples(t) for t in spec['pipeline']])
        self.norm = spec.get('normalize')

    def __call__(self, results: dict) -> np.ndarray:
        """The packed ``inputs`` of one sample, as a numpy array."""
        packed = self.compose(results)
        return packed['inputs'].numpy()

    def packed(self, results: dict) -> dict:
        """The whole packed sample (``inputs`` and ``data_samples``)."""
        return self.compose(results)

    def normalize(self, batch: np.ndarray) -> np.ndarray:
        """A stacked batch of packed inputs as the model's data preprocessor
        hands it over (float32; channel axis: dim -4 for ``NCTHW``, -3 for
        ``NCHW``)."""
        batch = batch.astype(np.float32)
        if not self.norm:
            return batch
        channel_axis = -4 if self.norm.get('format_shape') == 'NCTHW' else -3
        if self.norm.get('to_rgb'):
            batch = np.flip(batch, axis=channel_axis)
        if self.norm.get('mean') is not None:
            shape = [1] * (-channel_axis)
            shape[0] = -1
            mean = np.asarray(self.norm['mean'], np.float32).reshape(shape)
            std = np.asarray(self.norm['std'], np.float32).reshape(shape)
            batch = (batch - mean) / std
        return np.ascontiguousarray(batch, dtype=np.float32)
