# The single-window model (pose_ae_kaggle_finetune_single_window.py) from
# random weights (no load_from), cross-entropy only, as the original
# project's --from-scratch.
_base_ = ['./pose_ae_kaggle_finetune_single_window.py']

model = dict(loss_recon=None)
load_from = None
load_cfg = None  # nothing to load: random initialisation
