# pose_ae_kaggle_finetune_single_window.py over whole sequences: training on
# one random 64-frame window of each file per epoch (mirrored half of the
# time), testing (and validating) on 5 windows spread over the whole file,
# their class probabilities averaged into one prediction per file. A
# runner-up on k-fold (configs/kaggle_pose/README.md).
_base_ = ['./pose_ae_kaggle_finetune_single_window.py']

model = dict(cls_head=dict(average_clips='prob'))

meta_keys = ('filename', 'total_frames')
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='SamplePoseWindows', clip_len=64, sampling='random'),
        dict(type='NormalizePoseWindows'),
        dict(type='PoseRandomFlip', prob=0.5),
        dict(type='PackActionInputs', meta_keys=meta_keys)
    ]))
val_dataloader = dict(dataset=dict(pipeline={{_base_.clips_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.clips_pipeline}}))
