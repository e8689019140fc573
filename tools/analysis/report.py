"""A Markdown report with PNGs from what a training run wrote.

    python tools/analysis/report.py WORK_DIR [--dump test.pkl]
        [--out-dir DIR] [--title TEXT]

Reads ``<WORK_DIR>/<timestamp>/vis_data/scalars.json``, its config,
``training_history.json``, ``test_metrics.json``, ``best_*.pth`` and a
``tools/test.py --dump`` pickle (the newest ``*.pkl`` of the work dir when
``--dump`` is not given); writes ``report.md``, ``training_curves.png``
(one panel per quantity and scale, unfreezing stages shaded, lr),
``iterations.png`` and, from the predictions, ``confusion_matrix.png``
(classification), ``error_by_step.png`` (heart rate) or
``ap_per_class.png`` (detection) into ``<WORK_DIR>/report`` (or
``--out-dir``).
"""
import argparse
import sys

from ftplugin.utils.safe_pickle import UnsafePickleError
from ftplugin.visualization import write_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir')
    parser.add_argument('--dump', help='a tools/test.py --dump pickle')
    parser.add_argument('--out-dir', help='default: WORK_DIR/report')
    parser.add_argument('--title')
    args = parser.parse_args()
    try:
        print(write_report(args.work_dir, args.dump, args.out_dir,
                           args.title))
    except (FileNotFoundError, ValueError, UnsafePickleError) as e:
        sys.exit(f'error: {e}')


if __name__ == '__main__':
    main()
