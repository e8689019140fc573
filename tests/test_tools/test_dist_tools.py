"""tools/dist_train.sh and tools/dist_test.sh with 2 CPU processes (gloo)."""
import json
import pickle
import socket

import pytest

from ftplugin.checkpoint import safe_torch_load


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_dist_train_two_cpu_processes(generated_data, run_tool, tool_cfg,
                                      tmp_path):
    work = tmp_path / 'dist'
    kaggle = generated_data / 'kaggle_fall'
    proc = run_tool(['bash', 'tools/dist_train.sh', tool_cfg.finetune, '2',
                     '--work-dir', work, '--seed', '0', '--cfg-options',
                     # from random weights: the test has no pretraining
                     'load_cfg=None', 'train_cfg.max_epochs=1'] +
                    tool_cfg.batch +
                    ['--data-root', kaggle],
                    python=False, env={'PORT': str(free_port())})
    assert 'Distributed training: True' in proc.stdout
    ckpt = safe_torch_load(str(work / 'epoch_1.pth'))
    assert ckpt['meta']['epoch'] == 1
    # DDP wrapper keys are not saved: the checkpoint fits the bare model
    assert all(k.startswith(('backbone.', 'cls_head.'))
               for k in ckpt['state_dict'])
    assert list(work.glob('best_acc_top1_epoch_1.pth'))
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1]
    # at least one optimisation step happened on each rank
    assert 'loss_cls' in history[0]['train']
    assert 'acc/top1' in history[0]['val']


@pytest.mark.slow
def test_dist_test_two_cpu_processes(trained_runs, run_tool, tool_cfg,
                                     tmp_path, config_dataset):
    dump = tmp_path / 'dist.pkl'
    run_tool(['bash', 'tools/dist_test.sh', tool_cfg.finetune,
              trained_runs.best_ckpt, '2', '--work-dir', tmp_path / 'work',
              '--dump', dump, '--data-root', trained_runs.kaggle],
             python=False, env={'PORT': str(free_port())})
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    test_set = config_dataset(tool_cfg.finetune, 'test',
                              trained_runs.kaggle)
    # every sample once, none duplicated by the distributed sampler
    assert len(results) == len(test_set)
    assert [int(r['gt_label']) for r in results] == [
        test_set.get_data_info(i)['label'] for i in range(len(test_set))]
    metrics = json.loads((tmp_path / 'work' / 'test_metrics.json').read_text())
    acc = sum(int(r['pred_label']) == int(r['gt_label'])
              for r in results) / len(results)
    assert metrics['acc/top1'] == pytest.approx(acc)
