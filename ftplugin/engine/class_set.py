"""One source of truth for the class set: the data's.

The class names a dataset reads (thermal ``class_mapping.json`` or COCO
categories, ava_custom ``categories``, the Kaggle class folders, the KTH
actions, BUT-PPG's labels: ``metainfo['classes']``) are what the metric names
its classes by; the model's ``model.cls_head.num_classes`` and the loss's
``model.cls_head.loss_cls.class_weight`` must agree with them, and every
split must list the same classes. :func:`class_set_problems` lists each
disagreement as one sentence naming the file, the config key, both numbers
and the ``--cfg-options`` that fixes it; :func:`check_class_set` raises them
as one :class:`ClassSetError`. ``FineTuneRunner`` calls it when its loops
have built their datasets, before any weight is loaded or step taken;
``tools/validate_data.py`` can call it with the datasets it built.

Where the answer is unambiguous it can be derived instead
(:func:`resolve_auto_classes`, called when the runner is built):
``model.cls_head.num_classes='auto'`` takes the number of classes from the
training data, ``model.cls_head.loss_cls.class_weight='auto'`` computes
inverse-frequency weights from the training split's labels
(``'auto:inverse:0.5'``: their square root, ``'auto:effective:0.999'``: the
effective number of samples; see
:func:`~ftplugin.utils.class_weights.class_weights`); both are logged.
"""
import os.path as osp
from typing import List, Mapping, Optional, Sequence, Tuple

from mmengine.config import Config

NUM_CLASSES_KEY = 'model.cls_head.num_classes'
CLASS_WEIGHT_KEY = 'model.cls_head.loss_cls.class_weight'
AUTO = 'auto'
SPLITS = ('train', 'val', 'test')


class ClassSetError(ValueError):
    """The data's class set and the config disagree."""


def _config_name(cfg: Config) -> str:
    return getattr(cfg, 'filename', None) or 'the config'


def class_source(dataset) -> str:
    """The file (or folder) a dataset's class names come from, for
    messages: its class mapping, else its annotation file, else its data
    root (class folders, fixed label names)."""
    mapping = getattr(dataset, 'class_mapping', None)
    root = getattr(dataset, 'data_root', None) or ''
    if isinstance(mapping, str) and mapping:
        return mapping if osp.isabs(mapping) or not root else osp.join(
            root, mapping)
    ann_file = getattr(dataset, 'ann_file', None)
    if ann_file:
        return str(ann_file)
    return f'{type(dataset).__name__} of {root or "its data root"}'


def dataset_classes(dataset) -> Optional[Tuple[str, ...]]:
    """``metainfo['classes']`` of a built dataset (None: no class set, e.g.
    regression or pretraining data)."""
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    return tuple(classes) if classes is not None else None


def _short(names: Sequence[str]) -> str:
    names = [str(n) for n in names]
    return ', '.join(names[:8]) + (f', ... ({len(names)} in all)'
                                   if len(names) > 8 else '')


def _head(cfg: Config) -> dict:
    model = cfg.get('model') or {}
    head = model.get('cls_head') if isinstance(model, dict) else None
    return head if isinstance(head, dict) else {}


def class_set_problems(cfg: Config, datasets: Mapping[str, object]
                       ) -> List[str]:
    """Every disagreement between the datasets' class set and ``cfg``.

    Args:
        cfg (Config): The run's config (``model.cls_head``).
        datasets (Mapping[str, Dataset]): Built datasets by split
            (``'train'``, ``'val'``, ``'test'``; missing or None ones are
            left out).

    Returns:
        list[str]: One sentence per problem (empty: they agree).
    """
    config = _config_name(cfg)
    found = [(split, datasets[split]) for split in SPLITS
             if datasets.get(split) is not None
             and dataset_classes(datasets[split]) is not None]
    if not found:
        return []
    problems = []
    ref_split, ref = found[0]
    names, source = dataset_classes(ref), class_source(ref)
    k = len(names)
    for split, dataset in found[1:]:
        other = dataset_classes(dataset)
        if other != names:
            problems.append(
                f'{class_source(dataset)} ({split}) lists {len(other)} '
                f'classes ({_short(other)}) but {source} ({ref_split}) '
                f'lists {k} ({_short(names)}): every split must use the same '
                f'classes in the same order (the {split} metric names its '
                f'classes from its own data)')
    head = _head(cfg)
    num_classes = head.get('num_classes')
    if isinstance(num_classes, int) and num_classes != k:
        problems.append(
            f'{config}: {NUM_CLASSES_KEY} is {num_classes} but {source} '
            f'lists {k} classes ({_short(names)}): pass --cfg-options '
            f'{NUM_CLASSES_KEY}={k} (or {NUM_CLASSES_KEY}=auto to take it '
            f'from the data)')
    weights = (head.get('loss_cls') or {}).get('class_weight')
    if isinstance(weights, (list, tuple)) and len(weights) != k:
        problems.append(
            f'{config}: {CLASS_WEIGHT_KEY} has {len(weights)} weights but '
            f'{source} lists {k} classes ({_short(names)}): pass '
            f'--cfg-options {CLASS_WEIGHT_KEY}=auto (inverse class '
            f'frequency of the training split) or a list of {k} weights '
            f'(tools/analysis/class_weights.py computes them)')
    return problems


def checkpoint_class_problems(checkpoint: str, meta: Mapping,
                              datasets: Mapping[str, object]) -> List[str]:
    """Every split whose class set differs from the one ``checkpoint``
    was trained on (``meta.dataset_meta.classes`` and, where recorded,
    ``category_ids``): the same number of classes in another order, or
    under other names, is scored with each output read as another class.

    Args:
        checkpoint (str): The checkpoint, for messages.
        meta (Mapping): Its ``meta`` (None or empty: nothing recorded,
            nothing checked).
        datasets (Mapping[str, Dataset]): Built datasets by split.

    Returns:
        list[str]: One sentence per split that differs.
    """
    trained = dict((meta or {}).get('dataset_meta') or {})
    problems = []
    for split in SPLITS:
        dataset = datasets.get(split)
        names = dataset_classes(dataset) if dataset is not None else None
        if names is None:
            continue
        for key in ('classes', 'category_ids'):
            had = trained.get(key)
            has = (getattr(dataset, 'metainfo', None) or {}).get(key)
            if had is None or has is None or tuple(had) == tuple(has):
                continue
            problems.append(
                f'{checkpoint} was trained on {key} {_short(had)} '
                f'(meta.dataset_meta.{key}) but {class_source(dataset)} '
                f'({split}) lists {_short(has)}: each output would be read '
                f'as another class; give the {split} data the checkpoint\'s '
                f'classes in its order (the class mapping / categories of '
                f'its training data)')
    return problems


def check_class_set(cfg: Config, datasets: Mapping[str, object]) -> None:
    """Raise :class:`ClassSetError` listing every problem of
    :func:`class_set_problems` (one line each)."""
    problems = class_set_problems(cfg, datasets)
    if problems:
        raise ClassSetError('\n'.join(problems))


def _weight_args(weights) -> Optional[dict]:
    """The :func:`~ftplugin.utils.class_weights.class_weights` arguments a
    ``class_weight`` setting asks for: ``'auto'`` (inverse frequency),
    ``'auto:inverse:0.5'`` (power), ``'auto:effective:0.999'`` (beta), or a
    dict of them; None for a list (given weights) or None."""
    if isinstance(weights, dict):
        return dict(weights)
    if not (isinstance(weights, str) and weights.split(':')[0] == AUTO):
        return None
    parts = weights.split(':')
    args = dict(method=parts[1] if len(parts) > 1 else 'inverse')
    if len(parts) > 2:
        key = 'power' if args['method'] == 'inverse' else 'beta'
        try:
            args[key] = float(parts[2])
        except ValueError:
            raise ClassSetError(
                f'{CLASS_WEIGHT_KEY}={weights!r}: {parts[2]!r} is not a '
                f'number (auto:inverse:0.5, auto:effective:0.999)') from None
    return args


def _wants_auto(head: dict) -> Tuple[bool, Optional[dict]]:
    weights = (head.get('loss_cls') or {}).get('class_weight')
    return head.get('num_classes') == AUTO, _weight_args(weights)


def wants_auto(cfg: Config) -> bool:
    """Whether ``cfg`` leaves its class count or class weights to the data
    (``'auto'``)."""
    auto_classes, weight_args = _wants_auto(_head(cfg))
    return auto_classes or weight_args is not None


def _data_dataset(cfg: Config):
    """The dataset config 'auto' reads: training's, else test's, else
    validation's; without its pipeline (only annotations are read)."""
    import copy
    for split in SPLITS:
        loader = cfg.get(f'{split}_dataloader')
        if isinstance(loader, dict) and isinstance(loader.get('dataset'),
                                                   dict):
            dataset = copy.deepcopy(loader['dataset'])
            inner = dataset
            while isinstance(inner.get('dataset'), dict):  # wrappers
                inner = inner['dataset']
            inner['pipeline'] = []
            return split, dataset
    return None, None


def _labels(dataset) -> List[int]:
    from mmengine.dataset import BaseDataset
    labels = []
    for i in range(len(dataset)):
        # the annotation only: a subclass's get_data_info may read the data
        label = BaseDataset.get_data_info(dataset, i).get('label')
        if label is None or isinstance(label, (list, tuple)) or getattr(
                label, 'ndim', 0):
            raise ClassSetError(
                f'{class_source(dataset)}: {CLASS_WEIGHT_KEY}=auto needs one '
                f'class id per sample, sample {i} has {label!r}: give the '
                f'weights as a list')
        labels.append(int(label))
    return labels


def resolve_auto_classes(cfg: Config) -> List[str]:
    """Replace ``'auto'`` class settings of ``cfg`` by values from its data.

    ``model.cls_head.num_classes='auto'``: the number of classes of the
    training dataset (``metainfo['classes']``). ``model.cls_head.loss_cls.
    class_weight='auto'`` (``'auto:<method>[:<power or beta>]'``, or a dict
    of those arguments): :func:`~ftplugin.utils.class_weights.class_weights`
    of the training split's label counts (``'auto'``: inverse frequency).
    The dataset is built once, without its pipeline.

    Args:
        cfg (Config): Changed in place.

    Returns:
        list[str]: What was derived, one log line each (empty: nothing to
        derive).
    """
    head = _head(cfg)
    auto_classes, weight_args = _wants_auto(head)
    if not auto_classes and weight_args is None:
        return []
    from mmaction.registry import DATASETS
    from mmengine.registry import init_default_scope

    from ..utils.class_weights import class_weights, label_counts
    config = _config_name(cfg)
    split, dataset_cfg = _data_dataset(cfg)
    if dataset_cfg is None:
        raise ClassSetError(f'{config}: {NUM_CLASSES_KEY} or '
                            f'{CLASS_WEIGHT_KEY} is auto but the config has '
                            f'no dataset to take it from')
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    dataset = DATASETS.build(dataset_cfg)
    names = dataset_classes(dataset)
    source = class_source(dataset)
    if names is None:
        raise ClassSetError(f'{config}: {NUM_CLASSES_KEY}=auto, but '
                            f'{type(dataset).__name__} ({source}) names no '
                            f'classes: give the number')
    lines = []
    if auto_classes:
        head['num_classes'] = len(names)
        lines.append(f'{NUM_CLASSES_KEY}=auto: {len(names)} classes from '
                     f'{source} ({split} split): {_short(names)}')
    if weight_args is not None:
        if split != 'train':
            raise ClassSetError(f'{config}: {CLASS_WEIGHT_KEY}=auto needs a '
                                f'training split to count its labels')
        args = weight_args
        counts = label_counts(_labels(dataset), len(names))
        weights = [round(w, 4) for w in class_weights(counts, **args)]
        head['loss_cls']['class_weight'] = weights
        lines.append(
            f'{CLASS_WEIGHT_KEY}=auto: {weights} from the training split\'s '
            f'label counts {counts} ({source}, {_args_text(args)})')
    return lines


def _args_text(args: dict) -> str:
    return ', '.join(f'{k}={v}' for k, v in sorted(args.items()))


def resolve_auto_from_checkpoint(cfg: Config, checkpoint: dict,
                                 filename: str) -> List[str]:
    """``'auto'`` class settings of ``cfg`` for a model built without data
    (the ONNX export): the class count the checkpoint's training recorded
    (``meta.dataset_meta.classes``, written by mmengine); the loss's
    weights are not needed there and are dropped.

    Args:
        cfg (Config): Changed in place.
        checkpoint (dict): The loaded checkpoint.
        filename (str): Its path, for the error.

    Returns:
        list[str]: What was derived, one line each.
    """
    head = _head(cfg)
    auto_classes, weight_args = _wants_auto(head)
    lines = []
    if weight_args is not None:
        head['loss_cls']['class_weight'] = None
    if auto_classes:
        meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else {}
        classes = ((meta or {}).get('dataset_meta') or {}).get('classes')
        if not classes:
            raise ClassSetError(
                f'{_config_name(cfg)}: {NUM_CLASSES_KEY}=auto, but {filename} '
                f'records no classes (meta.dataset_meta.classes): pass '
                f'--cfg-options {NUM_CLASSES_KEY}=K')
        head['num_classes'] = len(classes)
        lines.append(f'{NUM_CLASSES_KEY}=auto: {len(classes)} classes '
                     f'recorded in {filename}: {_short(classes)}')
    return lines
