# Masked-signal pretraining of the signal transformer on 2 channels (PPG, ECG):
# 40 % of the 1 s patches hidden, MSE on them + 0.3 x multi-resolution STFT
# loss (the original project's objective).
model = dict(
    type='MaskedSignalPretrainer',
    backbone=dict(
        type='SignalTransformer', in_channels=2, signal_length=1250,
        patch_size=125, embed_dims=64, num_layers=4, num_heads=4,
        mlp_ratio=2.0, drop_rate=0.1, pooling='cls', window_norm=True),
    mask_ratio=0.4,
    loss_recon=dict(type='MaskedMSELoss', loss_weight=1.0),
    loss_stft=dict(
        type='MultiResolutionSTFTLoss', n_ffts=(64, 128, 256),
        hop_lengths=(16, 32, 64), eps=1.0, loss_weight=0.3),
    data_preprocessor=dict(type='SignalDataPreprocessor', num_channels=2))
