"""tools/train.py: resuming a work dir, --amp on CPU (the pretraining and
fine-tuning runs themselves are checked in tests/test_kaggle_pose/)."""
import json
import re

import pytest
import torch

from ftplugin.checkpoint import safe_torch_load


def fix_last_checkpoint(work):
    """Point a copied work dir's last_checkpoint at its own copy."""
    pointer = work / 'last_checkpoint'
    name = pointer.read_text().strip().rsplit('/', 1)[-1]
    pointer.write_text(str(work / name))


@pytest.mark.slow
def test_resume_continues_from_epoch_two(trained_runs, run_tool, copy_tree,
                                         tool_cfg):
    work = copy_tree(trained_runs.finetune_dir, 'resumed')
    fix_last_checkpoint(work)
    before = json.loads((work / 'training_history.json').read_text())
    proc = run_tool(['tools/train.py', tool_cfg.finetune, '--work-dir', work,
                     '--resume', '--cfg-options', 'train_cfg.max_epochs=3'] +
                    tool_cfg.batch + ['--data-root', trained_runs.kaggle])
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


@pytest.mark.slow
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
                    ['--data-root', trained_runs.kaggle])
    assert re.search(r'resumed epoch: 2\b', proc.stdout)
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1, 2, 3]
    # the copied checkpoints name the original folder's best file; a new
    # best replaces the copy's own, never the original's
    assert len(list(work.glob('best_acc_top1_epoch_*.pth'))) == 1
    assert trained_runs.best_ckpt.is_file()


@pytest.mark.slow
def test_amp_training_on_cpu(generated_data, run_tool, tool_cfg, tmp_path):
    """--amp on a machine without CUDA: bfloat16 autocast, one epoch."""
    if torch.cuda.is_available():
        pytest.skip('checks the CPU fallback of --amp')
    work = tmp_path / 'amp'
    run_tool(['tools/train.py', tool_cfg.finetune, '--work-dir', work,
              '--amp', '--seed', '0', '--cfg-options',
              # from random weights: the test has no pretraining
              'load_cfg=None', 'train_cfg.max_epochs=1'] + tool_cfg.batch +
             ['--data-root', generated_data / 'kaggle_fall'])
    dumped = (work / 'pose_ae_kaggle_finetune.py').read_text()
    assert "type='AmpOptimWrapper'" in dumped
    history = json.loads((work / 'training_history.json').read_text())
    train = history[0]['train']
    assert all(torch.isfinite(torch.tensor(train[k]))
               for k in ('loss_cls', 'loss_recon'))
    ckpt = safe_torch_load(str(work / 'epoch_1.pth'))
    assert all(v.dtype != torch.bfloat16
               for v in ckpt['state_dict'].values())
