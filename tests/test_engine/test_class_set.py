"""engine.class_set: the data's class set against the model's
num_classes, the loss's class_weight and every split's classes; one error
naming the file, the config key, both numbers and the --cfg-options fix;
``'auto'`` derives them from the data, logged. Thermal with 3 and 20 classes
in class_mapping.json, ava_custom with 20 and with the generator's 4
categories, through the runner as tools/train.py builds it."""
import json
import os
from collections import Counter
from types import SimpleNamespace

import pytest
from mmengine.config import Config

from ftplugin.engine.class_set import (ClassSetError, check_class_set,
                                       class_set_problems,
                                       resolve_auto_classes)
from ftplugin.utils import build_runner, set_data_root
from ftplugin.utils.class_weights import class_weights

THERMAL_CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'
AVA_CFG = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'


def fake_dataset(classes, **attrs):
    return SimpleNamespace(metainfo=dict(classes=tuple(classes)), **attrs)


def cfg_of(num_classes=None, class_weight=None):
    head = dict(type='X')
    if num_classes is not None:
        head['num_classes'] = num_classes
    if class_weight is not None:
        head['loss_cls'] = dict(class_weight=class_weight)
    cfg = Config(dict(model=dict(cls_head=head)))
    return cfg


def test_agreeing_class_sets_have_no_problem():
    names = ['a', 'b', 'c']
    cfg = cfg_of(3, [1.0, 2.0, 0.5])
    datasets = dict(train=fake_dataset(names, ann_file='t.json'),
                    val=fake_dataset(names, ann_file='v.json'))
    assert class_set_problems(cfg, datasets) == []
    check_class_set(cfg, datasets)
    # no class set (regression, pretraining): nothing to check
    assert class_set_problems(cfg, dict(train=SimpleNamespace(
        metainfo={}))) == []


def test_each_disagreement_is_one_sentence_with_its_fix():
    cfg = cfg_of(14, [1.0] * 14)
    train = fake_dataset(['a', 'b', 'c'], class_mapping='ann/map.json',
                         data_root='/data')
    val = fake_dataset(['a', 'b'], ann_file='/data/ann/val.json')
    problems = class_set_problems(cfg, dict(train=train, val=val))
    assert len(problems) == 3
    splits, model, loss = problems
    assert splits.startswith('/data/ann/val.json (val) lists 2 classes')
    assert '/data/ann/map.json (train) lists 3' in splits
    assert ('model.cls_head.num_classes is 14 but /data/ann/map.json lists '
            '3 classes (a, b, c): pass --cfg-options '
            'model.cls_head.num_classes=3') in model
    assert ('model.cls_head.loss_cls.class_weight has 14 weights but '
            '/data/ann/map.json lists 3 classes') in loss
    assert 'model.cls_head.loss_cls.class_weight=auto' in loss
    with pytest.raises(ClassSetError) as info:
        check_class_set(cfg, dict(train=train, val=val))
    assert str(info.value).split('\n') == problems


def thermal_variant(src, dst, num_classes):
    """``src`` (generated, 14 classes) relabelled to ``num_classes``: the
    recordings linked, the annotations' ids taken modulo ``num_classes``,
    class_mapping.json and the categories listing ``num_classes`` names."""
    (dst / 'annotations').mkdir(parents=True)
    os.symlink(src / 'frames', dst / 'frames')
    names = [f'class_{i}' for i in range(num_classes)]
    for split in ('train', 'val'):
        data = json.loads((src / 'annotations' / f'{split}.json').read_text())
        for ann in data['annotations']:
            ann['category_id'] %= num_classes
            ann['category_name'] = names[ann['category_id']]
        data['categories'] = [dict(id=i, name=n) for i, n in enumerate(names)]
        (dst / 'annotations' / f'{split}.json').write_text(json.dumps(data))
    mapping = json.loads(
        (src / 'annotations' / 'class_mapping.json').read_text())
    mapping['classes'] = names
    for key in list(mapping):
        if key != 'classes':
            del mapping[key]
    (dst / 'annotations' / 'class_mapping.json').write_text(
        json.dumps(mapping))
    return dst


def small_cfg(path, root, work, **options):
    cfg = Config.fromfile(path)
    set_data_root(cfg, str(root))
    cfg.work_dir = str(work)
    cfg.train_cfg.max_epochs = 1
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].num_workers = 0
        cfg[f'{split}_dataloader'].persistent_workers = False
    cfg.merge_from_dict(options)
    return cfg


@pytest.mark.parametrize('num_classes', [3, 20])
def test_thermal_class_mapping_against_the_config(
        thermal_gen, tmp_path, repo_root, num_classes):
    root = thermal_variant(thermal_gen, tmp_path / 'data', num_classes)
    mapping = root / 'annotations' / 'class_mapping.json'
    runner = build_runner(small_cfg(str(repo_root / THERMAL_CFG), root,
                                    tmp_path / 'work'))
    with pytest.raises(ClassSetError) as info:
        runner.train()  # refused before any weight loads or step is taken
    message = str(info.value)
    assert (f'{THERMAL_CFG}: model.cls_head.num_classes is 14 but '
            f'{mapping} lists {num_classes} classes') in message
    assert (f'pass --cfg-options model.cls_head.num_classes={num_classes}'
            in message)
    assert (f'model.cls_head.loss_cls.class_weight has 14 weights but '
            f'{mapping} lists {num_classes}') in message
    assert not list((tmp_path / 'work').glob('*.pth'))


def test_thermal_auto_takes_classes_and_weights_from_the_data(
        thermal_gen, tmp_path, repo_root):
    root = thermal_variant(thermal_gen, tmp_path / 'data', 3)
    cfg = small_cfg(str(repo_root / THERMAL_CFG), root, tmp_path / 'work',
                    **{'model.cls_head.num_classes': 'auto',
                       'model.cls_head.loss_cls.class_weight':
                       'auto:inverse:0.5'})
    runner = build_runner(cfg)
    assert runner.model.cls_head.fc_cls.out_features == 3
    weights = runner.cfg.model.cls_head.loss_cls.class_weight
    # the training split's labels, counted here independently: the
    # majority category of each image (ties to the smallest id) whose
    # recording is present
    data = json.loads((root / 'annotations/train.json').read_text())
    per_image = {}
    for ann in data['annotations']:
        per_image.setdefault(ann['image_id'], []).append(ann['category_id'])
    labels = []
    for image in data['images']:
        top = Counter(per_image[image['id']]).most_common()
        labels.append(min(c for c, n in top if n == top[0][1]))
    counts = [labels.count(c) for c in range(3)]
    assert weights == pytest.approx(
        class_weights(counts, method='inverse', power=0.5), abs=1e-4)
    assert runner.model.cls_head.loss_cls.class_weight.tolist() == (
        pytest.approx(weights))
    log = (tmp_path / 'work').glob('*/*.log')
    text = ''.join(p.read_text() for p in log)
    assert 'model.cls_head.num_classes=auto: 3 classes from' in text
    assert (f'model.cls_head.loss_cls.class_weight=auto: {weights} from '
            f'the training split\'s label counts {counts}') in text


def ava_variant(src, dst, num_categories):
    """``src`` with ``num_categories`` categories listed (the generator's
    4 first): clips and boxes linked, annotations rewritten."""
    (dst / 'annotations').mkdir(parents=True)
    for name in ('clips', 'boxes'):
        os.symlink(src / name, dst / name)
    for split in ('train', 'val'):
        data = json.loads((src / 'annotations' / f'{split}.json').read_text())
        have = {c['id'] for c in data['categories']}
        data['categories'] += [dict(id=100 + i, name=f'extra_{i}')
                               for i in range(num_categories - len(have))]
        (dst / 'annotations' / f'{split}.json').write_text(json.dumps(data))
    return dst


@pytest.mark.parametrize('num_categories', [4, 20])
def test_ava_custom_categories_against_the_config(
        ava_gen, tmp_path, repo_root, num_categories):
    """4: what the project's own generator writes; 20: more than the
    config's 14 (the extra classes were dropped from the loss silently)."""
    root = (ava_gen if num_categories == 4 else
            ava_variant(ava_gen, tmp_path / 'data', num_categories))
    runner = build_runner(small_cfg(str(repo_root / AVA_CFG), root,
                                    tmp_path / 'work'))
    with pytest.raises(ClassSetError) as info:
        runner.train()
    message = str(info.value)
    ann = root / 'annotations' / 'train.json'
    assert (f'{AVA_CFG}: model.cls_head.num_classes is 14 but {ann} lists '
            f'{num_categories} classes') in message
    assert (f'--cfg-options model.cls_head.num_classes={num_categories}'
            in message)


def test_ava_custom_auto_builds_the_generated_class_count(ava_gen, tmp_path,
                                                          repo_root):
    cfg = small_cfg(str(repo_root / AVA_CFG), ava_gen, tmp_path / 'work',
                    **{'model.cls_head.num_classes': 'auto'})
    lines = resolve_auto_classes(cfg)
    assert cfg.model.cls_head.num_classes == 4
    assert lines == [
        f'model.cls_head.num_classes=auto: 4 classes from '
        f'{ava_gen}/annotations/train.json (train split): walk, stand, '
        f'wave, hot']
    # per-box multi-label data: weights cannot be counted per sample
    cfg = small_cfg(str(repo_root / AVA_CFG), ava_gen, tmp_path / 'work',
                    **{'model.cls_head.num_classes': 'auto',
                       'model.cls_head.loss_cls': dict(class_weight='auto')})
    with pytest.raises(ClassSetError, match='one class id per sample'):
        resolve_auto_classes(cfg)


def test_auto_without_data_takes_the_checkpoints_classes():
    """The ONNX export builds the model without data: 'auto' takes the
    class count the checkpoint's training recorded, or says what to pass."""
    from ftplugin.engine.class_set import resolve_auto_from_checkpoint
    cfg = cfg_of('auto', 'auto')
    checkpoint = dict(meta=dict(dataset_meta=dict(classes=('a', 'b', 'c'))))
    lines = resolve_auto_from_checkpoint(cfg, checkpoint, 'x.pth')
    assert cfg.model.cls_head.num_classes == 3
    assert cfg.model.cls_head.loss_cls.class_weight is None
    assert lines == ['model.cls_head.num_classes=auto: 3 classes recorded '
                     'in x.pth: a, b, c']
    with pytest.raises(ClassSetError, match='x.pth records no classes.*'
                       'model.cls_head.num_classes=K'):
        resolve_auto_from_checkpoint(cfg_of('auto'), dict(meta={}), 'x.pth')


def test_a_checkpoint_trained_on_other_class_names_or_order():
    """Same count, other order or names: every output would be read as
    another class (the head's shapes fit, so nothing else catches it)."""
    from ftplugin.engine.class_set import checkpoint_class_problems
    meta = dict(dataset_meta=dict(classes=('a', 'b', 'c'),
                                  category_ids=(1, 2, 3)))
    same = fake_dataset(['a', 'b', 'c'], ann_file='t.json')
    assert checkpoint_class_problems('x.pth', meta, dict(test=same)) == []
    assert checkpoint_class_problems('x.pth', {}, dict(test=same)) == []
    for names in (['c', 'b', 'a'], ['A', 'B', 'C']):
        (problem, ) = checkpoint_class_problems(
            'x.pth', meta, dict(test=fake_dataset(names, ann_file='t.json')))
        assert problem.startswith('x.pth was trained on classes a, b, c '
                                  '(meta.dataset_meta.classes) but t.json '
                                  f'(test) lists {", ".join(names)}')
    ids = SimpleNamespace(metainfo=dict(classes=('a', 'b', 'c'),
                                        category_ids=(3, 2, 1)),
                          ann_file='t.json')
    (problem, ) = checkpoint_class_problems('x.pth', meta, dict(test=ids))
    assert 'category_ids 1, 2, 3' in problem and 'lists 3, 2, 1' in problem


def test_testing_on_data_of_another_class_order_is_refused(
        thermal_gen, tmp_path, repo_root):
    """tools/test.py scored a thermal checkpoint on data whose
    class_mapping.json lists the same 14 classes reversed (labels
    permuted, exit 0)."""
    import torch
    from mmaction.registry import MODELS
    root = tmp_path / 'data'
    (root / 'annotations').mkdir(parents=True)
    os.symlink(thermal_gen / 'frames', root / 'frames')
    names = json.loads((thermal_gen / 'annotations' /
                        'class_mapping.json').read_text())['classes']
    reverse = names[::-1]
    for split in ('train', 'val'):
        data = json.loads((thermal_gen / 'annotations' /
                           f'{split}.json').read_text())
        for ann in data['annotations']:
            ann['category_id'] = reverse.index(names[ann['category_id']])
        data['categories'] = [dict(id=i, name=n)
                              for i, n in enumerate(reverse)]
        (root / 'annotations' / f'{split}.json').write_text(json.dumps(data))
    (root / 'annotations' / 'class_mapping.json').write_text(
        json.dumps(dict(classes=reverse)))
    cfg = small_cfg(str(repo_root / THERMAL_CFG), root, tmp_path / 'work')
    ckpt = tmp_path / 'trained.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict(),
                    meta=dict(dataset_meta=dict(classes=tuple(names)))),
               ckpt)
    cfg.load_from = str(ckpt)
    with pytest.raises(ClassSetError) as info:
        build_runner(cfg).test()
    assert str(info.value).startswith(
        f'{ckpt} was trained on classes {names[0]}, {names[1]}')
    assert (f'{root / "annotations" / "class_mapping.json"} (test) lists '
            f'{reverse[0]}, {reverse[1]}') in str(info.value)
