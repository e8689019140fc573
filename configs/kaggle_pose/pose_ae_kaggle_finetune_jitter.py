# The default (multiple-instance training on 5 windows per file) with two
# training augmentations that mimic other cameras and detectors: size
# jitter (PoseRandomScale, x0.8-1.2 per file) and detector dropouts
# (PoseRandomJointDropout: half of the files lose 10 % of their
# (frame, joint) pairs). A candidate measured on k-fold
# (configs/kaggle_pose/README.md).
_base_ = ['./pose_ae_kaggle_finetune.py']

meta_keys = ('filename', 'total_frames')
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='SamplePoseWindows', clip_len=64, sampling='clips',
             num_clips={{_base_.num_clips}}),
        dict(type='NormalizePoseWindows'),
        dict(type='PoseRandomScale', scale_range=(0.8, 1.2)),
        dict(type='PoseRandomJointDropout', prob=0.5, drop_ratio=0.1),
        dict(type='PackActionInputs', meta_keys=meta_keys)
    ]))
