# Runtime shared by every ftplugin config (mmaction2's own layout).
default_scope = 'mmaction'
# Lets mmaction2's own tools/train.py run ftplugin configs: importing ftplugin
# applies its compatibility patches and registers its modules.
custom_imports = dict(imports=['ftplugin'], allow_failed_imports=False)
# load_from= goes through ftplugin's checkpoint adapter (key maps, skipping).
runner_type = 'FineTuneRunner'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook, safe against a kill at any moment (atomic
    # files and last_checkpoint; old ones removed after the new one exists)
    checkpoint=dict(
        type='AtomicCheckpointHook', interval=1, max_keep_ckpts=2,
        save_best='auto'),
    # a non-finite loss / grad norm / metric stops the run at once
    # (max_loss=... also stops on a finite but absurd loss)
    divergence_guard=dict(type='DivergenceGuardHook'),
    # random state saved with each checkpoint, restored by --resume
    random_state=dict(type='RandomStateHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # ftplugin's optional hooks are keyed here too, never listed in
    # custom_hooks: mmengine merges this dict by key, so a config or
    # --cfg-options changes one of them (default_hooks.unfreeze.stages.1.
    # begin=10) or removes it (default_hooks.history=None) without repeating
    # the others.
    history=dict(type='TrainingHistoryHook'))
custom_hooks = []

env_cfg = dict(
    cudnn_benchmark=False,
    # torch intra-op threads (ftplugin): 'auto' = $OMP_NUM_THREADS when set,
    # else the cores left by the training dataloader's workers, shared by
    # the processes of the machine; an int fixes it; None keeps torch's
    # default (one per physical core)
    torch_num_threads='auto',
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # ftplugin.compat.cpu_distributed switches to gloo on machines without CUDA
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
# TensorBoard too, where the package is installed (pip install tensorboard;
# tensorboard --logdir work_dirs/<config>); nothing where it is not
vis_backends = [
    dict(type='LocalVisBackend'),
    dict(type='OptionalTensorboardVisBackend')
]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
