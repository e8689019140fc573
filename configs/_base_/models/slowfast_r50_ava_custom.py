# AlphAction's model on mmaction2 parts: SlowFast R50 4x16 (tau 8, alpha 8)
# -> temporal average per pathway -> RoIAlign 7x7 (aligned) over the
# concatenated 2304-channel map -> spatial max -> dropout 0.2 -> linear, one
# sigmoid score per class (cls_head.groups for AlphAction's exclusive pose
# group + multi-label groups). BatchNorm frozen (norm_eval, the guide's
# FROZEN_BN); the stem and first stage frozen as AlphAction does.
model = dict(
    type='RoIActionDetector',
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
            # the last stage at stride 16, as AVA detectors use
            spatial_strides=(1, 2, 2, 1),
            norm_eval=True,
            frozen_stages=1),
        fast_pathway=dict(
            type='resnet3d',
            depth=50,
            pretrained=None,
            lateral=False,
            base_channels=8,
            conv1_kernel=(5, 7, 7),
            conv1_stride_t=1,
            pool1_stride_t=1,
            spatial_strides=(1, 2, 2, 1),
            norm_eval=True,
            frozen_stages=1)),
    roi_size=7,
    sampling_ratio=2,
    cls_head=dict(
        type='RoIActionHead',
        in_channels=2304,
        num_classes=80,
        dropout_ratio=0.2),
    # Kinetics statistics: the pretrained weights expect them
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))

# tools/deployment/export_onnx.py: normalised clips (N, C, T, H, W) and M
# person boxes per clip (N, M, 4, input pixels) in, scores (N, M, K) out.
onnx_cfg = dict(
    input_shape=[(1, 3, 32, 256, 320), (1, 4, 4)],
    input_names=['clips', 'boxes'],
    output_names=['scores'],
    dynamic_axes=dict(clips={0: 'batch'}, boxes={0: 'batch', 1: 'boxes'},
                      scores={0: 'batch', 1: 'boxes'}))
