# A small SlowOnly ResNet3d-18 for 8x48x72 thermal clips, sized to train on
# 2 CPU cores: 16 base channels, stride-2 stem without max pooling (the
# frames are small), 3D kernels in the last two stages as SlowOnly, an I3D
# head (global average pooling + dropout + linear), trained from scratch.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowOnly',
        depth=18,
        pretrained=None,
        base_channels=16,
        lateral=False,
        conv1_kernel=(1, 7, 7),
        conv1_stride_s=2,
        conv1_stride_t=1,
        with_pool1=False,
        pool1_stride_t=1,
        inflate=(0, 0, 1, 1),
        norm_eval=False),
    cls_head=dict(
        type='I3DHead',
        in_channels=128,
        num_classes=14,
        spatial_type='avg',
        dropout_ratio=0.5,
        average_clips='prob',
        loss_cls=dict(type='CrossEntropyLoss')),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))

# tools/deployment/export_onnx.py: one normalised clip (batch, crops=1,
# C, T, H, W) in, class probabilities out.
onnx_cfg = dict(
    input_shape=(1, 1, 3, 8, 48, 72),
    input_names=['clips'],
    output_names=['pred_score'],
    dynamic_axes=dict(clips={0: 'batch'}, pred_score={0: 'batch'}))
