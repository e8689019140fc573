# The default (pose_ae_kaggle_finetune.py: 5 windows per file, the most
# fall-like one deciding, in training and test) from random weights (no
# load_from), cross-entropy only, as the original project's --from-scratch:
# the from-scratch twin that says what KTH pretraining is worth
# (tools/analysis/transfer_report.py --scratch-config).
_base_ = ['./pose_ae_kaggle_finetune.py']

model = dict(loss_recon=None)
load_from = None
load_cfg = None  # nothing to load: random initialisation
