"""ava_custom inference: per person and keyframe, the same scores (and the
same AlphAction predictions CSV) as tools/test.py; ONNX against torch."""
import numpy as np
import pytest
from data_fixtures.inference import (export_with_sidecar, serial,
                                     train_and_dump)

from ftplugin.apis import inference, init_model, init_onnx_model
from ftplugin.apis.inference_results import write_ava_csv
from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('infer_ava')]
CFG = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'
# the generator's 4 classes
OPTIONS = ['model.cls_head.num_classes=4']


@pytest.fixture(scope='module')
def run(run_tool, tmp_path_factory):
    from ftplugin.testing.synthetic.ava_custom import generate_ava_custom
    root = tmp_path_factory.mktemp('ava_data')
    generate_ava_custom(str(root), num_videos=3, num_val_videos=1,
                        seconds=3, seed=0)
    work = tmp_path_factory.mktemp('infer_ava')
    ckpt, dump = train_and_dump(run_tool, CFG, root, work,
                                OPTIONS + serial('train', 'val', 'test'))
    model = init_model(CFG, str(ckpt),
                       cfg_options={'model.cls_head.num_classes': 4})
    return root, work, ckpt, dump, model


def test_person_keyframes_equal_the_test_predictions(run, tmp_path):
    root, work, _, dump, model = run
    records = inference(model, str(root / 'annotations' / 'val.json'),
                        boxes=str(root / 'boxes' / 'val_person_bbox.json'))
    boxes = np.concatenate([d['pred_instances']['bboxes'].numpy()
                            for d in dump])
    scores = np.concatenate([d['pred_instances']['scores'].numpy()
                             for d in dump])
    assert len(records) == len(boxes) > 0
    got_boxes = np.array([[r['x1'], r['y1'], r['x2'], r['y2']]
                          for r in records])
    np.testing.assert_allclose(got_boxes, boxes, atol=1e-5)
    np.testing.assert_allclose([r['probs'] for r in records], scores,
                               atol=1e-5)
    assert [r['pred_class'] for r in records] == [
        model.dataset_meta['classes'][k] for k in scores.argmax(1)]
    # AlphAction's CSV, as tools/test.py writes it beside the dump
    ours = tmp_path / 'ava.csv'
    write_ava_csv(str(ours), records, model.inference_spec['category_ids'])
    theirs = read_predictions_csv(str(work / 'dump.csv'))
    mine = read_predictions_csv(str(ours))
    assert [r[:2] + r[6:7] for r in mine] == [r[:2] + r[6:7]
                                               for r in theirs]
    np.testing.assert_allclose([r[2:6] + r[7:] for r in mine],
                               [r[2:6] + r[7:] for r in theirs], atol=2e-4)


def test_onnx_agrees_with_torch(run):
    root, work, ckpt, _, model = run
    onnx_file = export_with_sidecar(CFG, ckpt, work / 'model.onnx',
                                    {'model.cls_head.num_classes': 4})
    args = dict(boxes=str(root / 'boxes' / 'val_person_bbox.json'))
    ann = str(root / 'annotations' / 'val.json')
    torch_recs = inference(model, ann, **args)
    onnx_recs = inference(init_onnx_model(str(onnx_file)), ann, **args)
    assert [r['pred_label'] for r in onnx_recs] == [r['pred_label']
                                                    for r in torch_recs]
    np.testing.assert_allclose([r['probs'] for r in onnx_recs],
                               [r['probs'] for r in torch_recs], atol=1e-4)


def test_categories_renamed_against_the_checkpoint_are_refused(run,
                                                               tmp_path):
    """The same ids under other names (swapped): the dataset's id check
    passed and each score was named by another class."""
    import json
    from ftplugin.apis.predictors import InferenceInputError
    root, _, ckpt, _, model = run
    data = json.loads((root / 'annotations' / 'val.json').read_text())
    names = [c['name'] for c in data['categories']]
    for category, name in zip(data['categories'], names[::-1]):
        category['name'] = name
    (tmp_path / 'annotations').mkdir()
    renamed = tmp_path / 'annotations' / 'val.json'
    renamed.write_text(json.dumps(data))
    with pytest.raises(InferenceInputError,
                       match=rf'{renamed}: field "categories" names the '
                       rf'classes {", ".join(names[::-1])} but {ckpt}'):
        inference(model, str(renamed), data_root=str(root),
                  boxes=str(root / 'boxes' / 'val_person_bbox.json'))


def test_an_ia_model_is_refused_with_the_way_to_score_it(repo_root):
    """tools/infer.py on an IA checkpoint with its config crashed inside
    the scorer with the ONNX export's NotImplementedError (traceback)."""
    from mmengine.config import Config

    from ftplugin.apis import inference_spec
    from ftplugin.apis.predictors import AVAPredictor, ModelMismatchError
    config = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal_ia_memory.py'
    spec = inference_spec(Config.fromfile(str(repo_root / config)),
                          config_name=config)
    assert spec['ia'] is True
    assert inference_spec(Config.fromfile(str(repo_root / CFG)))['ia'] is (
        False)
    with pytest.raises(ModelMismatchError,
                       match=rf'{config} has interaction aggregation .* '
                       r'tools/test\.py --dump'):
        AVAPredictor(spec, [])
