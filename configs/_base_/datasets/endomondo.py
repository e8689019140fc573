# Endomondo-style pretraining workouts in the same .pt format (the original
# project split them by user, 70/15/15). Same reader and features as the
# fine-tuning data, so the pretrained LSTM sees the same inputs in both stages.
_base_ = ['./apple_watch.py']

data_root = 'data/apple_watch/endomondo'
train_dataloader = dict(batch_size=16, dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))
