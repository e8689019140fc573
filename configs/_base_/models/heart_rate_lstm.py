# The original project's HeartRateLSTM: 2-layer unidirectional LSTM, 64 hidden
# units, dropout 0.2 between the layers, a linear layer per step (51,009
# parameters for 3 inputs). Inputs: z-scored speed and altitude and the heart
# rate of the previous step in BPM; output: heart rate in BPM at every step.
input_features = ('speed', 'altitude', 'heart_rate_prev')
model = dict(
    type='HeartRateRegressor',
    # must equal the dataset's features (its hr_input); checked at run time
    input_features=input_features,
    # heart rate in and out of the LSTM as (hr - 140) / 20: inputs of order
    # 1, and the output layer starts near a typical running heart rate
    hr_norm=(140.0, 20.0),
    backbone=dict(
        type='HeartRateLSTM', hidden_size=64, num_layers=2, dropout=0.2,
        bidirectional=False),
    head=dict(
        type='HeartRateHead', in_channels=64,
        loss=dict(type='MaskedMSELoss', loss_weight=1.0)))

# tools/deployment/export_onnx.py: (batch, time, 3) features in, (batch,
# time, 1) BPM out; both axes dynamic, and --verify runs these shapes too.
onnx_cfg = dict(
    input_shape=(1, 500, 3),
    input_names=['features'],
    output_names=['heart_rate'],
    dynamic_axes=dict(
        features={0: 'batch', 1: 'time'},
        heart_rate={0: 'batch', 1: 'time'}),
    verify_shapes=[(2, 500, 3), (3, 137, 3), (1, 1000, 3)])
