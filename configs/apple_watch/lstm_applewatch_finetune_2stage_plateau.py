# lstm_applewatch_finetune_2stage.py with a plateau-driven stage 1: it ends when
# the validation MSE has not improved by 0.01 BPM^2 for 3 validations (at
# most after 20 epochs), the weights of its best epoch come back, then every
# layer trains at 0.2 x the lr until early stopping (phase-aware: only in
# stage 2) or epoch 60. Check the schedule first:
#   python tools/analysis/print_schedule.py \
#     configs/apple_watch/lstm_applewatch_finetune_2stage_plateau.py
_base_ = ['./lstm_applewatch_finetune_2stage.py']

default_hooks = dict(
    unfreeze=dict(
        monitor='hr/mse', rule='less', patience=3, min_delta=0.01,
        restore_best=True,
        stages=[
            dict(begin=0, trainable=['backbone.lstm.*_l1', 'head'],
                 max_epochs=1 / 3),
            dict(trainable=['*'], lr_mult=0.2),
        ]))
