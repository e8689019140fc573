# Baseline without pretraining: the same model trained on the Apple-Watch
# data alone with the pretraining recipe (all layers, Adam 1e-3, plateau lr,
# early stopping), for as many epochs as lstm_applewatch_finetune_2stage.py.
_base_ = ['./lstm_applewatch_finetune_stage1-only.py']

train_cfg = dict(max_epochs=60)
model = dict(backbone=dict(frozen_layers=()))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
load_from = None
load_cfg = None  # nothing to load: random initialisation
