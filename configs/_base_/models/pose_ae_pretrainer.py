# Pose autoencoder pretrained on reconstruction alone (the original project's
# KTH stage).
model = dict(
    type='PoseAEPretrainer',
    backbone=dict(
        type='PoseAutoencoder', in_channels=2, hidden_dims=(32, 64, 96),
        latent_dim=128),
    loss_recon=dict(type='MaskedMSELoss', loss_weight=1.0),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))

onnx_cfg = dict(
    input_shape=(1, 2, 64, 18),
    input_names=['poses'],
    output_names=['latent', 'recon'],
    dynamic_axes=dict(poses={0: 'batch'}, latent={0: 'batch'},
                      recon={0: 'batch'}))
