# The AVA-style detector of slowfast_r50_ava_custom.py made small for 2
# (shared) CPU cores: a three-stage SlowOnly ResNet3d (8 base channels, one
# block per stage, 3D kernels in the last stage) at total stride 4 (stride-2
# stem, no max pool) so that the small thermal people (about 11x14 pixels of
# 60x40) span a few cells; RoIAlign 5x5 over the 32-channel map, spatial max,
# dropout 0.3, a hidden layer of 64, one sigmoid score per class; trained
# from scratch.
_base_ = ['./slowfast_r50_ava_custom.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet3dSlowOnly',
        depth=18,
        pretrained=None,
        base_channels=8,
        num_stages=3,
        stage_blocks=(1, 1, 1),
        out_indices=(2, ),
        lateral=False,
        conv1_kernel=(1, 7, 7),
        conv1_stride_s=2,
        conv1_stride_t=1,
        with_pool1=False,
        pool1_stride_t=1,
        inflate=(0, 0, 1),
        spatial_strides=(1, 1, 2),
        temporal_strides=(1, 1, 1),
        dilations=(1, 1, 1),
        norm_eval=False),
    roi_size=5,
    cls_head=dict(
        in_channels=32, num_classes=14, mid_channels=64, dropout_ratio=0.3))

onnx_cfg = dict(
    input_shape=[(1, 3, 4, 40, 60), (1, 3, 4)],
    # another number of boxes per clip than the export's 3
    verify_shapes=[[(2, 3, 4, 40, 60), (2, 7, 4)]])
