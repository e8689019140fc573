"""Shared by the per-family resume tests: train a config uninterrupted and,
side by side, the same run killed with SIGKILL after a random iteration and
then resumed with ``--resume``; the two must end bit-identical."""
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import torch

from ftplugin.checkpoint import safe_torch_load

# a hook that SIGKILLs its own process after a given batch of a given epoch
# (the batch taken modulo the epoch's length); it lives in the test's plugin
# folder, never in ftplugin
KILL_PLUGIN = '''
import os
import signal

from mmaction.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class KillAtIterHook(Hook):
    priority = 'LOWEST'

    def __init__(self, epoch, batch):
        self.epoch, self.batch = epoch, batch

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if (runner.epoch == self.epoch and
                batch_idx == self.batch % len(runner.train_dataloader)):
            os.kill(os.getpid(), signal.SIGKILL)
'''


def plugin_config(repo_root: Path, tmp_path: Path, base_config: str,
                  plugin: str, plugin_text: str, body: str = '') -> Path:
    """A config inheriting ``base_config`` that imports the test-only module
    ``plugin`` (written to ``tmp_path/plugin``, which must go on the
    subprocess's PYTHONPATH): custom_imports are read when the config file
    loads, not from --cfg-options."""
    folder = tmp_path / 'plugin'
    folder.mkdir(exist_ok=True)
    (folder / f'{plugin}.py').write_text(plugin_text)
    cfg = tmp_path / f'{plugin}_cfg.py'
    cfg.write_text(f'_base_ = [{str(repo_root / base_config)!r}]\n'
                   f"custom_imports = dict(imports=['ftplugin', {plugin!r}])"
                   f'\n{body}')
    return cfg


def keyed_hooks(stages: str, monitor: str, rule: str,
                min_delta: float) -> str:
    """Config text: ``default_hooks.unfreeze`` with ``stages`` (a Python
    list literal) and an early stopping (patience 2) that ``min_delta``
    keeps from ever seeing an improvement after the first validation. It
    counts across the stages (``phase_aware=False``), so that it stops
    after the 3rd epoch whatever the stages; its phase-aware counting
    through a kill is tested on a toy runner
    (tests/test_engine/hooks/test_staged_unfreeze_hook.py)."""
    return (f'default_hooks = dict(\n'
            f"    unfreeze=dict(type='StagedUnfreezeHook', stages={stages}),"
            f"\n    early_stopping=dict(type='ResumableEarlyStoppingHook', "
            f'monitor={monitor!r}, rule={rule!r}, min_delta={min_delta}, '
            f'patience=2, phase_aware=False))\n')


def _env(repo_root: Path, plugin_dir: Path, extra: dict = None) -> dict:
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(repo_root), str(plugin_dir)] +
        ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
    env.update(MPLBACKEND='Agg', OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    env.update(extra or {})
    return env


def _final_state(work: Path) -> dict:
    last = (work / 'last_checkpoint').read_text().strip()
    return safe_torch_load(last)


def kill_and_resume(repo_root: Path, tmp_path: Path, base_config: str,
                    config_body: str, options: list, kill_epochs: tuple,
                    env: dict = None, extra_plugin: str = '') -> dict:
    """Run the reference and the killed run in parallel, then resume.

    Args:
        repo_root (Path): The checkout.
        tmp_path (Path): Where the config, plugin and work dirs go.
        base_config (str): Config path (relative to ``repo_root``).
        config_body (str): Python config text added after
            ``_base_ = [base_config]`` (hooks, stages, loaders).
        options (list): ``--cfg-options`` entries of both runs.
        kill_epochs (tuple): Inclusive range of the (0-based) epoch to kill
            in; the batch is drawn at random too.
        env (dict, optional): Extra environment variables.
        extra_plugin (str): Python text added to the test's plugin module
            (e.g. toy models, datasets and metrics it registers).

    Returns:
        dict: ``at_iter`` (epoch and batch of the kill), ``reference`` /
        ``resumed`` final checkpoints,
        their ``*_history`` and the resumed run's ``log``.
    """
    cfg = plugin_config(repo_root, tmp_path, base_config, 'kill_at_iter',
                        KILL_PLUGIN + extra_plugin, config_body)
    plugin = tmp_path / 'plugin'
    draw = random.SystemRandom()
    at_iter = dict(epoch=draw.randint(*kill_epochs),
                   batch=draw.randint(0, 99))
    env = _env(repo_root, plugin, env)

    def command(work, *extra):
        return ([sys.executable, 'tools/train.py', str(cfg), '--work-dir',
                 str(tmp_path / work), '--seed', '0', '--deterministic'] +
                list(extra) + ['--cfg-options'] + list(options))

    runs = {
        'reference': subprocess.Popen(
            command('reference'), cwd=repo_root, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
        'killed': subprocess.Popen(
            command('resumed') + [
                'default_hooks.kill.type=KillAtIterHook',
                f'default_hooks.kill.epoch={at_iter["epoch"]}',
                f'default_hooks.kill.batch={at_iter["batch"]}'],
            cwd=repo_root, env=env, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)}
    logs = {name: proc.communicate(timeout=600)[0]
            for name, proc in runs.items()}
    assert runs['reference'].returncode == 0, logs['reference'][-4000:]
    assert runs['killed'].returncode == -signal.SIGKILL, (
        f'expected a SIGKILL at {at_iter}, got '
        f'{runs["killed"].returncode}:\n{logs["killed"][-4000:]}')
    resumed = subprocess.run(
        command('resumed', '--resume'), cwd=repo_root, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert resumed.returncode == 0, resumed.stdout[-4000:]

    def history(work):
        return json.loads((tmp_path / work /
                           'training_history.json').read_text())
    return dict(at_iter=at_iter, reference=_final_state(
        tmp_path / 'reference'), resumed=_final_state(tmp_path / 'resumed'),
        reference_history=history('reference'),
        resumed_history=history('resumed'), log=resumed.stdout)


def assert_bit_identical(result: dict) -> None:
    """Same final epoch, same history, every tensor equal."""
    at = result['at_iter']
    ref, res = result['reference'], result['resumed']
    assert ref['meta']['epoch'] == res['meta']['epoch'], at
    assert result['resumed_history'] == result['reference_history'], (
        f'killed at {at}: the histories differ')
    assert ref['state_dict'].keys() == res['state_dict'].keys()
    differ = [k for k, v in ref['state_dict'].items()
              if not torch.equal(v, res['state_dict'][k])]
    assert not differ, (f'killed at {at}: {len(differ)} of '
                        f'{len(ref["state_dict"])} tensors differ, e.g. '
                        f'{differ[:3]}')


def check_exact_resume(repo_root: Path, tmp_path: Path, base_config: str,
                       config_body: str, data_root: Path,
                       batch_size: int) -> None:
    """The family test: 5 epochs at most, killed in the 2nd or 3rd, where
    ``config_body``'s early stopping must end both runs after epoch 3."""
    result = kill_and_resume(
        repo_root, tmp_path, base_config, config_body,
        ['train_cfg.max_epochs=5',
         f'train_dataloader.batch_size={batch_size}'] +
        [f'{s}_dataloader.dataset.data_root={data_root}'
         for s in ('train', 'val', 'test')], kill_epochs=(1, 2))
    assert [h['epoch'] for h in result['reference_history']] == [1, 2, 3]
    assert_bit_identical(result)
