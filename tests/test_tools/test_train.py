"""tools/train.py end to end: pretraining, fine-tuning, resuming."""
import json
import re

import pytest
import torch

from ftplugin.checkpoint import safe_torch_load

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def test_pretraining_run(trained_runs):
    work = trained_runs.pretrain_dir
    assert (work / 'last_checkpoint').is_file()
    assert (work / 'epoch_1.pth').is_file()
    state = safe_torch_load(str(trained_runs.pretrain_ckpt))['state_dict']
    assert state and all(k.startswith('backbone.') for k in state)


def test_finetuning_work_dir(trained_runs):
    work = trained_runs.finetune_dir
    best = trained_runs.best_ckpt
    assert re.fullmatch(r'best_acc_top1_epoch_[12]\.pth', best.name)
    last = (work / 'last_checkpoint').read_text().strip()
    assert last.endswith('epoch_2.pth')
    assert safe_torch_load(last)['meta']['epoch'] == 2
    assert (work / 'training_curves.png').read_bytes()[:8] == PNG_MAGIC
    scalars = list(work.glob('*/vis_data/scalars.json'))
    assert len(scalars) == 1
    assert re.fullmatch(r'\d{8}_\d{6}', scalars[0].parent.parent.name)
    lines = [json.loads(line) for line in scalars[0].read_text().splitlines()]
    assert any('loss_cls' in line and 'loss_recon' in line
               for line in lines)
    assert sum('acc/top1' in line for line in lines) == 2
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1, 2]
    for entry in history:
        assert {'loss_cls', 'loss_recon'} <= set(entry['train'])
        assert 'acc/top1' in entry['val']
    # the best checkpoint is the epoch with the best val accuracy
    accs = [h['val']['acc/top1'] for h in history]
    best_epoch = int(best.stem.rsplit('_', 1)[1])
    assert accs[best_epoch - 1] == max(accs)
    # fine-tuning changed the pretrained backbone
    pre = safe_torch_load(str(trained_runs.pretrain_ckpt))['state_dict']
    tuned = safe_torch_load(last)['state_dict']
    key = 'backbone.encoder.0.weight'
    assert not torch.equal(pre[key], tuned[key])


def fix_last_checkpoint(work):
    """Point a copied work dir's last_checkpoint at its own copy."""
    pointer = work / 'last_checkpoint'
    name = pointer.read_text().strip().rsplit('/', 1)[-1]
    pointer.write_text(str(work / name))


def test_resume_continues_from_epoch_two(trained_runs, run_tool, copy_tree,
                                         tool_cfg):
    work = copy_tree(trained_runs.finetune_dir, 'resumed')
    fix_last_checkpoint(work)
    before = json.loads((work / 'training_history.json').read_text())
    proc = run_tool(['tools/train.py', tool_cfg.finetune, '--work-dir', work,
                     '--resume', '--cfg-options', 'train_cfg.max_epochs=3'] +
                    tool_cfg.batch + tool_cfg.data_opts(trained_runs.kaggle))
    assert re.search(r'resumed epoch: 2\b', proc.stdout), proc.stdout[-3000:]
    assert 'Epoch(train) [3]' in proc.stdout
    assert 'Epoch(train) [1]' not in proc.stdout
    assert 'Epoch(train) [2]' not in proc.stdout
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1, 2, 3]
    assert history[:2] == before
    assert {'loss_cls', 'loss_recon'} <= set(history[2]['train'])
    assert 'acc/top1' in history[2]['val']
    last = (work / 'last_checkpoint').read_text().strip()
    assert last.endswith('epoch_3.pth')
    assert safe_torch_load(last)['meta']['epoch'] == 3


def test_resume_with_load_from_in_options_still_resumes_the_work_dir(
        trained_runs, run_tool, copy_tree, tool_cfg):
    """The natural way to resume is to re-run the same command with
    --resume; that command carries load_from=<pretrained> in --cfg-options.
    train.py documents --resume without a value as 'resume from the latest
    checkpoint in the work dir'."""
    work = copy_tree(trained_runs.finetune_dir, 'resumed_same_cmd')
    fix_last_checkpoint(work)
    proc = run_tool(['tools/train.py', tool_cfg.finetune, '--work-dir', work,
                     '--seed', '0', '--resume', '--cfg-options',
                     f'load_from={trained_runs.pretrain_ckpt}',
                     'train_cfg.max_epochs=3'] + tool_cfg.batch +
                    tool_cfg.data_opts(trained_runs.kaggle))
    assert re.search(r'resumed epoch: 2\b', proc.stdout)
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1, 2, 3]


def test_amp_training_on_cpu(generated_data, run_tool, tool_cfg, tmp_path):
    """--amp on a machine without CUDA: bfloat16 autocast, one epoch."""
    if torch.cuda.is_available():
        pytest.skip('checks the CPU fallback of --amp')
    work = tmp_path / 'amp'
    run_tool(['tools/train.py', tool_cfg.finetune, '--work-dir', work,
              '--amp', '--seed', '0', '--cfg-options',
              'train_cfg.max_epochs=1'] + tool_cfg.batch +
             tool_cfg.data_opts(generated_data / 'kaggle_fall'))
    dumped = (work / 'pose_ae_kaggle_finetune.py').read_text()
    assert "type='AmpOptimWrapper'" in dumped
    history = json.loads((work / 'training_history.json').read_text())
    train = history[0]['train']
    assert all(torch.isfinite(torch.tensor(train[k]))
               for k in ('loss_cls', 'loss_recon'))
    ckpt = safe_torch_load(str(work / 'epoch_1.pth'))
    assert all(v.dtype != torch.bfloat16
               for v in ckpt['state_dict'].values())
