"""Generate realistic running workouts in the apple_watch family's format.

    python tools/data/apple_watch/generate_apple_watch_data.py
        [--out-dir data/apple_watch] [--endomondo-workouts 800]
        [--endomondo-users 160] [--apple-watch-workouts 100]
        [--apple-watch-users 2] [--seed 0] [--quiet]

Writes ``<out-dir>/endomondo`` (pretraining, split by user) and
``<out-dir>/apple_watch`` (fine-tuning, split by date), each
``{train,val,test}.pt`` + ``scaler_params.json`` + ``metadata.json``; the
simulation is described in ``ftplugin.testing.synthetic.apple_watch``.
"""
import argparse
import os.path as osp
import time

import numpy as np

from ftplugin.testing.synthetic.apple_watch import generate_domain


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out-dir', default=osp.join('data', 'apple_watch'))
    # about the original project's sizes: 974 Endomondo runs for
    # pretraining, some 80 Apple Watch runs with dense heart rate of one
    # person
    parser.add_argument('--endomondo-workouts', type=int, default=800)
    parser.add_argument('--endomondo-users', type=int, default=160)
    parser.add_argument('--apple-watch-workouts', type=int, default=100)
    parser.add_argument('--apple-watch-users', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--quiet', action='store_true')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    start = time.time()
    rng = np.random.default_rng(args.seed)
    for name, n, users in (
            ('endomondo', args.endomondo_workouts, args.endomondo_users),
            ('apple_watch', args.apple_watch_workouts,
             args.apple_watch_users)):
        if not args.quiet:
            print(f'Generating {n} {name}-like workouts of {users} users',
                  flush=True)
        generate_domain(name, args.out_dir, n, users, rng,
                        verbose=not args.quiet)
    if not args.quiet:
        print(f'done in {time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
