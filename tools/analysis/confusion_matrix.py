"""Confusion matrix heat map and classification report from a test dump.

    python tools/test.py CONFIG CKPT --dump preds.pkl
    python tools/analysis/confusion_matrix.py preds.pkl \
        [--class-mapping annotations/class_mapping.json] [--out-dir DIR] \
        [--keep-empty] [--title TITLE]

Reads the per-sample predictions (``gt_label``, ``pred_label`` or
``pred_score``) and writes into ``--out-dir`` (default: the pickle's
folder): ``confusion_matrix.png`` (seaborn heat map with class names,
counts and row percentages; classes that are neither true nor predicted
anywhere are left out unless ``--keep-empty``),
``classification_report.txt`` (scikit-learn's, over the classes that occur)
and ``classification_report.json``.
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ftplugin.datasets.formats.thermal_coco_json import load_class_mapping
from ftplugin.utils.atomic_io import atomic_write_json, atomic_write_text
from ftplugin.utils.safe_pickle import UnsafePickleError, safe_pickle_load
from ftplugin.visualization import plot_confusion_matrix


def _scalar(value) -> int:
    value = value.item() if hasattr(value, 'item') else value
    return int(np.asarray(value).reshape(-1)[0])


def load_predictions(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Ground truth and predicted class ids from a ``--dump`` pickle."""
    # a dump may come from anyone: nothing it names is run
    results = safe_pickle_load(path)
    if not isinstance(results, (list, tuple)) or not results:
        raise ValueError(f'{path}: expected a non-empty list of per-sample '
                         f'dicts, got {type(results).__name__}')
    truth, preds = [], []
    for i, item in enumerate(results):
        if 'gt_label' not in item:
            raise ValueError(f'{path}: sample {i} has no field "gt_label"')
        truth.append(_scalar(item['gt_label']))
        if 'pred_label' in item:
            preds.append(_scalar(item['pred_label']))
        elif 'pred_score' in item:
            preds.append(int(np.asarray(item['pred_score']).argmax()))
        else:
            raise ValueError(f'{path}: sample {i} has neither "pred_label" '
                             f'nor "pred_score"')
    return np.array(truth), np.array(preds)


def confusion_report(truth: np.ndarray, preds: np.ndarray,
                     classes: Sequence[str], out_dir: str,
                     keep_empty: bool = False,
                     title: Optional[str] = None) -> dict:
    """Write the PNG and the reports; return the report dict.

    Args:
        truth (np.ndarray): True class ids.
        preds (np.ndarray): Predicted class ids.
        classes (Sequence[str]): Names of class ids 0..K-1.
        out_dir (str): Output folder.
        keep_empty (bool): Draw classes with no true and no predicted
            sample too.
        title (str, optional): Figure title.
    """
    from sklearn.metrics import classification_report, confusion_matrix
    num = len(classes)
    if max(truth.max(), preds.max()) >= num:
        raise ValueError(f'class id {max(truth.max(), preds.max())} has no '
                         f'name ({num} classes given)')
    labels = list(range(num))
    matrix = confusion_matrix(truth, preds, labels=labels)
    shown: List[int] = [c for c in labels if keep_empty or matrix[c].sum()
                        or matrix[:, c].sum()]
    os.makedirs(out_dir, exist_ok=True)
    accuracy = float((truth == preds).mean())
    recalls = [matrix[c, c] / matrix[c].sum() for c in labels
               if matrix[c].sum()]
    png = plot_confusion_matrix(
        matrix[np.ix_(shown, shown)], [classes[c] for c in shown],
        osp.join(out_dir, 'confusion_matrix.png'),
        title=title or f'{len(truth)} samples: accuracy {accuracy:.3f}, '
        f'mean class accuracy {np.mean(recalls):.3f}')
    # classes never true nor predicted would add zeros to the macro means
    used = [c for c in labels if matrix[c].sum() or matrix[:, c].sum()]
    names = [classes[c] for c in used]
    text = classification_report(truth, preds, labels=used,
                                 target_names=names, zero_division=0,
                                 digits=3)
    absent = [classes[c] for c in labels if c not in used]
    if absent:
        text += f'\nneither true nor predicted: {", ".join(absent)}\n'
    report = classification_report(truth, preds, labels=used,
                                   target_names=names, zero_division=0,
                                   output_dict=True)
    atomic_write_text(osp.join(out_dir, 'classification_report.txt'), text)
    atomic_write_json(
        osp.join(out_dir, 'classification_report.json'),
        dict(report=report, confusion_matrix=matrix.tolist(),
             classes=list(classes), accuracy=accuracy,
             mean_class_accuracy=float(np.mean(recalls))), indent=2)
    return dict(png=png, text=text, matrix=matrix, shown=shown)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('pkl', help='predictions from tools/test.py --dump')
    parser.add_argument('--class-mapping',
                        help='class_mapping.json for the class names')
    parser.add_argument('--out-dir', help='default: the pickle\'s folder')
    parser.add_argument('--keep-empty', action='store_true',
                        help='also draw classes absent from truth and '
                        'predictions')
    parser.add_argument('--title')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        truth, preds = load_predictions(args.pkl)
        num = int(max(truth.max(), preds.max())) + 1
        classes = (load_class_mapping(args.class_mapping)
                   if args.class_mapping else [str(i) for i in range(num)])
        out_dir = args.out_dir or osp.dirname(osp.abspath(args.pkl))
        result = confusion_report(truth, preds, classes, out_dir,
                                  args.keep_empty, args.title)
    except (FileNotFoundError, ValueError, UnsafePickleError) as e:
        sys.exit(f'error: {e}')
    print(result['text'])
    print(f'written: {result["png"]}, '
          f'{osp.join(out_dir, "classification_report.txt")}, '
          f'{osp.join(out_dir, "classification_report.json")}')


if __name__ == '__main__':
    main()
