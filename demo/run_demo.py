"""End-to-end demo of ftplugin's families (what ``make demo`` runs).

    python demo/run_demo.py [--families kaggle_pose ...] [--data-root DIR]
        [--work-root work_dirs/demo] [--quick]

Each family's steps live in ``demo/<family>.py`` (a ``run_family``
function) and are plain commands of this repository, printed before they
run. Without ``--data-root`` every family generates its data first (a fresh
clone has none); with ``--data-root DIR`` (e.g. ``../shared/data``) a family
whose real files are there uses them. The last lines say where the results
are, ending with one report per training run
(``tools/analysis/report.py``: Markdown + PNGs in ``<run>/report/``).
"""
import argparse
import importlib
import os.path as osp
import sys

# the demo is part of the checkout, not of the installed package
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from demo import FAMILIES  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--families', nargs='+', choices=FAMILIES,
                        default=FAMILIES, help='families to run (all)')
    parser.add_argument('--data-root', help='folder of real data (e.g. '
                        '../shared/data); generated data when omitted')
    parser.add_argument('--work-root', default=osp.join('work_dirs', 'demo'))
    parser.add_argument('--quick', action='store_true',
                        help='a few epochs only (used by the tests)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    results = {}
    for family in args.families:
        module = importlib.import_module(f'demo.{family}')
        results[family] = module.run_family(args.work_root, args.data_root,
                                            args.quick)
    from ftplugin.visualization import write_reports
    for family in results:
        results[family] += [
            ('report', path) for path in write_reports(
                osp.join(args.work_root, family))]
    print('\nResults')
    for family, rows in results.items():
        print(f'  {family}')
        for name, where in rows:
            print(f'    {name:<19} {where}')


if __name__ == '__main__':
    main()
