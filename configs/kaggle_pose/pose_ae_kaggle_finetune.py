# Full fine-tuning of the KTH-pretrained autoencoder with the fall classifier,
# loss = CE + 0.1 x reconstruction MSE (the original project's default
# workflow), trained as it is tested: on several windows of each file.
#   python tools/train.py configs/kaggle_pose/pose_ae_kaggle_finetune.py \
#     --data-root D --cfg-options load_from=checkpoints/pose_autoencoder.pt
_base_ = [
    '../_base_/models/pose_ae_classifier.py',
    '../_base_/datasets/kaggle_pose.py',
    '../_base_/schedules/adam_plateau_30e.py', '../_base_/default_runtime.py'
]

# Two departures from the original project's schedule, measured on the 600
# shared Kaggle files (docs/experiments/kaggle_pose.md): lr 1e-3 instead of
# 1e-4 (at 1e-4 the model is still learning after 30 epochs) and label
# smoothing 0.1.
optim_wrapper = dict(optimizer=dict(lr=1e-3))

# Whole-sequence training and test (multiple-instance learning): each file
# gives 5 windows of 64 frames spread over the whole sequence, and the file
# takes the probabilities of its most fall-like window, one fall anywhere
# making the file a fall: at test time (average_clips='max') and in training
# (train_aggregate='max': the label-smoothed cross-entropy is taken per file
# on those probabilities, so falls after frame 64 of long files are learnt;
# the reconstruction loss stays per window). Validation (the checkpoint
# choice) tests the same way. On 5-fold cross-validation of the 600 files
# this beat training on the first 64 frames with the same test, which is
# pose_ae_kaggle_finetune_single_window.py (configs/kaggle_pose/README.md).
num_clips = 5
model = dict(cls_head=dict(label_smooth_eps=0.1, average_clips='max',
                           train_aggregate='max'))
meta_keys = ('filename', 'total_frames')
clips_pipeline = [
    dict(type='SamplePoseWindows', clip_len=64, sampling='clips',
         num_clips=num_clips),
    dict(type='NormalizePoseWindows'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
train_dataloader = dict(dataset=dict(pipeline=clips_pipeline))
val_dataloader = dict(dataset=dict(pipeline=clips_pipeline))
test_dataloader = dict(dataset=dict(pipeline=clips_pipeline))

# Fine-tuning: a run without load_from is refused (FineTuneRunner), and the
# autoencoder must load completely; pose_ae_kaggle_scratch.py is the twin
# that trains from random weights.
load_cfg = dict(required=['backbone'],
                scratch_config='configs/kaggle_pose/pose_ae_kaggle_scratch.py')

# keep best_acc_top1_epoch_N.pth: the original project's model selection by val
# accuracy
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater'))
