# AlphAction's model on mmaction2 parts: the thermal family's SlowFast R50
# 4x16 (tau 8, alpha 8) -> temporal average per pathway -> RoIAlign 7x7
# (aligned) over the concatenated 2304-channel map -> spatial max -> dropout
# 0.2 -> linear, one sigmoid score per class (cls_head.groups for AlphAction's
# exclusive pose group + multi-label groups). BatchNorm frozen (norm_eval, the
# guide's FROZEN_BN); the stem and first stage frozen as AlphAction does; the
# last stage at stride 16, as AVA detectors use.
_base_ = ['./slowfast_r50_thermal.py']

model = dict(
    type='RoIActionDetector',
    backbone=dict(
        slow_pathway=dict(
            spatial_strides=(1, 2, 2, 1), norm_eval=True, frozen_stages=1),
        fast_pathway=dict(
            spatial_strides=(1, 2, 2, 1), norm_eval=True, frozen_stages=1)),
    roi_size=7,
    sampling_ratio=2,
    cls_head=dict(
        _delete_=True,
        type='RoIActionHead',
        in_channels=2304,
        num_classes=80,
        dropout_ratio=0.2))

# tools/deployment/export_onnx.py: normalised clips (N, C, T, H, W) and M
# person boxes per clip (N, M, 4, input pixels) in, scores (N, M, K) out.
onnx_cfg = dict(
    _delete_=True,
    input_shape=[(1, 3, 32, 256, 320), (1, 4, 4)],
    input_names=['clips', 'boxes'],
    output_names=['scores'],
    dynamic_axes=dict(clips={0: 'batch'}, boxes={0: 'batch', 1: 'boxes'},
                      scores={0: 'batch', 1: 'boxes'}))
