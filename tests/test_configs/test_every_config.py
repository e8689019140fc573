"""Every config of the repository, through tools/train.py and tools/test.py
(run in this process, with --cfg-options as on the command line):

* trains one epoch (the iteration-based ava_custom SlowFast: two iterations)
  on the session's generated data, the GPU-sized configs on tiny inputs; the
  fine-tuning configs from a checkpoint of the config that pretrains for them
  (trained first), SlowFast from a stand-in for the Kinetics checkpoint;
* and tools/test.py refuses a checkpoint of another family, naming it.

Every dataset is cut to a few samples (``indices``) so the whole matrix
takes minutes; checkpoints are written only where another config loads one.
"""
import gc
import importlib.util
import os.path as osp
import sys
import time
from pathlib import Path

import pytest
import torch

from ftplugin.checkpoint import CheckpointMismatchError

# the whole matrix on one pytest-xdist worker: its trainings feed each other
pytestmark = pytest.mark.xdist_group('config_matrix')

REPO_ROOT = Path(__file__).resolve().parents[2]
KINETICS = 'kinetics_standin'  # a checkpoint of the SlowFast backbone

# config -> (data, config whose checkpoint it fine-tunes from, options).
# Data keys: kth, kaggle (generated_data), endomondo, apple_watch (aw_data),
# vitaldb, butppg, thermal, ava. In dependency order.
SLOWFAST_THERMAL = [
    # 32 frames at 48x32 instead of 64 at 384x256
    'train_dataloader.dataset.clip_len=32',
    'val_dataloader.dataset.clip_len=32',
    'test_dataloader.dataset.clip_len=32',
    'train_dataloader.dataset.pipeline.0.scale=(48,32)',
    'train_dataloader.dataset.pipeline.2.scale=(48,32)',
    'val_dataloader.dataset.pipeline.0.scale=(48,32)',
    'val_dataloader.dataset.pipeline.1.crop_size=(48,32)',
    'test_dataloader.dataset.pipeline.0.scale=(48,32)',
    'test_dataloader.dataset.pipeline.1.crop_size=(48,32)',
]
SLOWFAST_AVA = [
    # 16 frames at 32 pixels high, two iterations
    'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
    'model.cls_head.num_classes=auto',
] + [f'{split}_dataloader.dataset.{key}'
     for split in ('train', 'val', 'test')
     for key in ('frame_num=16', 'pipeline.0.scale=(-1,32)')]
MATRIX = {
    'kaggle_pose/pose_ae_kth_pretrain.py': ('kth', None, []),
    'kaggle_pose/pose_ae_kaggle_finetune.py': (
        'kaggle', 'kaggle_pose/pose_ae_kth_pretrain.py', []),
    'kaggle_pose/pose_ae_kaggle_finetune_jitter.py': (
        'kaggle', 'kaggle_pose/pose_ae_kth_pretrain.py', []),
    'kaggle_pose/pose_ae_kaggle_finetune_single_window.py': (
        'kaggle', 'kaggle_pose/pose_ae_kth_pretrain.py', []),
    'kaggle_pose/pose_ae_kaggle_finetune_first_window.py': (
        'kaggle', 'kaggle_pose/pose_ae_kth_pretrain.py', []),
    'kaggle_pose/pose_ae_kaggle_finetune_random-window-flip.py': (
        'kaggle', 'kaggle_pose/pose_ae_kth_pretrain.py', []),
    'kaggle_pose/pose_ae_kaggle_freeze_encoder.py': (
        'kaggle', 'kaggle_pose/pose_ae_kth_pretrain.py', []),
    'kaggle_pose/pose_ae_kaggle_scratch.py': ('kaggle', None, []),
    'kaggle_pose/pose_ae_kaggle_single_window_scratch.py': (
        'kaggle', None, []),
    'kaggle_pose/stgcnpp_kth_pretrain_joint_u64.py': ('kth', None, []),
    'kaggle_pose/stgcnpp_kaggle_joint_u64.py': ('kaggle', None, []),
    'kaggle_pose/stgcnpp_kaggle_joint_u64_kth_pretrained.py': (
        'kaggle', 'kaggle_pose/stgcnpp_kth_pretrain_joint_u64.py', []),
    'apple_watch/lstm_endomondo_pretrain.py': ('endomondo', None, []),
    'apple_watch/lstm_applewatch_finetune_stage1-only.py': (
        'apple_watch', 'apple_watch/lstm_endomondo_pretrain.py', []),
    'apple_watch/lstm_applewatch_finetune_stage2-only.py': (
        'apple_watch', 'apple_watch/lstm_applewatch_finetune_stage1-only.py', []),
    'apple_watch/lstm_applewatch_finetune_2stage.py': (
        'apple_watch', 'apple_watch/lstm_endomondo_pretrain.py', []),
    'apple_watch/lstm_applewatch_finetune_2stage_plateau.py': (
        'apple_watch', 'apple_watch/lstm_endomondo_pretrain.py', []),
    'apple_watch/lstm_applewatch_finetune_2stage_llrd.py': (
        'apple_watch', 'apple_watch/lstm_endomondo_pretrain.py', []),
    'apple_watch/lstm_applewatch_scratch.py': ('apple_watch', None, []),
    'butppg/ssl_vitaldb_2ch_pretrain.py': ('vitaldb', None, []),
    'butppg/butppg_5ch_finetune.py': (
        'butppg', 'butppg/ssl_vitaldb_2ch_pretrain.py', []),
    'butppg/butppg_5ch_finetune_3stage.py': (
        'butppg', 'butppg/ssl_vitaldb_2ch_pretrain.py', []),
    'butppg/butppg_5ch_finetune_3stage_plateau.py': (
        'butppg', 'butppg/ssl_vitaldb_2ch_pretrain.py', []),
    'butppg/butppg_5ch_finetune_3stage_llrd.py': (
        'butppg', 'butppg/ssl_vitaldb_2ch_pretrain.py', []),
    'butppg/butppg_5ch_scratch.py': ('butppg', None, []),
    'thermal/slowonly_r18_thermal_20e.py': ('thermal', None, []),
    'thermal/slowonly_r18_thermal_20e_balanced-sampler.py': ('thermal', None, []),
    'thermal/slowonly_r18_thermal_20e_focal-loss.py': ('thermal', None, []),
    # the staged variants fine-tune the self-supervised backbone; the CPU
    # config's checkpoint has the same SlowOnly R18 backbone
    'thermal/slowonly_r18_thermal_from_ssl_plateau.py': (
        'thermal', 'thermal/slowonly_r18_thermal_20e.py', []),
    'thermal/slowonly_r18_thermal_from_ssl_llrd.py': (
        'thermal', 'thermal/slowonly_r18_thermal_20e.py', []),
    'thermal/slowfast_r50_thermal_finetune.py': (
        'thermal', KINETICS, SLOWFAST_THERMAL),
    'thermal/slowfast_r50_thermal_gradual_unfreeze.py': (
        'thermal', KINETICS, SLOWFAST_THERMAL),
    'thermal/slowfast_r50_thermal_gradual_unfreeze_plateau.py': (
        'thermal', KINETICS, SLOWFAST_THERMAL),
    'thermal/slowfast_r50_thermal_scratch.py': (
        'thermal', None, SLOWFAST_THERMAL),
    # the generator writes 4 categories: the class count comes from the data
    'ava_custom/slowonly_tiny_ava_custom_thermal.py': (
        'ava', None, ['model.cls_head.num_classes=auto']),
    'ava_custom/slowfast_r50_ava_custom.py': ('ava', KINETICS, SLOWFAST_AVA),
}
FAMILIES = ('kaggle_pose', 'apple_watch', 'butppg', 'thermal', 'ava_custom')
# the checkpoint each family's configs are tested with: the next family's
FOREIGN = {family: FAMILIES[(i + 1) % len(FAMILIES)]
           for i, family in enumerate(FAMILIES)}
# the config whose checkpoint stands for its family
FAMILY_CHECKPOINT = {
    'kaggle_pose': 'kaggle_pose/pose_ae_kth_pretrain.py',
    'apple_watch': 'apple_watch/lstm_endomondo_pretrain.py',
    'butppg': 'butppg/ssl_vitaldb_2ch_pretrain.py',
    'thermal': 'thermal/slowonly_r18_thermal_20e.py',
    'ava_custom': 'ava_custom/slowonly_tiny_ava_custom_thermal.py',
}
KEEP = ({parent for _, parent, _ in MATRIX.values()} |
        set(FAMILY_CHECKPOINT.values())) - {None, KINETICS}


def _tool(name):
    path = REPO_ROOT / 'tools' / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'matrix_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_options(config: str, keep: bool) -> list:
    """One epoch on a few samples, batches of 2, no worker processes; a
    checkpoint only where another config loads it."""
    iter_based = any(o.startswith('train_cfg.max_iters')
                     for o in MATRIX[config][2])
    options = ([] if iter_based else ['train_cfg.max_epochs=1']) + [
        'log_level=WARNING', 'default_hooks.history=None',
        'default_hooks.logger.interval=1000']
    for split, n in (('train', 4), ('val', 2), ('test', 2)):
        options += [f'{split}_dataloader.batch_size=2',
                    f'{split}_dataloader.num_workers=0',
                    f'{split}_dataloader.persistent_workers=False',
                    f'{split}_dataloader.dataset.indices={n}',
                    # mmengine's serialisation runs gc.collect(): seconds
                    # in a process holding the whole suite
                    f'{split}_dataloader.dataset.serialize_data=False']
    if not keep:
        options += ['default_hooks.checkpoint.interval=-1',
                    'default_hooks.checkpoint.save_last=False',
                    'default_hooks.checkpoint.save_best=None']
    # no scheduler overrides: every schedule fits one epoch by itself
    # (fractional stage begins, schedulers scaled by FineTuneRunner)
    return options


def call_tool(tool, argv) -> None:
    """``tools/<tool>.py`` argv, in this process."""
    from ftplugin.utils import run_main
    saved = sys.argv
    sys.argv = [f'{tool.__name__}.py'] + [str(a) for a in argv]
    try:
        run_main(tool.main)
    finally:
        sys.argv = saved
        if 'slowfast' in str(argv[0]):
            gc.collect()  # the SlowFast R50 models, before the next one


def kinetics_standin(path: Path) -> Path:
    """The SlowFast R50 backbone with a 400-class head, as the Kinetics
    checkpoint the SlowFast configs fine-tune (random weights, fp16 to keep
    the file small)."""
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(
        str(REPO_ROOT / 'configs/thermal/slowfast_r50_thermal_finetune.py'))
    cfg.model.cls_head.num_classes = 400
    model = MODELS.build(cfg.model)
    torch.save({'state_dict': {k: v.half() if v.is_floating_point() else v
                               for k, v in model.state_dict().items()}},
               path)
    return path


@pytest.fixture(scope='module', autouse=True)
def plain_config_text():
    """The config's own text where mmengine logs and dumps the yapf-formatted
    one (1-2 s per run on a loaded machine, twice per config here;
    formatting is not what this module tests)."""
    from ftplugin.engine import runner
    patch = pytest.MonkeyPatch()
    patch.setattr(runner._FormatOnceConfig, 'pretty_text',
                  property(lambda self: self._text))
    yield
    patch.undo()


@pytest.fixture(scope='module')
def data_roots(generated_data, aw_data, vitaldb_data, butppg_data,
               thermal_gen, ava_gen):
    return dict(kth=generated_data / 'kth_poses',
                kaggle=generated_data / 'kaggle_fall',
                endomondo=aw_data / 'endomondo',
                apple_watch=aw_data / 'apple_watch', vitaldb=vitaldb_data,
                butppg=butppg_data, thermal=thermal_gen, ava=ava_gen)


def best_checkpoint(work_dir: Path) -> Path:
    found = sorted(work_dir.glob('best_*.pth')) or sorted(
        work_dir.glob('epoch_*.pth')) or sorted(work_dir.glob('iter_*.pth'))
    assert found, f'no checkpoint in {work_dir}'
    return found[-1]


@pytest.fixture(scope='module')
def matrix(tmp_path_factory, data_roots):
    """Trains every config in order; ``{config: (error or None, seconds,
    work_dir)}``, the family checkpoints and the total time."""
    root = tmp_path_factory.mktemp('config_matrix')
    train = _tool('train')
    checkpoints = {KINETICS: kinetics_standin(root / 'kinetics.pth')}
    results = {}
    start = time.monotonic()
    for config, (data, parent, extra) in MATRIX.items():
        work = root / config.replace('/', '__')[:-3]
        options = small_options(config, config in KEEP) + extra + [
            f'experiment_name=matrix_train_{work.name}']
        if parent is not None:
            if parent not in checkpoints:
                results[config] = (f'no checkpoint of {parent}', 0.0, work)
                continue
            options.append(f'load_from={checkpoints[parent]}')
        began = time.monotonic()
        try:
            call_tool(train, ['configs/' + config, '--work-dir', work,
                              '--data-root', data_roots[data], '--seed', '0',
                              '--cfg-options'] + options)
            error = None
            if config in KEEP:
                checkpoints[config] = best_checkpoint(work)
        except (Exception, SystemExit) as err:  # noqa: BLE001 - reported
            error = f'{type(err).__name__}: {err}'
        results[config] = (error, time.monotonic() - began, work)
    return dict(results=results, checkpoints=checkpoints, root=root,
                seconds=time.monotonic() - start)


@pytest.mark.parametrize('config', list(MATRIX))
def test_config_trains_one_epoch(matrix, config):
    error, seconds, work = matrix['results'][config]
    assert error is None, f'{config}: {error}'
    # the run ended: its log folder holds the config it ran
    assert list(work.glob('*/vis_data/config.py')) or list(
        work.glob('*/*.py')), f'{config} left no run folder in {work}'


@pytest.mark.parametrize('config', list(MATRIX))
def test_test_tool_refuses_a_checkpoint_of_another_family(
        matrix, data_roots, config):
    family = config.split('/')[0]
    foreign = matrix['checkpoints'].get(
        FAMILY_CHECKPOINT[FOREIGN[family]])
    assert foreign is not None, 'the foreign family\'s training failed'
    data, _, extra = MATRIX[config]
    work = matrix['root'] / 'tests' / config.replace('/', '__')[:-3]
    test = _tool('test')
    with pytest.raises(SystemExit) as info:
        call_tool(test, ['configs/' + config, foreign, '--work-dir', work,
                         '--data-root', data_roots[data], '--cfg-options'] +
                  small_options(config, False) + extra +
                  [f'experiment_name=matrix_test_{work.name}'])
    message = str(info.value.code)
    assert message.startswith(CheckpointMismatchError.__name__), message
    assert str(foreign) in message and config in message
    assert not (work / 'test_metrics.json').exists()


def test_matrix_time(matrix):
    """Recorded for docs/reliability.md; the suite's budget is the bound."""
    seconds = {c: round(s, 1) for c, (_, s, _) in matrix['results'].items()}
    print(f'config matrix: {matrix["seconds"]:.0f} s to train '
          f'{len(seconds)} configs: {seconds}')
    assert osp.isdir(matrix['root'])


@pytest.mark.parametrize('config', list(MATRIX))
def test_fine_tuning_configs_require_load_from(config):
    """A config that fine-tunes declares what must load (so a run without
    load_from is refused); its from-scratch twin, where it names one,
    exists and loads nothing; a config that trains from scratch requires
    nothing."""
    from mmengine.config import Config
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / config))
    load_cfg = cfg.get('load_cfg') or {}
    fine_tunes = MATRIX[config][1] is not None
    assert bool(load_cfg.get('required')) == fine_tunes, load_cfg
    twin = load_cfg.get('scratch_config')
    if twin is not None:
        scratch = Config.fromfile(str(REPO_ROOT / twin))
        assert scratch.get('load_from') is None
        assert not (scratch.get('load_cfg') or {}).get('required')
        assert twin[len('configs/'):] in MATRIX


def test_a_missing_load_from_names_the_twin(generated_data, tmp_path):
    train = _tool('train')
    config = 'configs/kaggle_pose/pose_ae_kaggle_finetune_random-window-flip.py'
    with pytest.raises(SystemExit) as info:
        call_tool(train, [config, '--work-dir', tmp_path, '--data-root',
                          generated_data / 'kaggle_fall'])
    message = str(info.value.code)
    assert message.startswith('MissingPretrainedError: ')
    assert (f'{config} fine-tunes pretrained weights (load_cfg.required='
            f"['backbone']) but load_from is not set: pass --cfg-options "
            f'load_from=CHECKPOINT, or train from random weights with its '
            f'from-scratch twin configs/kaggle_pose/'
            f'pose_ae_kaggle_single_window_scratch.py') in message


def test_export_of_a_config_with_auto_classes(matrix, tmp_path):
    """ava_custom's CPU config trained with num_classes=auto exports from
    its checkpoint (no data at hand: the count the checkpoint recorded)."""
    from mmengine.config import Config

    from ftplugin.deployment import ExportWrapper, build_model, export_onnx
    config = 'ava_custom/slowonly_tiny_ava_custom_thermal.py'
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / config))
    cfg.model.cls_head.num_classes = 'auto'
    model = build_model(cfg, str(matrix['checkpoints'][config]))
    assert model.cls_head.num_classes == 4  # the generated categories
    out = tmp_path / 'ava.onnx'
    export_onnx(ExportWrapper(model).eval(), cfg.onnx_cfg, str(out))
    assert out.stat().st_size > 0
