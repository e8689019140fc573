# SlowFast R50 (mmaction2's ResNet3dSlowFast, tau 8, alpha 8, beta 1/8) with a
# 14-class SlowFastHead (2048 slow + 256 fast = 2304 channels), dropout 0.8:
# the original project's model. Kinetics-400 weights come in with load_from
# (the 400-way classifier is skipped by the checkpoint adapter for its shape).
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowFast',
        pretrained=None,
        resample_rate=8,
        speed_ratio=8,
        channel_ratio=8,
        slow_pathway=dict(
            type='resnet3d',
            depth=50,
            pretrained=None,
            lateral=True,
            conv1_kernel=(1, 7, 7),
            dilations=(1, 1, 1, 1),
            conv1_stride_t=1,
            pool1_stride_t=1,
            inflate=(0, 0, 1, 1),
            norm_eval=False),
        fast_pathway=dict(
            type='resnet3d',
            depth=50,
            pretrained=None,
            lateral=False,
            base_channels=8,
            conv1_kernel=(5, 7, 7),
            conv1_stride_t=1,
            pool1_stride_t=1,
            norm_eval=False)),
    cls_head=dict(
        type='SlowFastHead',
        in_channels=2304,
        num_classes=14,
        spatial_type='avg',
        dropout_ratio=0.8,
        average_clips='prob',
        loss_cls=dict(type='CrossEntropyLoss')),
    # Kinetics-400 statistics: the pretrained weights expect them
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))

# tools/deployment/export_onnx.py: one normalised 64-frame clip (batch,
# crops=1, C, T, H, W) in, class probabilities out.
onnx_cfg = dict(
    input_shape=(1, 1, 3, 64, 256, 384),
    input_names=['clips'],
    output_names=['pred_score'],
    dynamic_axes=dict(clips={0: 'batch'}, pred_score={0: 'batch'}))
