# mmaction2's ST-GCN++ (joint stream, COCO-17 graph) on the Kaggle fall
# files, from scratch: the dataset yields mmaction2 PoseDataset samples
# (output='skeleton': whole sequences, keypoint + keypoint_score), and
# mmaction2's own skeleton pipeline samples 64 frames uniformly over each
# file (10 clips averaged at test time, as mmaction2's ST-GCN++ configs).
#   python tools/train.py configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py \
#     --cfg-options train_dataloader.dataset.data_root=D \
#       val_dataloader.dataset.data_root=D test_dataloader.dataset.data_root=D
_base_ = ['../_base_/default_runtime.py']

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

dataset_type = 'KagglePoseDataset'
data_root = 'data/kaggle_fall'
common = dict(type=dataset_type, data_root=data_root, output='skeleton',
              split_seed=42, on_empty='skip')
meta_keys = ('filename', 'total_frames')
clip_len = 64


def skeleton_pipeline(num_clips=1, test_mode=False):
    """mmaction2's 2-D joint pipeline (x, y, score per joint)."""
    return [
        dict(type='PreNormalize2D'),
        dict(type='GenSkeFeat', dataset='coco', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=clip_len,
             num_clips=num_clips, test_mode=test_mode),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs', meta_keys=meta_keys)
    ]


train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, split='train', pipeline=skeleton_pipeline()))
eval_loader = dict(batch_size=16, num_workers=0,
                   sampler=dict(type='DefaultSampler', shuffle=False))
val_dataloader = dict(
    **eval_loader,
    dataset=dict(**common, split='val', test_mode=True,
                 pipeline=skeleton_pipeline(1, test_mode=True)))
test_dataloader = dict(
    **eval_loader,
    dataset=dict(**common, split='test', test_mode=True,
                 pipeline=skeleton_pipeline(10, test_mode=True)))

val_evaluator = dict(type='ClassificationMetric', topk=(1, ))
test_evaluator = val_evaluator

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
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater'))

# tools/deployment/export_onnx.py: (N, clips, persons, T, joints, x/y/score)
onnx_cfg = dict(
    input_shape=(1, 1, 1, clip_len, 17, 3),
    input_names=['keypoint'],
    output_names=['pred_score'],
    dynamic_axes=dict(keypoint={0: 'batch'}, pred_score={0: 'batch'}))
