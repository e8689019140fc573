"""Class weights for the loss from a thermal annotation file.

    python tools/analysis/class_weights.py ANN_FILE \
        [--class-mapping annotations/class_mapping.json] \
        [--frames-dir frames] [--method inverse|effective] \
        [--beta 0.999] [--power 1.0] [--out weights.json]

Counts the samples as ``ThermalHDF5Dataset`` labels them (one per annotated
image, the most common ``category_id``), not the annotations (the seed
counted annotations, so images with two people weighed twice). With
``--frames-dir`` only images whose ``<sensor_id>.h5`` exists count, i.e.
the samples a ``skip_missing=True`` dataset trains on. Prints the weights,
the config lines that wire them into the loss and the equivalent
``--cfg-options`` entry; ``--out`` also writes them as JSON.
"""
import argparse
import os
import os.path as osp
import sys

from ftplugin.datasets.formats.thermal_coco_json import (load_class_mapping,
                                             load_thermal_coco)
from ftplugin.utils.atomic_io import atomic_write_json
from ftplugin.utils.class_weights import (METHODS, class_weights, label_counts,
                                          weights_report)

LOSS_KEY = 'model.cls_head.loss_cls.class_weight'


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='COCO-style annotation JSON')
    parser.add_argument('--class-mapping',
                        help='class_mapping.json (default: the file\'s '
                        'categories)')
    parser.add_argument('--frames-dir',
                        help='count only images whose <sensor_id>.h5 is here')
    parser.add_argument('--method', choices=METHODS, default='inverse')
    parser.add_argument('--beta', type=float, default=0.999,
                        help='effective-number beta')
    parser.add_argument('--power', type=float, default=1.0,
                        help='inverse-frequency exponent (0.5: square root)')
    parser.add_argument('--decimals', type=int, default=4)
    parser.add_argument('--out', help='write the weights as JSON here')
    return parser.parse_args(argv)


def compute(args: argparse.Namespace) -> dict:
    """Counts and weights as a JSON-ready dict."""
    classes = (load_class_mapping(args.class_mapping)
               if args.class_mapping else None)
    coco = load_thermal_coco(args.ann_file, classes)
    samples = coco['samples']
    skipped = []
    if args.frames_dir:
        present = {s['sensor_id'] for s in samples if osp.isfile(
            osp.join(args.frames_dir, f'{s["sensor_id"]}.h5'))}
        skipped = sorted({s['sensor_id'] for s in samples} - present)
        samples = [s for s in samples if s['sensor_id'] in present]
    counts = label_counts([s['label'] for s in samples],
                          len(coco['classes']))
    weights = class_weights(counts, args.method, args.beta, args.power)
    weights = [round(w, args.decimals) for w in weights]
    return dict(
        ann_file=args.ann_file, method=args.method,
        beta=args.beta if args.method == 'effective' else None,
        power=args.power if args.method == 'inverse' else None,
        num_samples=len(samples), skipped_sensors=skipped,
        classes=coco['classes'], counts=counts, class_weight=weights,
        per_class=weights_report(coco['classes'], counts, weights))


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        result = compute(args)
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f'error: {e}')
    if result['skipped_sensors']:
        print(f'left out (no sensor file): '
              f'{", ".join(result["skipped_sensors"])}')
    print(f'{result["num_samples"]} samples, method {result["method"]}:')
    for name, row in result['per_class'].items():
        print(f'  {row["id"]:>2} {name:<40} {row["count"]:>6} '
              f'{row["weight"]:>10.4f}')
    weights = result['class_weight']
    print('\n# config (e.g. configs/thermal/<exp>.py):')
    print(f'model = dict(cls_head=dict(loss_cls=dict('
          f'class_weight={weights})))')
    print('\n# or on the command line:')
    compact = str(weights).replace(' ', '')
    print(f'--cfg-options "{LOSS_KEY}={compact}"')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        atomic_write_json(args.out, result, indent=2)
        print(f'\nwritten to {args.out}')


if __name__ == '__main__':
    main()
