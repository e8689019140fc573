# Pretrain the heart-rate LSTM on Endomondo-style workouts (the original
# project's batch-size search winner: batch 16, Adam 1e-3, 30 epochs), with the
# same inputs as fine-tuning: speed, altitude, previous-step heart rate. (The
# original project pretrained on speed, altitude and gender, then fine-tuned
# with heart rate in the third input slot.) Its best checkpoint is the
# load_from of lstm_applewatch_finetune_stage1-only.py and lstm_applewatch_finetune_2stage.py.
#   python tools/train.py configs/apple_watch/lstm_endomondo_pretrain.py
_base_ = [
    '../_base_/models/heart_rate_lstm.py', '../_base_/datasets/endomondo.py',
    '../_base_/schedules/adam_plateau_early_stop_50e.py',
    '../_base_/default_runtime.py'
]

train_cfg = dict(max_epochs=30)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
auto_scale_lr = dict(base_batch_size=16)

default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(save_best='hr/mse', rule='less'),
    # min_delta in BPM^2; mmengine's default of 0.1 would stop runs that
    # still gain a few hundredths of a BPM^2 per epoch
    early_stopping=dict(type='ResumableEarlyStoppingHook',
                        monitor='hr/mse', rule='less', min_delta=0.01,
                        patience=10))

# one torch thread: this small LSTM ran several times slower with OpenMP
# threads competing for a shared 2-core machine (0.09 s vs 16.5 s per
# iteration, docs/experiments/apple_watch.md); replaces the OMP_NUM_THREADS
# the demo and tests set
env_cfg = dict(torch_num_threads=1)
