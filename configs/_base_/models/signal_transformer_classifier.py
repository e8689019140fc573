# Signal transformer over 1 s patches of 10 s windows (125 Hz) + a linear
# quality classifier. The backbone's sizes must equal those of
# signal_transformer_pretrainer.py, whose weights it fine-tunes.
num_channels = 5  # ACC_X, ACC_Y, ACC_Z, PPG, ECG
model = dict(
    type='SignalClassifier',
    backbone=dict(
        type='SignalTransformer', in_channels=num_channels,
        signal_length=1250, patch_size=125, embed_dims=64, num_layers=4,
        num_heads=4, mlp_ratio=2.0, drop_rate=0.1, pooling='cls',
        # each window and channel standardised inside the model (the original
        # project's TTM scales its inputs the same way); measured in
        # docs/experiments/butppg.md
        window_norm=True),
    cls_head=dict(
        type='MLPHead', num_classes=2, in_channels=64, hidden_dims=(),
        average_clips='prob',
        loss_cls=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    # per-channel statistics of the training split, saved with the model
    data_preprocessor=dict(
        type='SignalDataPreprocessor', num_channels=num_channels))

# tools/deployment/export_onnx.py: raw (5, 1250) windows in (normalised
# inside the model), class probabilities out, any batch size.
onnx_cfg = dict(
    input_shape=(1, num_channels, 1250),
    input_names=['signals'],
    output_names=['pred_score'],
    dynamic_axes=dict(signals={0: 'batch'}, pred_score={0: 'batch'}))
