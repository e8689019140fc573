"""Every route a checkpoint takes into ftplugin refuses a file whose
unpickling would run code, whatever its path, and the code never runs:
load_from, init_cfg, --resume (a named file, and the one last_checkpoint
names inside the work dir), the adapter, the ONNX export, tools/test.py."""
import os
import shlex

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from ftplugin.checkpoint import UnsafeCheckpointError, load_pretrained

FINETUNE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'


class Payload:
    """Unpickling calls ``os.system(command)``."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


def plant(path, marker):
    """A checkpoint that looks like one of ours, with a payload in meta."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'meta': {'epoch': 1, 'iter': 2,
                         'note': Payload(f'touch {shlex.quote(str(marker))}')},
                'state_dict': {}, 'message_hub': {}}, path)
    return path


def assert_refused(excinfo, path, marker):
    message = str(excinfo.value)
    assert str(path) in message
    assert 'system' in message  # the global it would have called
    assert 'Nothing of the file was run' in message
    assert not marker.exists(), 'the payload ran'


@pytest.fixture
def runner_of(repo_root, generated_data, tmp_path):
    def build(name, **changes):
        cfg = Config.fromfile(str(repo_root / FINETUNE_CFG))
        for split in ('train', 'val', 'test'):
            cfg[f'{split}_dataloader'].dataset.data_root = str(
                generated_data / 'kaggle_fall')
        cfg.work_dir = str(tmp_path / name)
        cfg.experiment_name = f'routes_{name}'
        cfg.train_cfg.max_epochs = 1
        cfg.merge_from_dict(changes)
        return Runner.from_cfg(cfg)
    return build


@pytest.mark.parametrize('route', ['load_from', 'init_cfg', 'resume_file',
                                   'resume_last_checkpoint'])
def test_runner_routes_refuse_a_payload(route, runner_of, tmp_path):
    marker = tmp_path / f'pwned_{route}'
    work = tmp_path / route
    if route == 'resume_last_checkpoint':
        # inside the run's own work dir, named by last_checkpoint: once
        # trusted by its path, now judged by what it holds
        evil = plant(work / 'epoch_1.pth', marker)
        (work / 'last_checkpoint').write_text(str(evil))
        changes = dict(resume=True)
    else:
        evil = plant(tmp_path / 'downloads' / 'evil.pth', marker)
        changes = {'load_from': dict(load_from=str(evil)),
                   'init_cfg': {'model.init_cfg': dict(
                       type='Pretrained', checkpoint=str(evil))},
                   'resume_file': dict(load_from=str(evil), resume=True),
                   }[route]
    runner = runner_of(route, **changes)
    with pytest.raises(UnsafeCheckpointError) as excinfo:
        runner.train()
    assert_refused(excinfo, evil, marker)


def test_adapter_and_export_refuse_a_payload(runner_of, repo_root,
                                             tmp_path):
    """The adapter (what load_from calls) and the ONNX export's loader."""
    from ftplugin.deployment.onnx_export import build_model
    marker = tmp_path / 'pwned_adapter'
    evil = plant(tmp_path / 'evil.pth', marker)
    model = runner_of('adapter').model
    with pytest.raises(UnsafeCheckpointError) as excinfo:
        load_pretrained(model, str(evil))
    assert_refused(excinfo, evil, marker)
    with pytest.raises(UnsafeCheckpointError) as excinfo:
        build_model(Config.fromfile(str(repo_root / FINETUNE_CFG)),
                    str(evil))
    assert_refused(excinfo, evil, marker)


def test_test_tool_refuses_a_payload(run_tool, generated_data, tmp_path):
    marker = tmp_path / 'pwned_test_tool'
    evil = plant(tmp_path / 'work' / 'epoch_1.pth', marker)
    proc = run_tool(['tools/test.py', FINETUNE_CFG, evil, '--work-dir',
                     tmp_path / 'work', '--cfg-options'] + [
                         f'{s}_dataloader.dataset.data_root='
                         f'{generated_data / "kaggle_fall"}'
                         for s in ('train', 'val', 'test')], check=False)
    assert proc.returncode != 0
    assert 'UnsafeCheckpointError' in proc.stdout
    assert f'Refusing to load {evil}' in proc.stdout
    assert not marker.exists(), 'the payload ran'
