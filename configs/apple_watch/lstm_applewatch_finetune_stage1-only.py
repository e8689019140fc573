# Stage 1 of the original project's two-stage fine-tuning on Apple-Watch
# workouts: LSTM layer 0 frozen, layer 1 and the output layer train; Adam 5e-4,
# weight decay 1e-4, clipping 1.0, plateau lr, early stopping (patience 10), 50
# epochs.
#   python tools/train.py configs/apple_watch/lstm_applewatch_finetune_stage1-only.py \
#     --cfg-options load_from=PRETRAINED
# PRETRAINED: work_dirs/lstm_endomondo_pretrain/best_hr_mse_epoch_N.pth or the
# original project's {'model_state_dict': ...} file. Then
# lstm_applewatch_finetune_stage2-only.py from this run's best checkpoint; or run both stages
# at once with lstm_applewatch_finetune_2stage.py.
_base_ = [
    '../_base_/models/heart_rate_lstm.py', '../_base_/datasets/apple_watch.py',
    '../_base_/schedules/adam_plateau_early_stop_50e.py',
    '../_base_/default_runtime.py'
]

model = dict(backbone=dict(frozen_layers=(0, )))

default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(save_best='hr/mse', rule='less'),
    # min_delta in BPM^2; mmengine's default of 0.1 would stop runs that still
    # gain a few hundredths of a BPM^2 per epoch
    early_stopping=dict(type='ResumableEarlyStoppingHook',
                        monitor='hr/mse', rule='less', min_delta=0.01,
                        patience=10))

# Fine-tuning needs pretrained weights: without load_from the run is
# refused (FineTuneRunner), and the LSTM and the output layer must load
# completely, so a wrong checkpoint cannot leave them random.
load_from = None
load_cfg = dict(required=['backbone', 'head'],
                scratch_config='configs/apple_watch/lstm_applewatch_scratch.py')

# one torch thread: this small LSTM ran several times slower with OpenMP
# threads competing for a shared 2-core machine (0.09 s vs 16.5 s per
# iteration, docs/experiments/apple_watch.md); replaces the OMP_NUM_THREADS
# the demo and tests set
env_cfg = dict(torch_num_threads=1)
