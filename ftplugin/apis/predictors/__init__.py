"""One predictor per family: reads its native files with the training
readers, windows them as its test set, scores the windows (torch or
onnxruntime, one or several models) and returns records."""
from .ava import AVAPredictor
from .base import (INPUT_ERRORS, BasePredictor, InferenceInputError,
                   ModelMismatchError, named_error)
from .heart_rate import HeartRatePredictor
from .pose import PosePredictor
from .signal import SignalPredictor
from .thermal import ThermalPredictor

PREDICTORS = dict(kaggle_pose=PosePredictor, butppg=SignalPredictor,
                  apple_watch=HeartRatePredictor, thermal=ThermalPredictor,
                  ava_custom=AVAPredictor)

__all__ = ['PREDICTORS', 'BasePredictor', 'PosePredictor',
           'SignalPredictor', 'HeartRatePredictor', 'ThermalPredictor',
           'AVAPredictor', 'InferenceInputError', 'ModelMismatchError',
           'INPUT_ERRORS', 'named_error']
