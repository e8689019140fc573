# slowfast_r50_thermal_gradual_unfreeze.py with plateau-driven transitions:
# the head-only stage and the res4 + res5 stage each end when the validation
# mean class accuracy has not improved for 3 validations, or after 10
# epochs, with the stage's best weights restored; then everything trains to
# epoch 100. Check the schedule first:
#   python tools/analysis/print_schedule.py \
#     configs/thermal/slowfast_r50_thermal_gradual_unfreeze_plateau.py
_base_ = ['./slowfast_r50_thermal_gradual_unfreeze.py']

default_hooks = dict(
    unfreeze=dict(
        monitor='acc/mean_class', rule='greater', patience=3,
        restore_best=True,
        stages=[
            dict(frozen_stages=4, max_epochs=0.1),
            dict(frozen_stages=2, max_epochs=0.1),
            dict(frozen_stages=-1),
        ]))
