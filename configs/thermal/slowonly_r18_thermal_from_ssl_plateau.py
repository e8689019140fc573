# slowonly_r18_thermal_from_ssl.py with plateau-driven transitions: stages 1
# (head only) and 2 (+ stages 3-4) each end when the validation mean class
# accuracy has not improved for 1 validation, or after 3 of the 10 epochs,
# with the stage's best weights restored; then everything trains to epoch
# 10 (backbone lr x 0.1 throughout). Check the schedule first:
#   python tools/analysis/print_schedule.py \
#     configs/thermal/slowonly_r18_thermal_from_ssl_plateau.py
_base_ = ['./slowonly_r18_thermal_from_ssl.py']

# stages replace the base's list, so their fixed begins go with it
default_hooks = dict(
    unfreeze=dict(
        monitor='acc/mean_class', rule='greater', patience=1,
        restore_best=True,
        stages=[
            dict(frozen_stages=4, max_epochs=0.3),
            dict(frozen_stages=2, max_epochs=0.3),
            dict(frozen_stages=-1),
        ]))
