# mmaction2's ST-GCN++ (joint stream, COCO-17 graph) on the Kaggle fall
# files, from scratch: the dataset yields mmaction2 PoseDataset samples
# (output='skeleton': whole sequences, keypoint + keypoint_score), and
# mmaction2's own skeleton pipeline samples 64 frames uniformly over each
# file (10 clips averaged at test time, as mmaction2's ST-GCN++ configs).
# Model, pipeline and schedule: configs/_base_/models/stgcnpp_joint_u64.py.
#   python tools/train.py configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py \
#     --data-root D
_base_ = [
    '../_base_/models/stgcnpp_joint_u64.py', '../_base_/default_runtime.py'
]

data_root = 'data/kaggle_fall'
common = dict(type='KagglePoseDataset', data_root=data_root, split_seed=42,
              on_empty='skip')
train_dataloader = dict(dataset=dict(**common, split='train'))
val_dataloader = dict(dataset=dict(**common, split='val'))
test_dataloader = dict(dataset=dict(**common, split='test'))

default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater'))
