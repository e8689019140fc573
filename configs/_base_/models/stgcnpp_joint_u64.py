# mmaction2's ST-GCN++ (joint stream, COCO-17 graph) on 64 frames sampled
# uniformly over each sequence, with mmaction2's skeleton pipeline and its
# ST-GCN++ schedule: shared by configs/kaggle_pose/stgcnpp_*.py. A config
# adds its datasets (type, data_root, split) and, for another class count,
# model.cls_head.num_classes. mmaction2 has no model-only base for ST-GCN++
# (its model sits in full NTU configs whose runtime keys would collide with
# _base_/default_runtime.py), so the model is written out here.
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='STGCN',
        gcn_adaptive='init',
        gcn_with_res=True,
        tcn_type='mstcn',
        graph_cfg=dict(layout='coco', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=2, in_channels=256,
                  topk=(1, )))

clip_len = 64
# filename (and the file's length) reach the data samples, so every row of
# tools/test.py --dump names its file
meta_keys = ('filename', 'total_frames')


def skeleton_pipeline(num_clips=1, test_mode=False):
    """mmaction2's 2-D joint pipeline (x, y, score per joint).

    PreNormalize2D maps pixels to [-1, 1] with the annotation's
    ``img_shape`` when it has one (KTH's 160 x 120 frames), else 1080 x 1920.
    """
    return [
        dict(type='PreNormalize2D'),
        dict(type='GenSkeFeat', dataset='coco', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=clip_len,
             num_clips=num_clips, test_mode=test_mode),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs', meta_keys=meta_keys)
    ]


# one clip in training and validation, 10 clips averaged at test time (as
# mmaction2's ST-GCN++ configs). A config adds each dataset's type,
# data_root and split; the pose datasets yield whole sequences here.
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(output='skeleton', pipeline=skeleton_pipeline()))
eval_loader = dict(batch_size=16, num_workers=0,
                   sampler=dict(type='DefaultSampler', shuffle=False))
val_dataloader = dict(
    **eval_loader,
    dataset=dict(output='skeleton', test_mode=True,
                 pipeline=skeleton_pipeline(1, test_mode=True)))
test_dataloader = dict(
    **eval_loader,
    dataset=dict(output='skeleton', test_mode=True,
                 pipeline=skeleton_pipeline(10, test_mode=True)))

# mmaction2's ST-GCN++ schedule (SGD 0.1 for batch 128, nesterov, cosine),
# lr scaled linearly to batch 16 (as --auto-scale-lr would), 16 epochs
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=16, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=16, by_epoch=True,
         convert_to_iter_based=True)
]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1 * 16 / 128, momentum=0.9,
                   weight_decay=0.0005, nesterov=True))
auto_scale_lr = dict(enable=False, base_batch_size=16)

val_evaluator = dict(type='ClassificationMetric', topk=(1, ))
test_evaluator = val_evaluator

# tools/deployment/export_onnx.py: (N, clips, persons, T, joints, x/y/score)
onnx_cfg = dict(
    input_shape=(1, 1, 1, clip_len, 17, 3),
    input_names=['keypoint'],
    output_names=['pred_score'],
    dynamic_axes=dict(keypoint={0: 'batch'}, pred_score={0: 'batch'}))
