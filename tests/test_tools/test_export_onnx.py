"""tools/deployment/export_onnx.py and our own onnxruntime comparison."""
import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from ftplugin.checkpoint import load_pretrained

# its module fixtures train once: every test of the module on one
# pytest-xdist worker (make test runs --dist loadgroup)
pytestmark = pytest.mark.xdist_group('export_onnx_tool')


@pytest.fixture(scope='module')
def exported(trained_runs, run_tool, tool_cfg, tmp_path_factory):
    out = tmp_path_factory.mktemp('onnx') / 'model.onnx'
    proc = run_tool(['tools/deployment/export_onnx.py', tool_cfg.finetune,
                     trained_runs.best_ckpt, '--output-file', out,
                     '--verify'])
    assert proc.returncode == 0
    assert '"passed": true' in proc.stdout
    return out


@pytest.fixture(scope='module')
def torch_model(trained_runs, repo_root, tool_cfg):
    cfg = Config.fromfile(str(repo_root / tool_cfg.finetune))
    model = MODELS.build(cfg.model)
    report = load_pretrained(model, str(trained_runs.best_ckpt))
    assert report.missing == [] and report.unexpected == []
    return model.eval()


def compare(onnx_file, model, windows):
    session = ort.InferenceSession(str(onnx_file),
                                   providers=['CPUExecutionProvider'])
    assert [i.name for i in session.get_inputs()] == ['poses']
    assert [o.name for o in session.get_outputs()] == ['pred_score']
    for batch in (1, 5):
        x = np.ascontiguousarray(windows[:batch], dtype=np.float32)
        (got, ) = session.run(None, {'poses': x})
        with torch.no_grad():
            expected = model(torch.from_numpy(x), mode='tensor',
                             stage='head').softmax(-1)
        assert got.shape == (batch, 2)
        np.testing.assert_allclose(got, expected.numpy(), atol=1e-4, rtol=0)
        np.testing.assert_allclose(got.sum(1), 1.0, atol=1e-5)


def test_onnx_graph(exported):
    model = onnx.load(str(exported))
    onnx.checker.check_model(model)
    dim = model.graph.input[0].type.tensor_type.shape.dim
    assert dim[0].dim_param  # dynamic batch axis
    assert [d.dim_value for d in dim[1:]] == [2, 64, 18]


def test_onnx_matches_torch_on_generated_batch(exported, torch_model,
                                               trained_runs, tool_cfg,
                                               config_dataset):
    ds = config_dataset(tool_cfg.finetune, 'val', trained_runs.kaggle)
    # several windows per file; ONNX scores windows
    windows = np.concatenate([
        ds[i]['keypoint'].reshape(-1, 2, 64, 18) for i in range(5)])
    compare(exported, torch_model, windows)


def test_onnx_matches_torch_on_real_batch(exported, torch_model,
                                          shared_data, tool_cfg,
                                          config_dataset):
    ds = config_dataset(tool_cfg.finetune, 'test',
                        shared_data / 'kaggle_fall')
    # the test set holds several windows per file; ONNX scores windows
    windows = np.concatenate([
        ds[i]['keypoint'].reshape(-1, 2, 64, 18)
        for i in range(0, 50, 10)])
    compare(exported, torch_model, windows)


def test_export_refuses_a_checkpoint_that_does_not_fit(
        trained_runs, run_tool, tool_cfg, tmp_path):
    """The pretraining checkpoint has no classifier head: exporting the
    classifier config from it must fail instead of exporting random
    weights."""
    proc = run_tool(['tools/deployment/export_onnx.py', tool_cfg.finetune,
                     trained_runs.pretrain_ckpt, '--output-file',
                     tmp_path / 'x.onnx'], check=False)
    assert proc.returncode != 0
    # one error naming the checkpoint and the tensors left at their
    # initial values (the classifier head), without a traceback
    assert (f'CheckpointMismatchError: {trained_runs.pretrain_ckpt} does '
            f'not fit the model of {tool_cfg.finetune}') in proc.stdout
    assert 'not in the checkpoint: cls_head.' in proc.stdout
    assert 'Traceback' not in proc.stdout
    assert not (tmp_path / 'x.onnx').exists()


def test_export_pretrainer_latent_and_recon(trained_runs, run_tool,
                                            tool_cfg, tmp_path):
    out = tmp_path / 'pretrainer.onnx'
    proc = run_tool(['tools/deployment/export_onnx.py', tool_cfg.pretrain,
                     trained_runs.pretrain_ckpt, '--output-file', out,
                     '--verify', '--verify-batch-sizes', '2', '4'])
    assert '"passed": true' in proc.stdout
    session = ort.InferenceSession(str(out),
                                   providers=['CPUExecutionProvider'])
    assert [o.name for o in session.get_outputs()] == ['latent', 'recon']
    x = np.random.default_rng(0).normal(size=(3, 2, 64, 18)).astype(
        np.float32)
    latent, recon = session.run(None, {'poses': x})
    assert latent.shape == (3, 128) and recon.shape == x.shape


def test_export_refuses_clips_other_than_the_trained_ones(repo_root, run_tool,
                                                          tmp_path):
    """A sidecar written with --cfg-options test_dataloader.dataset.clip_len
    =32 for a thermal model trained on 64-frame windows: every ONNX
    inference would read other clips than the model learnt."""
    config = 'configs/thermal/slowonly_r18_thermal_20e.py'
    cfg = Config.fromfile(str(repo_root / config))
    ckpt = tmp_path / 'thermal.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict(),
                    meta=dict(cfg=cfg.pretty_text)), ckpt)
    proc = run_tool(['tools/deployment/export_onnx.py', config, ckpt,
                     '--output-file', tmp_path / 'x.onnx', '--cfg-options',
                     'test_dataloader.dataset.clip_len=32'], check=False)
    assert proc.returncode != 0
    assert (f'InputDriftError: {ckpt} was trained reading its data '
            f'otherwise than {config} would: test_dataloader.dataset.'
            f'clip_len: trained 64, now 32') in proc.stdout
    assert not (tmp_path / 'x.onnx').exists()
