# pose_ae_kaggle_finetune_single_window.py tested as the original project
# did: one window per file, its first 64 frames (for the original project's
# checkpoints, and the k-fold baseline of the family README).
_base_ = ['./pose_ae_kaggle_finetune_single_window.py']

model = dict(cls_head=dict(average_clips='prob'))
test_dataloader = dict(
    dataset=dict(pipeline={{_base_.first_window_pipeline}}))
