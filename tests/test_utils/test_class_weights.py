"""Class weights: the function, the tool on real annotations, the thermal
configs that wire them into the loss."""
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from sklearn.utils.class_weight import compute_class_weight

from data_fixtures.thermal import real_label_counts
from ftplugin.utils.class_weights import class_weights


def test_inverse_weights_are_sklearn_balanced():
    counts = [30, 0, 5, 1, 64]
    labels = np.repeat(np.arange(5), counts)
    present = np.unique(labels)
    expected = compute_class_weight('balanced', classes=present, y=labels)
    weights = class_weights(counts, 'inverse')
    np.testing.assert_allclose(np.array(weights)[present], expected)
    assert weights[1] == 0.0
    # the sample-weighted mean is 1: the loss keeps its scale
    assert np.dot(weights, counts) == pytest.approx(sum(counts))
    sqrt = class_weights(counts, 'inverse', power=0.5)
    np.testing.assert_allclose(np.array(sqrt)[present], np.sqrt(expected))


def test_effective_number_weights():
    counts = [10, 1, 0]
    raw = np.array([0.1 / (1 - 0.9**10), 0.1 / (1 - 0.9)])
    expected = raw / raw.sum() * 2
    np.testing.assert_allclose(class_weights(counts, 'effective', beta=0.9),
                               [*expected, 0.0])
    # beta = 0: every present class weighs the same
    assert class_weights([7, 3, 0], 'effective', beta=0.0) == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match='beta'):
        class_weights(counts, 'effective', beta=1.0)
    with pytest.raises(ValueError, match='method'):
        class_weights(counts, 'median')


def test_class_weight_tool_on_real_annotations(thermal_real, run_tool,
                                               tmp_path):
    out = tmp_path / 'w.json'
    proc = run_tool(['tools/analysis/class_weights.py',
                     thermal_real / 'annotations/train.json',
                     '--class-mapping',
                     thermal_real / 'annotations/class_mapping.json',
                     '--frames-dir', thermal_real / 'frames', '--out', out])
    result = json.loads(out.read_text())
    counts = real_label_counts(thermal_real)
    assert result['counts'] == counts.tolist()
    assert result['skipped_sensors'] == ['SL06_R1', 'SL06_R2']
    present = counts > 0
    expected = counts.sum() / (present.sum() * counts[present])
    np.testing.assert_allclose(np.array(result['class_weight'])[present],
                               expected, atol=1e-4)
    printed = proc.stdout
    line = next(x for x in printed.splitlines() if x.startswith('--cfg'))
    assert line.startswith('--cfg-options "model.cls_head.loss_cls.'
                           'class_weight=[')
    # the printed snippet is a valid config wiring the weights in
    snippet = next(x for x in printed.splitlines()
                   if x.startswith('model = dict('))
    (tmp_path / 'snippet.py').write_text(snippet + '\n')
    cfg = Config.fromfile(str(tmp_path / 'snippet.py'))
    assert cfg.model.cls_head.loss_cls.class_weight == result['class_weight']


def test_configs_wire_class_weights_into_the_loss(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/thermal/slowonly_r18_thermal_20e.py'))
    weights = cfg.model.cls_head.loss_cls.class_weight
    assert len(weights) == 14 and max(weights) > 1 > min(weights)
    head = MODELS.build(cfg.model.cls_head)
    torch.testing.assert_close(head.loss_cls.class_weight,
                               torch.tensor(weights))
    # the head's loss is the weighted cross-entropy, not the plain one
    scores = torch.randn(6, 14, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 3, 3, 3, 9])
    loss = head.loss_cls(scores, labels)
    torch.testing.assert_close(
        loss, F.cross_entropy(scores, labels, weight=torch.tensor(weights)))
    assert not torch.isclose(loss, F.cross_entropy(scores, labels))
    sf = Config.fromfile(
        str(repo_root / 'configs/thermal/slowfast_r50_thermal_finetune.py'))
    assert len(sf.model.cls_head.loss_cls.class_weight) == 14
