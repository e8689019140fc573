"""ftplugin.apis.inference on the kaggle_pose family, against tools/test.py.

The session's fine-tuned checkpoint (``trained_runs``) scores the generated
Kaggle folder through ``tools/test.py --dump`` once; inference on the same
folder must give the same predictions, file by file.
"""
import pickle

import numpy as np
import pytest
import torch

from ftplugin.apis import (CheckpointMismatchError, inference,
                           inference_spec, init_model)
from ftplugin.apis.predictors import InferenceInputError

# the session's trained checkpoints: on the worker of the other tests of
# the kaggle tool group (make test runs --dist loadgroup)
pytestmark = pytest.mark.xdist_group('test_tool')


@pytest.fixture(scope='module')
def dump(trained_runs, run_tool, tool_cfg, tmp_path_factory):
    """tools/test.py --dump of the best checkpoint on the whole folder:
    ``{filename: pred_score}``."""
    out = tmp_path_factory.mktemp('infer_dump')
    run_tool(['tools/test.py', tool_cfg.finetune, trained_runs.best_ckpt,
              '--work-dir', out, '--dump', out / 'out.pkl', '--cfg-options',
              f'test_dataloader.dataset.data_root={trained_runs.kaggle}',
              'test_dataloader.dataset.split=all'])
    with open(out / 'out.pkl', 'rb') as f:
        return {r['filename']: np.asarray(r['pred_score'])
                for r in pickle.load(f)}


@pytest.fixture(scope='module')
def model(trained_runs, tool_cfg, repo_root):
    return init_model(str(repo_root / tool_cfg.finetune),
                      str(trained_runs.best_ckpt))


def test_inference_on_a_folder_equals_the_test_dump(model, dump,
                                                     trained_runs):
    records = inference(model, str(trained_runs.kaggle), per_window=True)
    # every file with a pose, in the dump's order; header-only ones left out
    assert [r['file'] for r in records] == list(dump)
    for record in records:
        expected = dump[record['file']]
        np.testing.assert_allclose(record['probs'], expected, atol=1e-5)
        assert record['pred_label'] == int(expected.argmax())
        assert record['pred_class'] == ('No_Fall', 'Fall')[
            record['pred_label']]
        assert record['score'] == pytest.approx(expected.max(), abs=1e-5)
        # the config tests 5 windows per file; the file takes the most
        # fall-like one (average_clips='max')
        windows = record['windows']
        assert len(windows) == record['num_windows'] == 5
        falls = [w['probs'][1] for w in windows]
        assert record['probs'][1] == pytest.approx(max(falls), abs=1e-6)
        # spans in the file's own frame numbers (frames without a person
        # are absent from it), in order
        starts = [w['start'] for w in windows]
        assert starts == sorted(starts)
        assert all(w['start'] < w['end'] for w in windows)


def test_mmaction_inference_recognizer_on_a_csv(model, dump, trained_runs,
                                                tool_cfg, repo_root):
    from mmaction.apis import inference_recognizer, init_recognizer
    from mmengine.dataset import Compose

    from ftplugin.apis import file_test_pipeline
    path = next(iter(dump))
    # init_model's model.cfg.test_pipeline starts from the file
    result = inference_recognizer(model, path)
    np.testing.assert_allclose(result.pred_score.numpy(), dump[path],
                               atol=1e-5)
    # mmaction2's own init_recognizer, with the file pipeline given
    plain = init_recognizer(str(repo_root / tool_cfg.finetune),
                            str(trained_runs.best_ckpt), device='cpu')
    pipeline = Compose(file_test_pipeline(inference_spec(plain.cfg)))
    result = inference_recognizer(plain, path, test_pipeline=pipeline)
    np.testing.assert_allclose(result.pred_score.numpy(), dump[path],
                               atol=1e-5)


def test_ensemble_is_the_mean_of_its_members(trained_runs, tool_cfg,
                                             repo_root):
    config = str(repo_root / tool_cfg.finetune)
    ckpts = sorted(trained_runs.finetune_dir.glob('epoch_*.pth'))
    assert len(ckpts) == 2
    members = [init_model(config, str(c)) for c in ckpts]
    files = sorted(str(p) for p in trained_runs.kaggle.glob(
        'Fall/Keypoints_CSV/S_*.csv'))[:4]
    alone = [inference(m, files) for m in members]
    together = inference(members, files)
    # the members differ (else the test could not fail)
    assert not np.allclose(alone[0][0]['probs'], alone[1][0]['probs'])
    for i, record in enumerate(together):
        mean = np.mean([a[i]['probs'] for a in alone], 0)
        np.testing.assert_allclose(record['probs'], mean, atol=1e-6)
        assert record['pred_label'] == int(mean.argmax())


def test_ensemble_members_must_agree(trained_runs, tool_cfg, repo_root):
    config = str(repo_root / tool_cfg.finetune)
    members = [init_model(config, str(trained_runs.best_ckpt)),
               init_model(config, str(trained_runs.best_ckpt), cfg_options={
                   'test_dataloader.dataset.num_clips': 3})]
    with pytest.raises(ValueError, match=r"in \['dataset'\]"):
        inference(members, str(trained_runs.kaggle))


def test_a_checkpoint_that_does_not_fit_is_refused(trained_runs, tool_cfg,
                                                    repo_root):
    """The pretraining checkpoint has no classifier head."""
    with pytest.raises(CheckpointMismatchError) as err:
        init_model(str(repo_root / tool_cfg.finetune),
                   str(trained_runs.pretrain_ckpt))
    message = str(err.value)
    assert str(trained_runs.pretrain_ckpt) in message
    # the missing head tensors, with the model's shapes
    assert 'cls_head.classifier' in message and '(2,' in message


def test_bad_inputs_are_named_errors(model, tmp_path):
    bad = tmp_path / 'bad_keypoints.csv'
    bad.write_text('Frame,Keypoint,X\n1,Nose,3\n')
    with pytest.raises(InferenceInputError, match=r'bad_keypoints\.csv.*'
                       r'Confidence'):
        inference(model, [str(bad)])
    other = tmp_path / 'clip.mp4'
    other.write_bytes(b'')
    with pytest.raises(InferenceInputError, match=r'clip\.mp4.*\.csv'):
        inference(model, [str(other)])
    with pytest.raises(InferenceInputError, match='no such file'):
        inference(model, [str(tmp_path / 'absent.csv')])
    # skip_bad: the bad file is left out, the good one predicted
    good = tmp_path / 'good'
    good.mkdir()
    from ftplugin.testing.synthetic.kaggle_pose import generate_kaggle
    generate_kaggle(str(good), 1, 0, np.random.default_rng(3),
                    verbose=False)
    files = sorted(str(p) for p in good.rglob('*.csv'))
    records = inference(model, files + [str(bad)], skip_bad=True)
    assert [r['file'] for r in records] == files


def test_kth_pose_npz(model, trained_runs):
    """A KTH-style .npz (OpenPose-18 poses) is read and windowed too."""
    path = sorted(trained_runs.kth.glob('*.npz'))[0]
    (record, ) = inference(model, [str(path)], per_window=True)
    poses = np.load(path)['poses']
    assert record['num_frames'] == len(poses)
    windows = record['windows']
    assert len(windows) == 5
    assert windows[0]['start'] == 0 and windows[-1]['end'] == len(poses)
    assert record['probs'][1] == pytest.approx(
        max(w['probs'][1] for w in windows))


def test_model_is_ready_for_inference(model):
    assert not model.training
    assert model.dataset_meta['classes'] == ('No_Fall', 'Fall')
    spec = model.inference_spec
    assert spec['family'] == 'kaggle_pose'
    sample = next(t for t in spec['pipeline']
                  if t['type'] == 'SamplePoseWindows')
    assert sample['num_clips'] == 5
    assert spec['aggregate'] == 'max'
    assert {p.device for p in model.parameters()} == {torch.device('cpu')}


def test_ensemble_members_trained_on_other_frame_sizes_are_refused():
    """thermal members trained on 40x60 and 60x40 frames; a member saved
    before checkpoints recorded the frame size is not refused for it."""
    from ftplugin.apis.inference import check_ensemble
    a = dict(family='thermal', checkpoint='a.pth', frame_shape=[40, 60])
    b = dict(a, checkpoint='b.pth', frame_shape=[60, 40])
    with pytest.raises(ValueError, match=r"member 1 \(b\.pth\) differs from "
                       r"member 0 \(a\.pth\) in \['frame_shape'\]"):
        check_ensemble([a, b])
    check_ensemble([a, dict(a, checkpoint='old.pth', frame_shape=None)])
def test_implausible_files_follow_the_test_dataset_opt_out(
        model, trained_runs, tool_cfg, repo_root, tmp_path):
    """A Kaggle file with confidences in percent is refused at inference
    as in training, and predicted with the test dataset's
    ``on_implausible='warn'`` (it was predicted silently; the opt-out was
    not read at inference)."""
    from ftplugin.datasets.formats.kaggle_keypoint_csv import (
        read_kaggle_csv, write_kaggle_csv)
    # the first file with poses (the generator writes header-only ones)
    source, (frames, poses, score, _) = next(
        (p, read) for p in sorted(trained_runs.kaggle.rglob('*.csv'))
        for read in [read_kaggle_csv(str(p))] if len(read[0]))
    percent = tmp_path / 'percent_keypoints.csv'
    write_kaggle_csv(str(percent), frames, poses, score * 100)
    with pytest.raises(InferenceInputError, match=r"percent_keypoints\.csv:"
                       r" column 'Confidence'.*percent"):
        inference(model, [str(percent)])
    warn = init_model(str(repo_root / tool_cfg.finetune),
                      str(trained_runs.best_ckpt), cfg_options={
                          'test_dataloader.dataset.on_implausible': 'warn'})
    (record, ) = inference(warn, [str(percent)])
    (expected, ) = inference(model, [str(source)])
    assert record['probs'] == pytest.approx(expected['probs'])
