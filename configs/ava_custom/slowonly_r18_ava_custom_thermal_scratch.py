# The from-scratch twin of slowonly_r18_ava_custom_thermal_from_ssl.py: the
# detector of slowonly_r18_ava_custom_thermal_cpu.py with the thermal CPU
# backbone in its place (slowonly_r18_thermal_cpu.py's ResNet3dSlowOnly,
# depth 18, 16 base channels: the backbone the thermal SSL pretraining
# trains), its last stage at stride 1 and dilation 2 so the RoIs see a
# stride-8 map (5x8 cells on 40x60), 128 channels into the RoI head; the
# same data and a 3-epoch budget (AdamW 2e-3, one warm-up epoch), random
# weights at the full lr.
#   python tools/train.py \
#     configs/ava_custom/slowonly_r18_ava_custom_thermal_scratch.py \
#     --data-root data/ava_custom_thermal
_base_ = ['./slowonly_r18_ava_custom_thermal_cpu.py']

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
        # weights do not depend on strides: these differ from the
        # classifier's (1, 2, 2, 2) without changing a tensor's shape
        spatial_strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        norm_eval=False),
    cls_head=dict(in_channels=128))
train_cfg = dict(max_epochs=3)
onnx_cfg = dict(verify_shapes=[[(2, 3, 4, 40, 60), (2, 7, 4)]])
