"""Generate BUT-PPG-style and VitalDB-style signal windows (neurokit2).

    python tools/data/butppg/generate_butppg_data.py butppg \
        --out-dir data/butppg \
        [--train 300 --val 200 --test 600 --good-fraction 0.5 --seed 0]
    python tools/data/butppg/generate_butppg_data.py vitaldb \
        --out-dir data/vitaldb [--train 3000 --val 300 --seed 1]

``butppg`` writes ``{train,val,test}.npz`` (``signals`` float32
[N, 5, 1250]: ACC_X, ACC_Y, ACC_Z, PPG, ECG at 125 Hz; ``labels`` int64,
0 = poor, 1 = good); ``vitaldb`` writes unlabelled ``{train,val}_windows.npz``
(``data`` float32 [N, 2, 1250]: PPG, ECG). How windows are simulated and
what makes one poor: ``ftplugin.testing.synthetic.butppg``.
"""
import argparse
import sys

from ftplugin.testing.synthetic.butppg import (generate_butppg,
                                                generate_vitaldb)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='format', required=True)
    but = sub.add_parser('butppg', help='labelled 5-channel quality windows')
    but.add_argument('--out-dir', default='data/butppg')
    but.add_argument('--train', type=int, default=300)
    but.add_argument('--val', type=int, default=200,
                     help='0 writes no val.npz (the loader then falls back '
                     'to test.npz)')
    but.add_argument('--test', type=int, default=600)
    but.add_argument('--good-fraction', type=float, default=0.5)
    vit = sub.add_parser('vitaldb', help='unlabelled 2-channel windows')
    vit.add_argument('--out-dir', default='data/vitaldb')
    vit.add_argument('--train', type=int, default=3000)
    vit.add_argument('--val', type=int, default=300)
    vit.add_argument('--poor-fraction', type=float, default=0.2,
                     help='share of windows with strong artefacts')
    for p in (but, vit):
        p.add_argument('--seed', type=int, default=0)
        p.add_argument('--ecg-method', default='ecgsyn',
                       choices=['ecgsyn', 'simple'],
                       help="neurokit2's ECG model: 'ecgsyn' (realistic) or"
                       " 'simple' (faster)")
        p.add_argument('--quiet', action='store_true')
    args = parser.parse_args(argv)
    share = args.good_fraction if args.format == 'butppg' else \
        args.poor_fraction
    if not 0 <= share <= 1:
        parser.error('the class fraction must lie in [0, 1]')
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.format == 'butppg':
        generate_butppg(args.out_dir, dict(train=args.train, val=args.val,
                                           test=args.test),
                        args.good_fraction, args.seed, args.ecg_method,
                        verbose=not args.quiet)
    else:
        generate_vitaldb(args.out_dir, dict(train=args.train, val=args.val),
                         args.seed, args.poor_fraction, args.ecg_method,
                         verbose=not args.quiet)


if __name__ == '__main__':
    sys.exit(main())
