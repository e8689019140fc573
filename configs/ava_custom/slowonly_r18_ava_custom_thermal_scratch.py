# The from-scratch twin of slowonly_r18_ava_custom_thermal_from_ssl.py: the
# detector of slowonly_tiny_ava_custom_thermal.py with the thermal CPU
# backbone in its place (slowonly_r18_thermal_20e.py's ResNet3dSlowOnly,
# depth 18, 16 base channels, four stages: the backbone the thermal SSL
# pretraining trains), its last stage at stride 1 and dilation 2 so that
# the RoIs see a stride-8 map (5x8 cells on 40x60), 128 channels into the
# RoI head; the same data and a 3-epoch budget (AdamW 2e-3, one warm-up
# epoch), random weights at the full lr.
#   python tools/train.py \
#     configs/ava_custom/slowonly_r18_ava_custom_thermal_scratch.py \
#     --data-root data/ava_custom_thermal
_base_ = ['./slowonly_tiny_ava_custom_thermal.py']

# what differs from the small detector's backbone; tensor shapes do not
# depend on strides or dilations, so these load the classifier's weights
model = dict(
    backbone=dict(
        base_channels=16,
        num_stages=4,
        stage_blocks=(2, 2, 2, 2),
        out_indices=(3, ),
        inflate=(0, 0, 1, 1),
        spatial_strides=(1, 2, 2, 1),
        temporal_strides=(1, 1, 1, 1),
        dilations=(1, 1, 1, 2)),
    cls_head=dict(in_channels=128))
train_cfg = dict(max_epochs=3)
