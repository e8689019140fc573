"""Did pretraining help? A config against its from-scratch twin, per seed.

    python tools/analysis/transfer_report.py CONFIG --load-from CKPT
        [--scratch-config CFG] [--seeds 0 1 2] [--metric acc/top1]
        [--lower-is-better] [--data-root DIR] [--work-root DIR]
        [--cfg-options k=v ...]

For each seed, CONFIG is trained from ``--load-from`` and its twin from
scratch, with the same data, epochs and everything else
(``--scratch-config``, e.g. ``configs/kaggle_pose/pose_ae_kaggle_scratch.py``;
by default CONFIG itself with ``load_from=None`` and no required modules);
each run's best checkpoint (chosen on the validation split) is then tested
on the test split. The report in the work root (default
``work_dirs/transfer/<config>``): ``transfer_report.json`` (per-seed test
metrics, the paired difference, its spread and the verdict),
``transfer_report.md`` and ``transfer_report.png``. Runs already finished
(``transfer_run.json`` in their work dir) are read back, so an interrupted
study continues. The logic is :func:`ftplugin.apis.run_transfer_study`.
"""
import argparse
import os.path as osp

from mmengine.config import Config, DictAction

from ftplugin.apis import run_transfer_study
from ftplugin.utils import set_data_root


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--load-from', required=True,
                        help='the pretrained checkpoint CONFIG starts from')
    parser.add_argument('--scratch-config',
                        help='the twin (default: CONFIG without load_from)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--metric', help='test metric to compare (default: '
                        "the config's save_best metric)")
    parser.add_argument('--lower-is-better', action='store_true')
    parser.add_argument('--data-root', help="every dataloader's data root")
    parser.add_argument('--work-root')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, help='applied to both arms')
    return parser.parse_args()


def _load(path: str, args) -> Config:
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(args.cfg_options)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = _load(args.config, args)
    scratch = (_load(args.scratch_config, args) if args.scratch_config
               else None)
    name = osp.splitext(osp.basename(args.config))[0]
    root = args.work_root or osp.join('work_dirs', 'transfer', name)
    summary = run_transfer_study(
        cfg, args.load_from, seeds=args.seeds, work_root=root,
        metric=args.metric,
        higher_is_better=False if args.lower_is_better else None,
        scratch_cfg=scratch, name=name)
    print(summary['text'])
    print(f'written to {osp.join(root, "transfer_report.md")} (.json, .png)')


if __name__ == '__main__':
    main()
