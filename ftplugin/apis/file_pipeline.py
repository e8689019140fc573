"""Test pipelines that start from a file, for mmaction2's
``inference_recognizer``.

mmaction2's convention: ``inference_recognizer(model, path)`` runs
``model.cfg.test_pipeline`` on ``dict(filename=path)`` (``audio_path`` for a
``.npy``). ftplugin's datasets read their files themselves (a pose file is read once
into a whole sequence, a thermal clip is sliced from an open HDF5 file), so
the pipelines of their configs start from arrays. The
pipeline built here prepends the family's file loader, with the settings of
the config's test dataset, to that pipeline; ``ftplugin.apis.init_model``
puts it in ``model.cfg.test_pipeline``, and with mmaction2's own
``init_recognizer`` pass it as ``inference_recognizer(model, path,
test_pipeline=Compose(file_test_pipeline(inference_spec(cfg))))``.

- kaggle_pose: a keypoint CSV / KTH ``.npz`` -> the whole sequence, which
  the test pipeline windows; one result per file, as ``tools/test.py``
  gives.
- butppg: a ``.npy`` window, or ``dict(filename=x.npz, index=i)``.
- thermal: ``dict(filename=x.h5, frame_idx=N)``, the clip around frame N (a
  recording holds many windows: a bare path is refused).
- apple_watch and ava_custom: none. The heart-rate model is no recognizer
  (it predicts every time step of a workout) and the detector needs person
  boxes with each keyframe; ``ftplugin.apis.inference`` reads both.
"""
from typing import List, Optional

from .predictors.pipeline import tuples

LOADERS = dict(
    kaggle_pose=('LoadPoseFile', ('min_keypoint_score', )),
    butppg=('LoadSignalWindow', ('channels', 'file_channels',
                                 'window_length', 'signal_keys')),
    thermal=('LoadThermalClip', ('clip_len', 'temp_range')))


def file_test_pipeline(spec: dict) -> Optional[List[dict]]:
    """The config's test pipeline preceded by its family's file loader;
    None for the families without one (see above).

    Args:
        spec (dict): An inference spec (``ftplugin.apis.inference_spec``).
    """
    if spec['family'] not in LOADERS:
        return None
    if spec['family'] == 'kaggle_pose' and spec['dataset'].get(
            'output', 'window') != 'window':
        return None
    loader, keys = LOADERS[spec['family']]
    load = dict(type=loader, **{k: spec['dataset'][k] for k in keys
                                if k in spec['dataset']})
    return [tuples(load)] + [tuples(t) for t in spec['pipeline']]
