# AVA-style custom data (AlphAction's custom-dataset layout) under data_root:
# clips/<video>/<second>.mp4, annotations/{train,val}.json,
# boxes/{train,val}_person_bbox.json (see configs/ava_custom/README.md).
# The guide's input: 32 frames 2 apart around each keyframe (SlowFast 4x16),
# short side 256, random flips in training. Point it at your data with
# --data-root DIR (or the three *_dataloader.dataset.data_root options).
dataset_type = 'AVACustomDataset'
data_root = 'data/ava_custom'
common = dict(
    type=dataset_type,
    data_root=data_root,
    data_prefix=dict(clips='clips'),
    frame_num=32,
    frame_sample_rate=2,
    # AlphAction's TEST.BOX_THRESH
    box_score_thr=0.8,
    skip_missing=False)
meta_keys = ('img_shape', 'img_key', 'video_id', 'timestamp')

train_pipeline = [
    dict(type='Resize', scale=(-1, 256)),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
test_pipeline = [
    dict(type='Resize', scale=(-1, 256)),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]

train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    # workers (and their open files) kept from epoch to epoch: ftplugin's
    # runner seeds each sample from the run's seed, the epoch and its
    # position (SeededIndexSampler), so --resume still repeats the
    # augmentations exactly
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        **common,
        ann_file='annotations/train.json',
        # AlphAction's proposal jitter, applied to the ground-truth boxes
        box_jitter=0.05,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **common,
        ann_file='annotations/val.json',
        box_file='boxes/val_person_bbox.json',
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='FrameMAPMetric', iou_thr=0.5)
test_evaluator = val_evaluator
