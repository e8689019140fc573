# The same 5-channel model and budget as butppg_5ch_finetune.py, from random
# weights: no load_from, every parameter trains from the first epoch (a
# head-only stage on a random encoder would be wasted).
_base_ = ['./butppg_5ch_finetune.py']

load_from = None
load_cfg = None
default_hooks = dict(unfreeze=None)
