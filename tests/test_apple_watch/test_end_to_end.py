"""Short runs of the family's tools: pretrain -> two-stage fine-tuning from
a seed-layout checkpoint -> test --dump -> ONNX; converted FIT/TCX/GPX files
through train and test."""
import json
import pickle

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from data_fixtures.workout_files import (make_run, start_date, write_fit,
                                         write_gpx, write_tcx)

from ftplugin.checkpoint import load_pretrained
from ftplugin.datasets import AppleWatchDataset

# its module fixtures train once: every test of the module on one
# pytest-xdist worker (make test runs --dist loadgroup), and first
pytestmark = [pytest.mark.slow,
              pytest.mark.xdist_group('apple_watch_end_to_end')]

PRETRAIN = 'configs/apple_watch/lstm_endomondo_pretrain.py'
STAGE1 = 'configs/apple_watch/lstm_applewatch_finetune_stage1-only.py'
FINETUNE = 'configs/apple_watch/lstm_applewatch_finetune_2stage.py'
LAYER0 = ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0')
# stage 2 begins at a sixth of the run: in a run of 2 epochs, the second
# (a fraction never gives two stages the same epoch)
TWO_SHORT_STAGES = ['train_cfg.max_epochs=2']


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory, aw_data, run_tool):
    work = tmp_path_factory.mktemp('aw_pretrain')
    run_tool(['tools/train.py', PRETRAIN, '--work-dir', work, '--seed', '0',
              '--cfg-options', 'train_cfg.max_epochs=1'] +
             ['--data-root', aw_data / 'endomondo'])
    (best, ) = work.glob('best_hr_mse_epoch_*.pth')
    return best


@pytest.fixture(scope='module')
def original_layout(pretrained, tmp_path_factory):
    """The pretrained weights saved as the seed project saves its models."""
    state = torch.load(pretrained, map_location='cpu',
                       weights_only=False)['state_dict']
    seed = {k.split('.', 1)[1]: v for k, v in state.items()}
    assert sorted(seed)[0] == 'fc.bias' and len(seed) == 10
    path = tmp_path_factory.mktemp('seed') / 'best_model.pt'
    torch.save({'epoch': 1, 'model_state_dict': seed,
                'config': {'hidden_size': 64}}, path)
    return path, seed


@pytest.fixture(scope='module')
def finetuned(tmp_path_factory, aw_data, original_layout, run_tool):
    work = tmp_path_factory.mktemp('aw_finetune')
    proc = run_tool(['tools/train.py', FINETUNE, '--work-dir', work,
                     '--seed', '0', '--cfg-options',
                     f'load_from={original_layout[0]}'] + TWO_SHORT_STAGES +
                    ['--data-root', aw_data / 'apple_watch'])
    return work, proc.stdout


def test_original_layout_loads_through_the_runner(finetuned):
    _, log = finetuned
    assert 'loaded 10 tensor(s)' in log
    assert 'remapped 10 key(s)' in log
    assert 'missing' not in log.split('loaded 10 tensor(s)')[1][:300]


def test_stage_1_keeps_layer_0_and_stage_2_trains_it(finetuned,
                                                     original_layout):
    work, _ = finetuned
    _, seed = original_layout
    epoch = {e: torch.load(work / f'epoch_{e}.pth', map_location='cpu',
                           weights_only=False)['state_dict']
             for e in (1, 2)}
    for key, value in seed.items():
        ours = ('head.' if key.startswith('fc.') else 'backbone.') + key
        in_layer0 = key.split('.')[-1] in LAYER0
        assert torch.equal(epoch[1][ours], value) == in_layer0, key
        assert not torch.equal(epoch[2][ours], epoch[1][ours]), key
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['stage'] for h in history] == [1, 2]
    assert all('hr/mae' in h['val'] and 'loss_hr' in h['train']
               for h in history)
    # stage 2 runs at 0.2 x the stage-1 lr (5e-4 -> 1e-4)
    assert history[1]['lr'] == pytest.approx(history[0]['lr'] * 0.2)
    assert (work / 'training_curves.png').stat().st_size > 0


@pytest.fixture(scope='module')
def tested(finetuned, aw_data, run_tool):
    work, _ = finetuned
    (best, ) = work.glob('best_hr_mse_epoch_*.pth')
    dump = work / 'predictions.pkl'
    run_tool(['tools/test.py', FINETUNE, best, '--work-dir', work,
              '--dump', dump, '--data-root', aw_data / 'apple_watch'])
    return best, dump, json.loads((work / 'test_metrics.json').read_text())


def test_test_metrics_match_the_dumped_predictions(tested, aw_data):
    _, dump, metrics = tested
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    n_test = len(torch.load(aw_data / 'apple_watch' / 'test.pt')['speed'])
    assert len(results) == n_test
    err = np.concatenate([
        (r['pred_hr'].numpy() - r['gt_hr'].numpy())[r['mask'].numpy()]
        for r in results]).astype(np.float64)
    assert metrics['hr/mae'] == pytest.approx(np.abs(err).mean(), rel=1e-5)
    assert metrics['hr/rmse'] == pytest.approx(np.sqrt((err**2).mean()),
                                               rel=1e-5)
    assert np.isfinite(metrics['hr/mae'])


def test_onnx_dynamic_batch_and_length(tested, aw_data, run_tool,
                                       repo_root, tmp_path):
    best, _, _ = tested
    out = tmp_path / 'hr.onnx'
    proc = run_tool(['tools/deployment/export_onnx.py', FINETUNE, best,
                     '--output-file', out, '--verify'])
    assert '"passed": true' in proc.stdout
    assert 'shape_3x137x3' in proc.stdout  # another sequence length
    graph = onnx.load(str(out)).graph
    dims = graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param and dims[1].dim_param and dims[2].dim_value == 3
    cfg = Config.fromfile(str(repo_root / FINETUNE))
    model = MODELS.build(cfg.model)
    report = load_pretrained(model, str(best))
    assert report.missing == [] and report.unexpected == []
    model.eval()
    ds = AppleWatchDataset(data_root=str(aw_data / 'apple_watch'),
                           split='test')
    batch = np.stack([ds.get_data_info(i)['inputs'] for i in range(2)])
    session = ort.InferenceSession(str(out),
                                   providers=['CPUExecutionProvider'])
    for x in (batch, batch[:1, :123]):
        (got, ) = session.run(None, {'features': x})
        with torch.no_grad():
            expected = model(torch.from_numpy(x)).numpy()
        assert got.shape == x.shape[:2] + (1, )
        np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)


def test_converted_workouts_train_and_test(tmp_path, pretrained, run_tool):
    src = tmp_path / 'workouts'
    src.mkdir()
    for day, write in enumerate([write_gpx, write_tcx, write_fit] * 2):
        ext = write.__name__.split('_')[1]
        write(src / f'run{day}.{ext}', make_run(start_date(day), 150 + day,
                                                seed=day))
    data = tmp_path / 'converted'
    proc = run_tool(['tools/data/apple_watch/convert_workouts.py', src,
                     '--out-dir', data])
    assert '6 workouts' in proc.stdout
    work = tmp_path / 'stage1'
    run_tool(['tools/train.py', STAGE1, '--work-dir', work, '--cfg-options',
              f'load_from={pretrained}', 'train_cfg.max_epochs=1'] +
             ['--data-root', data])
    (best, ) = work.glob('best_hr_mse_epoch_*.pth')
    run_tool(['tools/test.py', STAGE1, best, '--work-dir', work,
              '--data-root', data])
    metrics = json.loads((work / 'test_metrics.json').read_text())
    assert np.isfinite(metrics['hr/mae']) and metrics['hr/mae'] > 0


def test_fine_tuning_without_pretrained_weights_fails_loudly(repo_root):
    """A fine-tuning config run without load_from is refused instead of
    fine-tuning random weights; the scratch config is not."""
    from types import SimpleNamespace

    from ftplugin.engine import FineTuneRunner
    for config in (STAGE1, 'configs/apple_watch/lstm_applewatch_finetune_stage2-only.py',
                   FINETUNE):
        cfg = Config.fromfile(str(repo_root / config))
        assert cfg.load_from is None
        stub = SimpleNamespace(_has_loaded=False, _resume=False,
                               _load_from=None, cfg=cfg,
                               _built_datasets=dict)
        with pytest.raises(ValueError, match='load_from'):
            FineTuneRunner.load_or_resume(stub)
    scratch = Config.fromfile(
        str(repo_root / 'configs/apple_watch/lstm_applewatch_scratch.py'))
    assert scratch.load_from is None and not scratch.get('load_cfg')
