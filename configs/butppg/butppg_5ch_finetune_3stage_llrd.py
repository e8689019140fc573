# butppg_5ch_finetune_3stage.py with layer-wise lr decay: each depth group
# of the transformer (input layer and embeddings, 4 blocks, norm, head; read
# from the model) trains at 0.8 x the lr of the group above it
# (LayerDecayOptimWrapperConstructor), on top of the three stages. Check the
# lrs first:
#   python tools/analysis/print_schedule.py \
#     configs/butppg/butppg_5ch_finetune_3stage_llrd.py
_base_ = ['./butppg_5ch_finetune_3stage.py']

optim_wrapper = dict(
    constructor='LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.8, layer_groups='auto'))
