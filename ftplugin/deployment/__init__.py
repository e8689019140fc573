from .export_wrapper import ExportWrapper
from .onnx_export import (build_model, export_onnx, input_shapes,
                          random_inputs, verify)

__all__ = ['ExportWrapper', 'build_model', 'export_onnx', 'input_shapes',
           'random_inputs', 'verify']
