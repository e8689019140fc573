"""tools/analysis/print_schedule.py: what it prints for a config is what the
hook then trains. The apple_watch fine-tuning with layer-wise lr decay,
previewed for 3 epochs, against a 3-epoch training of the same config on
generated data (in this process): per epoch the stage, the trainable
parameters and their lrs."""
import json

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.hooks import Hook

from ftplugin.utils.tool_utils import build_runner

CONFIG = 'configs/apple_watch/lstm_applewatch_finetune_2stage_llrd.py'


class Recorder(Hook):
    priority = 'LOWEST'  # after the stage is applied

    def __init__(self):
        self.epochs = {}

    def before_train_epoch(self, runner):
        model = runner.model
        names = {id(p): n for n, p in model.named_parameters()}
        lrs = {names[id(g['params'][0])]: g['lr']
               for g in runner.optim_wrapper.optimizer.param_groups}
        trainable = [n for n, p in model.named_parameters()
                     if p.requires_grad]
        self.epochs[runner.epoch] = dict(
            stage=runner.message_hub.get_info('train_stage'),
            trainable=trainable, lrs={n: lrs[n] for n in trainable})


@pytest.fixture(scope='module')
def report(repo_root, run_tool, tmp_path_factory):
    out = tmp_path_factory.mktemp('schedule') / 'schedule.json'
    proc = run_tool(['tools/analysis/print_schedule.py', CONFIG,
                     '--max-epochs', '3', '--json', out])
    return proc.stdout, json.loads(out.read_text())


def test_the_text_names_stages_groups_and_ends(report):
    text, _ = report
    assert 'stage 1 (begins at epoch 1, lr x 1)' in text
    assert 'stage 2 (begins at epoch 2, lr x 0.2)' in text
    assert 'ends at: epoch 1 done (stage 2 begins at epoch 2)' in text
    # layer-wise decay 0.5: the head at 5e-4, layer 1 at half, layer 0 at
    # a quarter (x 0.2 in stage 2)
    assert 'head: 65 params, lr 0.0005' in text
    assert 'backbone.lstm.*_l0, backbone.lstm.*_l0_reverse: 17,664 ' \
        'params, lr 2.5e-05' in text


def test_matches_what_the_hook_trains(report, aw_data, repo_root, tmp_path):
    _, schedule = report
    cfg = Config.fromfile(str(repo_root / CONFIG))
    torch.manual_seed(0)
    weights = tmp_path / 'pretrained.pth'
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, weights)
    cfg.merge_from_dict({'train_cfg.max_epochs': 3, 'load_from': str(weights),
                         'work_dir': str(tmp_path / 'work'),
                         'default_hooks.history': None,
                         'randomness': dict(seed=0)})
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = str(
            aw_data / 'apple_watch')
    runner = build_runner(cfg)
    recorder = Recorder()
    runner.register_hook(recorder)
    runner.train()
    stages = schedule['stages']
    assert [s['begin'] for s in stages] == [0, 1]
    for epoch, seen in recorder.epochs.items():
        stage = stages[seen['stage'] - 1]
        assert epoch >= stage['begin']
        assert seen['trainable'] == stage['trainable'], epoch
        assert seen['lrs'] == pytest.approx(stage['lrs']), epoch
    assert [e['stage'] for e in recorder.epochs.values()] == [1, 2, 2]
