# The model of slowfast_r50_thermal.py made small to train on 2 CPU cores on
# 8x48x72 thermal clips: a SlowOnly ResNet3d-18 with 16 base channels, a
# stride-2 stem without max pooling (the frames are small), 3D kernels in the
# last two stages as SlowOnly, and an I3D head (global average pooling +
# dropout + linear), trained from scratch.
_base_ = ['./slowfast_r50_thermal.py']

model = dict(
    backbone=dict(
        _delete_=True,
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
    cls_head=dict(type='I3DHead', in_channels=128, dropout_ratio=0.5))

onnx_cfg = dict(input_shape=(1, 1, 3, 8, 48, 72))
