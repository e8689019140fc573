"""What a user calls from Python: inference on a family's native files,
experiment orchestration (k-fold, the transfer study) and data
validation."""
from .data_validation import validate_config
from .file_pipeline import file_test_pipeline
from .inference import (CheckpointMismatchError, OnnxModel, build_predictor,
                        inference, inference_spec, init_model,
                        init_onnx_model, iter_predictions, read_sidecar,
                        write_sidecar)
from .kfold import run_kfold
from .transfer_study import run_transfer_study, twin_configs

__all__ = ['validate_config', 'run_kfold', 'run_transfer_study',
           'twin_configs', 'init_model', 'init_onnx_model', 'inference',
           'inference_spec', 'build_predictor', 'iter_predictions',
           'file_test_pipeline', 'read_sidecar', 'write_sidecar',
           'OnnxModel', 'CheckpointMismatchError']
