# Pose autoencoder (the original project's architecture) + 128-64-32-2 fall
# classifier, trained on cross-entropy + 0.1 x reconstruction MSE.
model = dict(
    type='PoseAEClassifier',
    backbone=dict(
        type='PoseAutoencoder', in_channels=2, hidden_dims=(32, 64, 96),
        latent_dim=128),
    cls_head=dict(
        type='MLPHead', num_classes=2, in_channels=128, hidden_dims=(64, 32),
        dropout=0.3, average_clips='prob',
        loss_cls=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    loss_recon=dict(type='MaskedMSELoss', loss_weight=0.1),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))

# tools/deployment/export_onnx.py: one (2, 64, 18) window in, class
# probabilities out, any batch size.
onnx_cfg = dict(
    input_shape=(1, 2, 64, 18),
    input_names=['poses'],
    output_names=['pred_score'],
    dynamic_axes=dict(poses={0: 'batch'}, pred_score={0: 'batch'}))
