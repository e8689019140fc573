# Unlabelled clips for self-supervised pretraining, sized as
# thermal_hdf5_cpu.py: 64-frame windows every 16 frames of each recording
# (ThermalRecordingsDataset; the last window ends at the last frame, and
# training shifts each window by 0-15 frames), 8 of their frames (every 8th)
# at 48x72. No annotation is read: split_file only names the recordings.
# Pretrain on the TRAINING side only: with a sensor-disjoint split
# (tools/data/thermal/split_thermal_by_sensor.py --out-dir D2) pass
#   --cfg-options train_dataloader.dataset.split_file=D2/train.json \
#     "train_dataloader.dataset.held_out=[D2/val.json]"
# (held_out: an error if a recording is on both sides). The given
# annotations/train.json shares its recordings with val.json.
data_root = 'data/thermal_action_dataset'
clip_len, frame_interval, size = 8, 8, (72, 48)  # size is (w, h)
recordings = dict(
    type='ThermalRecordingsDataset',
    data_root=data_root,
    data_prefix=dict(hdf5='frames'),
    split_file='annotations/train.json',
    held_out=[],
    clip_len=64,
    stride=16,
    temp_range=(5.0, 45.0),
    # the public copy lacks SL06_R1.h5 and SL06_R2.h5, which train.json names
    skip_missing=True,
    # 3 bytes a pixel: 50 MB for all 23 real recordings
    in_memory=True)

frames = [
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1),
    dict(type='ArrayDecode'),
    dict(type='Resize', scale=size, keep_ratio=True),
]
# masked reconstruction: mild crops and flips (the mask is the corruption)
masked_pipeline = frames + [
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0),
         aspect_ratio_range=(0.85, 1.15)),
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# contrastive: two views of the same frames, each with its own strong crop,
# flip, brightness/contrast and erasing
contrastive_pipeline = frames + [
    dict(type='MultiViewClips', num_views=2, transforms=[
        dict(type='RandomResizedCrop', area_range=(0.4, 1.0),
             aspect_ratio_range=(0.75, 1.33)),
        dict(type='Resize', scale=size, keep_ratio=False),
        dict(type='Flip', flip_ratio=0.5),
        dict(type='ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0, hue=0),
        dict(type='RandomErasing', erase_prob=0.5, min_area_ratio=0.02,
             max_area_ratio=0.2, mode='const', fill_color=128),
    ]),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    # whole batches: the contrastive loss needs >= 2 samples, BatchNorm > 1
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**recordings, pipeline=masked_pipeline))
# no validation: the pretraining loss is the objective, and the fine-tuning
# runs (from_ssl) judge the backbone on labelled validation clips
val_dataloader = val_evaluator = val_cfg = None
test_dataloader = test_evaluator = test_cfg = None
