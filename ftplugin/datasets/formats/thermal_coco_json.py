"""Reading the thermal dataset's COCO-style annotation files.

Shared by :class:`ThermalHDF5Dataset`, the class-weight tool and the
sensor-disjoint split tool, so that all of them see the same samples and
the same labels.

Format (``annotations/{train,val}.json``): ``images[]`` with ``id``,
``sensor_id``, ``frame_idx`` (and ``timestamp``, ``width``, ``height``),
``annotations[]`` with ``image_id`` and ``category_id`` (one per person;
``bbox`` etc. are not used here), ``categories[]`` with ``id`` and ``name``.
``annotations/class_mapping.json`` holds ``classes`` (names in id order) and
``class_to_id``.
"""
from collections import Counter, defaultdict
from typing import Dict, List, Optional, Sequence

from .checks import load_json

IMAGE_FIELDS = ('id', 'sensor_id', 'frame_idx')
ANNOTATION_FIELDS = ('image_id', 'category_id')


def _load_json(path: str) -> dict:
    data = load_json(path, 'annotation file')
    if not isinstance(data, dict):
        raise ValueError(f'{path}: expected a JSON object at the top level, '
                         f'got {type(data).__name__}')
    return data


def _require_fields(entry: dict, fields, where: str) -> None:
    """An error naming the entry and the first of ``fields`` it lacks."""
    for field in fields:
        if field not in entry:
            raise ValueError(f'{where} has no field "{field}"')


def load_class_mapping(path: str) -> List[str]:
    """Class names in id order from a ``class_mapping.json``.

    Args:
        path (str): The mapping file (``classes``; ``class_to_id`` is
            checked against it when present).

    Returns:
        list[str]: ``classes[i]`` is the name of class id ``i``.
    """
    data = _load_json(path)
    classes = data.get('classes')
    if not isinstance(classes, list) or not classes or not all(
            isinstance(c, str) for c in classes):
        raise ValueError(f'{path}: field "classes" must be a non-empty list '
                         f'of class names')
    if len(set(classes)) != len(classes):
        raise ValueError(f'{path}: field "classes" repeats a name')
    to_id = data.get('class_to_id')
    if to_id is not None and to_id != {c: i for i, c in enumerate(classes)}:
        raise ValueError(f'{path}: field "class_to_id" disagrees with the '
                         f'order of "classes"')
    return classes


def categories_to_classes(categories: Sequence[dict],
                          path: str) -> List[str]:
    """Class names in id order from COCO ``categories`` (ids 0..K-1)."""
    try:
        by_id = {int(c['id']): str(c['name']) for c in categories}
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f'{path}: every entry of "categories" needs an '
                         f'integer "id" and a "name" ({e!r})') from e
    if sorted(by_id) != list(range(len(by_id))):
        raise ValueError(f'{path}: field "categories" must hold ids 0..K-1, '
                         f'got {sorted(by_id)}')
    return [by_id[i] for i in range(len(by_id))]


def majority_label(category_ids: Sequence[int]) -> int:
    """The most common category of an image's annotations.

    Ties go to the smallest id: deterministic, and what the original project's
    ``max(set(labels), key=labels.count)`` gives for small integer ids.
    """
    counts = Counter(category_ids)
    best = max(counts.values())
    return min(c for c, n in counts.items() if n == best)


def load_thermal_coco(ann_file: str,
                      classes: Optional[Sequence[str]] = None) -> dict:
    """Read and check an annotation file; label every annotated image.

    Args:
        ann_file (str): COCO-style JSON.
        classes (Sequence[str], optional): Class names in id order (from
            ``class_mapping.json``); the file's ``categories`` must agree
            with them. Defaults to the file's ``categories``.

    Returns:
        dict: ``classes`` (list[str]), ``samples`` (one dict per annotated
        image, in file order: ``image_id``, ``sensor_id``, ``frame_idx``,
        ``timestamp``, ``width``, ``height``, ``label``), ``unlabelled``
        (ids of images without annotations) and ``raw`` (the JSON).
    """
    data = _load_json(ann_file)
    for key in ('images', 'annotations'):
        if not isinstance(data.get(key), list):
            raise ValueError(f'{ann_file}: field "{key}" must be a list')
    file_classes = (categories_to_classes(data['categories'], ann_file)
                    if data.get('categories') else None)
    if classes is None:
        if file_classes is None:
            raise ValueError(f'{ann_file}: no "categories" and no class '
                             f'mapping given')
        classes = file_classes
    elif file_classes is not None and list(file_classes) != list(classes):
        raise ValueError(f'{ann_file}: field "categories" {file_classes} '
                         f'disagrees with the class mapping {list(classes)}')
    num_classes = len(classes)

    by_image: Dict[str, List[int]] = defaultdict(list)
    for i, ann in enumerate(data['annotations']):
        _require_fields(ann, ANNOTATION_FIELDS,
                        f'{ann_file}: annotations[{i}]')
        cat = ann['category_id']
        if (not isinstance(cat, int) or isinstance(cat, bool)
                or not 0 <= cat < num_classes):
            raise ValueError(
                f'{ann_file}: annotations[{i}] (image {ann["image_id"]!r}) '
                f'field "category_id" is {cat!r}; labels must be integers '
                f'0..{num_classes - 1} ({num_classes} classes)')
        by_image[ann['image_id']].append(cat)

    samples, unlabelled, seen = [], [], set()
    for i, img in enumerate(data['images']):
        _require_fields(img, IMAGE_FIELDS, f'{ann_file}: images[{i}]')
        frame_idx = img['frame_idx']
        if (not isinstance(frame_idx, int) or isinstance(frame_idx, bool)
                or frame_idx < 0):
            raise ValueError(f'{ann_file}: images[{i}] ({img["id"]!r}) '
                             f'field "frame_idx" must be an integer >= 0, '
                             f'got {frame_idx!r}')
        if img['id'] in seen:
            raise ValueError(f'{ann_file}: images[{i}] repeats image id '
                             f'{img["id"]!r} (field "id")')
        seen.add(img['id'])
        cats = by_image.get(img['id'])
        if not cats:
            unlabelled.append(img['id'])
            continue
        samples.append(
            dict(image_id=img['id'], sensor_id=str(img['sensor_id']),
                 frame_idx=frame_idx, timestamp=img.get('timestamp'),
                 width=img.get('width'), height=img.get('height'),
                 label=majority_label(cats)))
    orphans = set(by_image) - seen
    if orphans:
        raise ValueError(
            f'{ann_file}: {len(orphans)} annotation(s) refer to image ids '
            f'not in "images" (field "image_id"), e.g. '
            f'{sorted(map(str, orphans))[:3]}')
    return dict(classes=list(classes), samples=samples,
                unlabelled=unlabelled, raw=data)
