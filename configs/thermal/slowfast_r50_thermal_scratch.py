# The from-scratch twin of slowfast_r50_thermal_finetune.py: the same model,
# data and schedule from random weights (no load_from), to measure what the
# Kinetics pretraining is worth (tools/analysis/transfer_report.py
# --scratch-config).
_base_ = ['./slowfast_r50_thermal_finetune.py']

load_from = None
load_cfg = None  # nothing to load: random initialisation
