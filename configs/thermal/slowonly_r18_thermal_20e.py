# The CPU-sized thermal config: a SlowOnly ResNet3d-18 (16 base channels)
# trained from scratch on 8 of the 64 frames of each window at 48x72, with
# square-root inverse-frequency class weights in the cross-entropy. 20
# epochs on the 1,059 real training clips take minutes on 2 CPU cores.
#   python tools/train.py configs/thermal/slowonly_r18_thermal_20e.py \
#     --data-root D
_base_ = [
    '../_base_/models/slowonly_r18_thermal.py',
    '../_base_/datasets/thermal_hdf5_cpu.py',
    '../_base_/schedules/adamw_cosine_20e.py',
    '../_base_/default_runtime.py'
]

# tools/analysis/class_weights.py annotations/train.json --class-mapping
#   annotations/class_mapping.json --frames-dir frames --power 0.5
# on the 1,059 samples of the present recordings. Full inverse frequency
# (44x for a class of 2 samples) trained worse here; recompute the weights
# for another split (demo/thermal.py does).
model = dict(
    cls_head=dict(
        loss_cls=dict(class_weight=[
            0.8917, 0.6545, 1.8423, 0.4214, 0.7801, 0.0, 2.4256, 2.6055,
            2.9707, 6.6427, 2.2784, 3.1314, 3.3213, 0.0
        ])))

# model selection on the imbalance-aware metric
default_hooks = dict(
    checkpoint=dict(save_best='acc/mean_class', rule='greater'))
