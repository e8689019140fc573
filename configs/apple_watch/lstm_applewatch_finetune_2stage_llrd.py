# lstm_applewatch_finetune_2stage.py with layer-wise lr decay: the output layer at
# the full lr, LSTM layer 1 at 0.5 x, layer 0 at 0.25 x (depth groups read
# from the model, LayerDecayOptimWrapperConstructor), on top of the two
# stages. Check the lrs first:
#   python tools/analysis/print_schedule.py \
#     configs/apple_watch/lstm_applewatch_finetune_2stage_llrd.py
_base_ = ['./lstm_applewatch_finetune_2stage.py']

optim_wrapper = dict(
    constructor='LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.5, layer_groups='auto'))
