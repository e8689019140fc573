"""Pretrain -> fine-tune (with --amp) -> tools/test.py -> ONNX, through the
repository's tools, and DDP with 2 CPU processes."""
import json
import pickle
import socket

import numpy as np
import pytest
import torch

from data_fixtures.butppg import FINETUNE_CFG, ONE_THREAD
from ftplugin.checkpoint import safe_torch_load

# its module fixtures train once: every test of the module on one
# pytest-xdist worker (make test runs --dist loadgroup), and first
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('butppg_pipeline')]

# stage 2 from the 2nd epoch, so that 2 epochs cross a stage transition
STAGE_OPTS = ['default_hooks.unfreeze.stages.1.begin=1',
              'train_cfg.max_epochs=2']
INFLATED = 'backbone.patch_embed.weight'


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture(scope='module')
def finetune_run(tmp_path_factory, pretrain_run, butppg_data, run_tool):
    work = tmp_path_factory.mktemp('finetune')
    proc = run_tool(['tools/train.py', FINETUNE_CFG, '--work-dir', work,
                     '--seed', '0', '--amp', '--cfg-options',
                     f'load_from={pretrain_run / "best_model.pt"}'] +
                    STAGE_OPTS + ['--data-root', butppg_data],
                    env=ONE_THREAD)
    return work, proc.stdout


def test_pretraining_outputs(pretrain_run):
    history = json.loads((pretrain_run / 'training_history.json').read_text())
    assert history[0]['val']['recon/mse'] > 0
    assert {'loss_recon', 'loss_stft'} <= set(history[0]['train'])
    ckpt = safe_torch_load(str(pretrain_run / 'best_model.pt'))
    assert ckpt['state_dict']['backbone.patch_embed.weight'].shape[1] == 2


def test_finetune_inflates_and_stages(finetune_run, pretrain_run):
    work, log = finetune_run
    assert f'Inflated {INFLATED}: (64, 2, 125) -> (64, 5, 125)' in log
    assert 'Epoch 1: stage 1/2' in log and 'Epoch 2: stage 2/2' in log
    assert 'Input normalisation fitted on the training split' in log
    source = safe_torch_load(str(pretrain_run / 'best_model.pt'))
    final = safe_torch_load(str(work / 'final_model.pt'))['state_dict']
    # frozen in both stages: still the pretrained weights
    key = 'backbone.blocks.0.attn.qkv.weight'
    assert torch.equal(final[key], source['state_dict'][key])
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['stage'] for h in history] == [1, 2]
    for name in ('best_model.pt', 'training_config.json'):
        assert (work / name).is_file()


def test_test_tool_metrics_and_onnx_parity(finetune_run, butppg_data,
                                           run_tool, tmp_path):
    work, _ = finetune_run
    best = work / 'best_model.pt'
    dump = tmp_path / 'pred.pkl'
    run_tool(['tools/test.py', FINETUNE_CFG, best, '--work-dir', tmp_path,
              '--dump', dump, '--data-root', butppg_data],
             env=ONE_THREAD)
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    test = np.load(butppg_data / 'test.npz')
    labels = test['labels']
    assert [int(r['gt_label']) for r in results] == labels.tolist()
    scores = np.stack([r['pred_score'].numpy() for r in results])
    preds = scores.argmax(1)
    metrics = json.loads((tmp_path / 'test_metrics.json').read_text())
    # the seed's keys, computed here independently
    assert metrics['accuracy'] == pytest.approx(100 * (preds == labels).mean())
    for c in (0, 1):
        assert metrics[f'class_{c}_acc'] == pytest.approx(
            100 * (preds[labels == c] == c).mean())
    assert metrics['loss'] == pytest.approx(
        -np.log(scores[np.arange(len(labels)), labels]).mean(), rel=1e-5)

    onnx_file = tmp_path / 'butppg.onnx'
    proc = run_tool(['tools/deployment/export_onnx.py', FINETUNE_CFG, best,
                     '--output-file', onnx_file, '--verify'], env=ONE_THREAD)
    assert '"passed": true' in proc.stdout
    # on the raw test windows, onnxruntime gives tools/test.py's scores:
    # the normalisation statistics travel inside the model
    import onnxruntime as ort
    session = ort.InferenceSession(str(onnx_file),
                                   providers=['CPUExecutionProvider'])
    (probs, ) = session.run(None, {'signals': test['signals']})
    np.testing.assert_allclose(probs, scores, atol=1e-4)


def test_dist_train_two_cpu_processes(pretrain_run, butppg_data, run_tool,
                                      tmp_path):
    work = tmp_path / 'dist'
    proc = run_tool(['bash', 'tools/dist_train.sh', FINETUNE_CFG, '2',
                     '--work-dir', work, '--seed', '0', '--cfg-options',
                     f'load_from={pretrain_run / "best_model.pt"}',
                     'train_dataloader.batch_size=16'] + STAGE_OPTS +
                    ['--data-root', butppg_data],
                    python=False, env={'PORT': str(free_port())})
    assert 'Distributed training: True' in proc.stdout
    assert 'Epoch 2: stage 2/2' in proc.stdout
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['stage'] for h in history] == [1, 2]
    source = safe_torch_load(str(pretrain_run / 'best_model.pt'))
    epoch1 = safe_torch_load(str(work / 'epoch_1.pth'))['state_dict']
    epoch2 = safe_torch_load(str(work / 'epoch_2.pth'))['state_dict']
    assert all(k.startswith(('backbone.', 'cls_head.', 'data_preprocessor.'))
               for k in epoch2)
    # frozen parameters stayed frozen on both ranks; stage 2's trained
    for key in ('backbone.blocks.3.mlp.0.weight', 'backbone.norm.weight'):
        assert torch.equal(epoch1[key], source['state_dict'][key])
        assert not torch.equal(epoch2[key], epoch1[key])
    key = 'backbone.blocks.0.mlp.0.weight'
    assert torch.equal(epoch2[key], source['state_dict'][key])


def test_finetune_without_load_from_is_refused(butppg_data, build_runner):
    runner = build_runner(FINETUNE_CFG, butppg_data,
                          **{'train_cfg.max_epochs': 1})
    with pytest.raises(ValueError, match='load_from is not set'):
        runner.train()
