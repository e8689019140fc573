# Encoder and latent projection frozen (BatchNorm statistics too); only the
# classifier trains, on cross-entropy alone (the original project's
# --freeze-encoder).
_base_ = ['./pose_ae_kaggle_finetune_single_window.py']

model = dict(
    backbone=dict(frozen_modules=('encoder', 'latent_head')),
    loss_recon=None)
