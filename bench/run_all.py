"""Every benchmark of ``bench/`` in one run, as one table (``make bench``).

    python bench/run_all.py [--only train thermal onnx infer memory kaggle]

Each group runs in its own process, one after the other (never two at
once); each row is a ratio of two things measured side by side in that
process, interleaved, so the ratios stay meaningful on a machine shared
with other work, while absolute times do not. The table is printed and
written to ``work_dirs/bench/results.md`` (rows also in
``results.jsonl``). Data: the shared real files where ``../shared/data``
holds them, generated otherwise (under ``work_dirs/bench/data``).
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from common import OUT_DIR, REPO, RESULTS, load_average, table  # noqa: E402

BENCH = osp.dirname(osp.abspath(__file__))
GROUPS = {
    'train': ['bench_train_step.py', '--rounds', '3'],
    'thermal': ['bench_thermal_loader.py'],
    'onnx': ['bench_onnx.py'],
    'infer': ['bench_infer.py'],
    'memory': ['-c', 'import sys; sys.path.insert(0, "bench"); '
               'import bench_train_step as b; b.set_threads(1); '
               'b.memory_rows(list(b.FAMILIES))'],
    'kaggle': ['bench_kaggle_finetune.py'],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--only', nargs='+', choices=list(GROUPS),
                        default=list(GROUPS))
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    if osp.exists(RESULTS):
        os.remove(RESULTS)
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep +
               os.environ.get('PYTHONPATH', ''))
    start = time.time()
    load_before = load_average()
    for group in args.only:
        cmd = GROUPS[group]
        script = ([osp.join(BENCH, cmd[0])] + cmd[1:]
                  if cmd[0].endswith('.py') else cmd)
        print(f'\n=== bench: {group}', flush=True)
        # the runner's own log goes to its work dir; keep the rows here
        proc = subprocess.run([sys.executable] + script, cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        for line in proc.stdout.splitlines():
            if line.startswith(('|', 'load:', 'bench:')):
                print(line, flush=True)
        if proc.returncode:
            print(proc.stdout[-3000:])
            print(f'bench: {group} failed (exit {proc.returncode})')
    rows = []
    if osp.exists(RESULTS):
        with open(RESULTS) as f:
            rows = [json.loads(line) for line in f]
    text = (f'# make bench, {time.strftime("%Y-%m-%d %H:%M")}\n\n'
            f'{os.cpu_count()} CPU cores; load average before {load_before},'
            f' after {load_average()}; {time.time() - start:.0f} s in all. '
            'Each ratio compares two things measured side by side, '
            'interleaved, in one process.\n\n' + table(rows) + '\n')
    with open(osp.join(OUT_DIR, 'results.md'), 'w') as f:
        f.write(text)
    print('\n' + text)
    print(f'written to {osp.join(OUT_DIR, "results.md")}')


if __name__ == '__main__':
    main()
