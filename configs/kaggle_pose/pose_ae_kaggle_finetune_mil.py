# The default fine-tuning trained as it is tested (multiple-instance
# learning): every file gives 5 windows of 64 frames spread over the whole
# sequence, the file's probabilities are those of its most fall-like window
# (train_aggregate='max', the same rule as average_clips='max' at test time)
# and the label-smoothed cross-entropy is taken per file; the
# reconstruction loss stays per window. Falls after frame 64 of long files
# are then seen in training. Validation (checkpoint choice) tests like the
# test split: 5 windows, max.
#   python tools/train.py configs/kaggle_pose/pose_ae_kaggle_finetune_mil.py \
#     --data-root D --cfg-options load_from=checkpoints/pose_autoencoder.pt
_base_ = ['./pose_ae_kaggle_finetune.py']

num_clips = 5
model = dict(cls_head=dict(train_aggregate='max'))
train_dataloader = dict(
    dataset=dict(sampling='clips', num_clips=num_clips))
val_dataloader = dict(dataset=dict(sampling='clips', num_clips=num_clips))
test_dataloader = dict(dataset=dict(sampling='clips', num_clips=num_clips))
