# ST-GCN++ (the backbone of stgcnpp_kaggle_joint_u64.py) trained supervised
# on the six KTH actions: its best checkpoint (validation acc/top1) is the
# load_from= of stgcnpp_kaggle_joint_u64_kth_pretrained.py.
#   python tools/train.py configs/kaggle_pose/stgcnpp_kth_pretrain_joint_u64.py \
#     --data-root ../shared/data/kth_poses
# KTH has no detector confidence: its keypoint_score is 1 for a detected
# joint and 0 for a missing one (whose pixels are 0), where the Kaggle
# score is a confidence (median 0.99, never 0 on the 600 shared files). The
# third input channel is kept anyway, so that every backbone tensor
# transfers: on both datasets a low score marks an unreliable joint, and the
# input BatchNorm (data_bn, per joint and channel) re-estimates its
# statistics on the Kaggle data in the first fine-tuning epoch. KTH's
# 160 x 120 pixels are mapped to [-1, 1] like the Kaggle frames
# (KTHPoseDataset img_shape, read by PreNormalize2D).
_base_ = [
    '../_base_/models/stgcnpp_joint_u64.py', '../_base_/default_runtime.py'
]

model = dict(cls_head=dict(num_classes=6))

data_root = 'data/kth_poses'
# one sample per file (whole sequences: UniformSampleFrames picks the 64
# frames); 90/10 per action as the autoencoder's pretraining. Files are
# split, not subjects: the same people appear in both parts, so validation
# accuracy only picks the checkpoint.
common = dict(type='KTHPoseDataset', data_root=data_root, window_stride=0,
              split_seed=42, split_ratios=(0.9, 0.1, 0.0))
train_dataloader = dict(dataset=dict(**common, split='train'))
val_dataloader = dict(dataset=dict(**common, split='val'))
test_dataloader = val_dataloader

default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater'))
