# SlowFast R50 (mmaction2's ResNet3dSlowFast, tau 8, alpha 8, beta 1/8) with a
# 14-class SlowFastHead (2048 slow + 256 fast = 2304 channels), dropout 0.8:
# the original project's model. Kinetics-400 weights come in with load_from
# (the 400-way classifier is skipped by the checkpoint adapter for its shape).
# Backbone and Kinetics-400 data preprocessor are mmaction2's own base.
_base_ = 'mmaction::_base_/models/slowfast_r50.py'

model = dict(
    cls_head=dict(
        num_classes=14,
        dropout_ratio=0.8,
        loss_cls=dict(type='CrossEntropyLoss')))

# tools/deployment/export_onnx.py: one normalised 64-frame clip (batch,
# crops=1, C, T, H, W) in, class probabilities out.
onnx_cfg = dict(
    input_shape=(1, 1, 3, 64, 256, 384),
    input_names=['clips'],
    output_names=['pred_score'],
    dynamic_axes=dict(clips={0: 'batch'}, pred_score={0: 'batch'}))
