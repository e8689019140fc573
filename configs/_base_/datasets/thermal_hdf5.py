# Thermal action clips (jingchen-butlr/mmaction2): HDF5 recordings of 40x60
# frames in degrees Celsius + COCO-style train/val annotations, as the
# original project feeds
# SlowFast: all 64 frames of a window, resized to 256x384 (the 2:3 aspect of
# 40x60 kept). Point the loaders at your copy with `--data-root D`
# (D holds frames/, annotations/train.json, val.json, class_mapping.json).
dataset_type = 'ThermalHDF5Dataset'
data_root = 'data/thermal_action_dataset'
# skip_missing: the public copy lacks frames/SL06_R1.h5 and SL06_R2.h5; their
# samples are left out with one warning naming them (False: an error).
common = dict(
    type=dataset_type,
    data_root=data_root,
    data_prefix=dict(hdf5='frames'),
    class_mapping='annotations/class_mapping.json',
    clip_len=64,
    temp_range=(5.0, 45.0),
    skip_missing=True)

train_pipeline = [
    # imgs: (64, 40, 60, 3) uint8 from the dataset
    dict(type='Resize', scale=(384, 256), keep_ratio=True),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0),
         aspect_ratio_range=(0.85, 1.15)),
    dict(type='Resize', scale=(384, 256), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    # grey frames: brightness/contrast only
    dict(type='ColorJitter', brightness=0.3, contrast=0.3, saturation=0,
         hue=0),
    # fill 128 = 25 degrees C, about room temperature
    dict(type='RandomErasing', erase_prob=0.25, min_area_ratio=0.02,
         max_area_ratio=0.2, mode='const', fill_color=128),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='Resize', scale=(384, 256), keep_ratio=True),
    # mmaction2's crop_size is (w, h) (the original project's (256, 384) cut
    # the width)
    dict(type='CenterCrop', crop_size=(384, 256)),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    # workers (and their open files) kept from epoch to epoch: ftplugin's
    # runner seeds each sample from the run's seed, the epoch and its
    # position (SeededIndexSampler), so --resume still repeats the
    # augmentations exactly
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, ann_file='annotations/train.json',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, ann_file='annotations/val.json',
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClassificationMetric', topk=(1, 3))
test_evaluator = val_evaluator
