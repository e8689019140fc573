# Thermal action clips sized for CPU training: 8 of the 64 frames of each
# window (every 8th, covering the whole window) at 48x72 (the 40x60 frames
# scaled by 1.2, 2:3 kept), mmaction2's SampleFrames + ArrayDecode picking
# them from the dataset's clip. Same files and splits as thermal_hdf5.py.
_base_ = ['./thermal_hdf5.py']

clip_len, frame_interval, size = 8, 8, (72, 48)  # size is (w, h)
train_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1),
    dict(type='ArrayDecode'),
    dict(type='Resize', scale=size, keep_ratio=True),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0),
         aspect_ratio_range=(0.85, 1.15)),
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='ColorJitter', brightness=0.2, contrast=0.2, saturation=0,
         hue=0),
    dict(type='RandomErasing', erase_prob=0.25, min_area_ratio=0.02,
         max_area_ratio=0.2, mode='const', fill_color=128),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1, test_mode=True),
    dict(type='ArrayDecode'),
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=16, num_workers=1,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32, num_workers=1,
    dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
