# slowonly_r18_thermal_20e.py with the softmax focal loss (gamma 2) in place
# of the cross-entropy, keeping the config's class weights as its alpha.
_base_ = ['./slowonly_r18_thermal_20e.py']

model = dict(cls_head=dict(loss_cls=dict(type='FocalLoss', gamma=2.0)))
