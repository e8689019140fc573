"""End-to-end demo of ftplugin's families (what ``make demo`` runs).

    python demo/run_demo.py [--families kaggle_pose ...] [--data-root DIR]
        [--work-root work_dirs/demo] [--full | --quick] [--threads 2]

Each family's steps live in ``demo/<family>.py`` (a ``run_family``
function): generate data, check it (``tools/validate_data.py``), train,
test (``tools/test.py --dump``), export to ONNX (``--verify``), predict
(``tools/infer.py``) and report (``tools/analysis/report.py``), each a plain
command of this checkout. Every step's whole output goes to
``<work-root>/logs/<family>_<step>.log``; the console shows one line per
step and, at the end, a table per family: what ran, the test metric beside
the same metric of a model that ignores its input, and where the report is.

By default the generated sets are small and the schedules short (all five
families in minutes); ``--full`` runs the configs' own schedules on the
generators' full sizes; ``--quick`` is a smoke run for the tests (figures
meaningless). Without ``--data-root`` every family generates its data
(into ``<work-root>/data``); with ``--data-root DIR`` (e.g.
``../shared/data``) a family whose real files are there uses them. Exits 1
when a step failed (its log's tail is shown).
"""
import argparse
import importlib
import os.path as osp
import sys
import time

# the demo is part of the checkout, not of the installed package
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from demo import FAMILIES  # noqa: E402
from demo.common import FamilyRun, StepFailed  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--families', nargs='+', choices=FAMILIES,
                        default=FAMILIES, help='families to run (all)')
    parser.add_argument('--data-root', help='folder of real data (e.g. '
                        '../shared/data); generated data when omitted')
    parser.add_argument('--work-root', default=osp.join('work_dirs', 'demo'))
    size = parser.add_mutually_exclusive_group()
    size.add_argument('--full', action='store_true',
                      help="the configs' own schedules, full generated sets")
    size.add_argument('--quick', action='store_true',
                      help='a smoke run for the tests (figures meaningless)')
    parser.add_argument('--threads', type=int, default=2,
                        help='OpenMP / torch threads of every step (2)')
    return parser.parse_args(argv)


def print_table(family: str, run: FamilyRun, result, failure: str,
                seconds: float) -> None:
    """One family's part of the final table."""
    rows = [('ran', ', '.join(run.ran) or '-')]
    if failure:
        rows.append(('FAILED', failure))
    else:
        rows += [('metric', result.metric), ('baseline', result.baseline),
                 ('report', result.report)] + list(result.files)
    rows += [('note', n) for n in run.notes]
    print(f'\n{family} ({seconds:.0f} s)')
    for what, value in rows:
        print(f'  {what:<17} {value}')


def main(argv=None) -> int:
    args = parse_args(argv)
    mode = 'full' if args.full else 'quick' if args.quick else 'default'
    print(f'ftplugin demo ({mode}): {", ".join(args.families)}; each '
          f'step\'s output in {osp.join(args.work_root, "logs")}',
          flush=True)
    outcomes = []
    start = time.time()
    for family in args.families:
        module = importlib.import_module(f'demo.{family}')
        run = FamilyRun(family, args.work_root, mode, args.threads,
                        args.data_root)
        begin = time.time()
        result, failure = None, ''
        try:
            result = module.run_family(run)
        except StepFailed as err:
            failure = str(err)
        outcomes.append((family, run, result, failure, time.time() - begin))
    print(f'\nResults ({mode}, {time.time() - start:.0f} s; baseline: the '
          'same metric without looking at the input)')
    for outcome in outcomes:
        print_table(*outcome)
    failed = [family for family, _, _, failure, _ in outcomes if failure]
    if failed:
        print(f'\nFAILED: {", ".join(failed)}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
