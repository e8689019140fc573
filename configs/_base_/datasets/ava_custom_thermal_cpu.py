# The thermal recordings converted to the ava_custom layout
# (tools/data/ava_custom/thermal_to_ava.py), sized for 2 CPU cores: 4 frames
# 4 apart (2.7 s at 6 fps) around each keyframe at the recordings' 40x60,
# flips and brightness/contrast jitter in training.
_base_ = ['./ava_custom.py']

data_root = 'data/ava_custom_thermal'
size = (60, 40)  # (w, h)
train_pipeline = [
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='ColorJitter', brightness=0.2, contrast=0.2, saturation=0,
         hue=0),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys={{_base_.meta_keys}})
]
test_pipeline = [
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys={{_base_.meta_keys}})
]
clip = dict(data_root=data_root, frame_num=4, frame_sample_rate=4)
train_dataloader = dict(
    batch_size=8, num_workers=1,
    dataset=dict(**clip, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16, num_workers=1,
    dataset=dict(**clip, pipeline=test_pipeline))
test_dataloader = val_dataloader
