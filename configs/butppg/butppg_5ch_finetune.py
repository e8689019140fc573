# Fine-tune the 2-channel (PPG, ECG) self-supervised encoder on 5-channel
# BUT-PPG windows (ACC_X, ACC_Y, ACC_Z, PPG, ECG) for quality (0 poor, 1 good),
# as the original project: channel inflation 2 -> 5, two stages of unfreezing,
# AdamW 2e-5, weight decay 0.01, clipping 1.0, batch 32, 30 epochs.
#   python tools/train.py configs/butppg/butppg_5ch_finetune.py \
#     --data-root D --cfg-options \
#       load_from=work_dirs/ssl_vitaldb_2ch_pretrain/best_model.pt
# (the original project's SSL checkpoints, `encoder_state_dict`, load as well).
# The three-stage variant is butppg_5ch_finetune_3stage.py.
_base_ = [
    '../_base_/models/signal_transformer_classifier.py',
    '../_base_/datasets/butppg.py', '../_base_/schedules/adamw_2e-5_30e.py',
    '../_base_/default_runtime.py'
]

# Required: a run without load_from is refused (see FineTuneRunner).
load_from = None
load_cfg = dict(
    required=['backbone'],
    scratch_config='configs/butppg/butppg_5ch_scratch.py',
    # the pretrained PPG and ECG input weights go to slots 3 and 4, exactly;
    # the ACC slots 0-2 start as their mean + N(0, 0.01^2)
    inflate=dict(
        keys=['backbone.patch_embed.weight'],
        src_channels=['PPG', 'ECG'],
        dst_channels=['ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG'],
        init='mean', noise_std=0.01))

# Stage 1 (epochs 1-5): the head only. Stage 2 (epochs 6-30): + the last 2 of
# the 4 blocks, the final norm and the inflated input layer, whose new ACC
# weights would otherwise never train (the original project kept inflated
# layers trainable too). Stage 2 begins at a fraction of train_cfg.max_epochs
# (1/6: epoch 6 of 30), so a shorter or longer run keeps the shape.
unfreeze_stages = [
    dict(begin=0, trainable=['cls_head']),
    dict(begin=1 / 6, trainable=['cls_head', 'backbone.blocks.2',
                             'backbone.blocks.3', 'backbone.norm',
                             'backbone.patch_embed']),
]
default_hooks = dict(
    fit_normalization=dict(type='FitNormalizationHook'),
    unfreeze=dict(type='StagedUnfreezeHook', stages=unfreeze_stages),
    original_outputs=dict(type='OriginalOutputsHook'),
    # best_acc_top1_epoch_N.pth (and its copy best_model.pt): the original
    # project's model selection by validation accuracy
    checkpoint=dict(save_best='acc/top1', rule='greater'))
# the trainable set changes after DDP wraps the model
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
