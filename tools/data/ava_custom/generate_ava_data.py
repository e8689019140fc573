"""Generate a small synthetic dataset in the ``ava_custom`` layout.

    python tools/data/ava_custom/generate_ava_data.py --out-dir DIR \
        [--videos 6] [--val-videos 2] [--seconds 6] [--fps 8] \
        [--dialect guide|alphaction] [--seed 0]

Several people per video with an exclusive posture (walk / stand) and
multi-label actions (wave, hot); see
:mod:`ftplugin.testing.synthetic.ava_custom`.
"""
import argparse
import json

from ftplugin.testing.synthetic.ava_custom import generate_ava_custom


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--videos', type=int, default=6)
    parser.add_argument('--val-videos', type=int, default=2)
    parser.add_argument('--seconds', type=int, default=6)
    parser.add_argument('--fps', type=int, default=8)
    parser.add_argument('--people', type=int, default=2)
    parser.add_argument('--dialect', choices=('guide', 'alphaction'),
                        default='guide')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    counts = generate_ava_custom(
        args.out_dir, args.videos, args.val_videos, args.seconds, args.fps,
        people=args.people, dialect=args.dialect, seed=args.seed)
    print(f'keyframes: {json.dumps(counts)}; written to {args.out_dir}')


if __name__ == '__main__':
    main()
