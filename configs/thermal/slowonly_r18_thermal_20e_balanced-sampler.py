# slowonly_r18_thermal_20e.py drawing training clips with the
# ClassBalancedSampler (square-root balancing: a class's share grows with
# sqrt(count)) and the plain cross-entropy instead of class weights.
_base_ = ['./slowonly_r18_thermal_20e.py']

model = dict(cls_head=dict(loss_cls=dict(_delete_=True,
                                         type='CrossEntropyLoss')))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassBalancedSampler', power=0.5))
