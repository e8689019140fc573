# Encoder and latent projection frozen (BatchNorm statistics too); only the
# classifier trains, on cross-entropy alone, at the seed's lr 1e-3.
_base_ = ['./pose_ae_kaggle_finetune.py']

model = dict(
    backbone=dict(frozen_modules=('encoder', 'latent_head')),
    loss_recon=None)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
