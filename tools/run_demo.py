"""End-to-end demo of the ``kaggle_pose`` family (``make demo``).

    python tools/run_demo.py [--data-root DIR] [--pretrained CKPT]
        [--work-root work_dirs/demo] [--quick]

Without ``--data-root`` it first generates KTH-style and Kaggle-style pose
data with ``tools/data/generate_pose_data.py`` (a fresh clone has no real
data). With ``--data-root DIR`` (a folder holding ``kth_poses/`` and
``kaggle_fall/``, e.g. ``../shared/data``) it uses the real files and, when
found, fine-tunes from the seed project's KTH checkpoint.

Steps, each a plain command of this repository (printed before it runs):
KTH pretraining -> Kaggle fine-tuning -> ``tools/test.py --dump`` -> ONNX
export with onnxruntime parity. The last lines say where the results are.
"""
import argparse
import glob
import json
import os.path as osp
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SEED_CHECKPOINT = osp.join('checkpoints', 'fall_detection_study',
                           'pose_autoencoder.pt')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', help='folder with kth_poses/ and '
                        'kaggle_fall/; generated data when omitted')
    parser.add_argument('--pretrained', help='checkpoint to fine-tune from '
                        '(default: the seed checkpoint beside --data-root, '
                        'else the demo\'s own KTH pretraining)')
    parser.add_argument('--work-root', default=osp.join('work_dirs', 'demo'))
    parser.add_argument('--quick', action='store_true',
                        help='a few epochs only (used by the tests)')
    return parser.parse_args()


def run(step: str, cmd: list) -> None:
    """Run one command of the demo, streaming its output."""
    print(f'\n=== {step}\n$ {" ".join(cmd)}', flush=True)
    start = time.time()
    subprocess.run(cmd, cwd=REPO, check=True)
    print(f'=== {step}: done in {time.time() - start:.0f} s', flush=True)


def data_roots_options(root: str) -> list:
    return [f'{split}_dataloader.dataset.data_root={root}'
            for split in ('train', 'val', 'test')]


def main() -> None:
    args = parse_args()
    py = sys.executable
    work = args.work_root
    data_root = args.data_root
    if data_root is None:
        data_root = osp.join('data', 'demo')
        run('1/5 generate KTH-style and Kaggle-style pose data', [
            py, 'tools/data/generate_pose_data.py', '--out-dir', data_root,
            '--kth-videos', '60', '--kaggle-per-class', '150', '--seed', '0'
        ])
    else:
        print(f'Using the pose files under {data_root}')
    kth, kaggle = osp.join(data_root, 'kth_poses'), osp.join(
        data_root, 'kaggle_fall')
    pre_epochs, ft_epochs = ('3', '4') if args.quick else ('20', '30')

    pre_cfg = 'configs/kaggle_pose/pose_ae_kth_pretrain.py'
    pre_dir = osp.join(work, 'pose_ae_kth_pretrain')
    run('2/5 pretrain the pose autoencoder on KTH poses (reconstruction)', [
        py, 'tools/train.py', pre_cfg, '--work-dir', pre_dir, '--seed', '0',
        '--cfg-options', f'train_cfg.max_epochs={pre_epochs}',
        f'param_scheduler.0.T_max={pre_epochs}'
    ] + data_roots_options(kth))

    pretrained = args.pretrained
    # ../shared keeps the seed's weights beside its data folder
    seed_ckpt = osp.join(data_root, '..', SEED_CHECKPOINT)
    if pretrained is None and args.data_root and osp.isfile(seed_ckpt):
        pretrained = osp.normpath(seed_ckpt)
    if pretrained is None:
        pretrained = sorted(glob.glob(osp.join(pre_dir, 'best_*.pth')))[-1]
    print(f'Fine-tuning from {pretrained}')

    ft_cfg = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
    ft_dir = osp.join(work, 'pose_ae_kaggle_finetune')
    run('3/5 fine-tune on Kaggle falls (CE + 0.1 x reconstruction)', [
        py, 'tools/train.py', ft_cfg, '--work-dir', ft_dir, '--seed', '0',
        '--cfg-options', f'load_from={pretrained}',
        f'train_cfg.max_epochs={ft_epochs}'
    ] + data_roots_options(kaggle))
    best = sorted(glob.glob(osp.join(ft_dir, 'best_*.pth')))[-1]

    dump = osp.join(ft_dir, 'test_predictions.pkl')
    run('4/5 test the best checkpoint on the held-out split', [
        py, 'tools/test.py', ft_cfg, best, '--work-dir', ft_dir, '--dump',
        dump, '--cfg-options'
    ] + data_roots_options(kaggle))

    onnx_file = osp.join(ft_dir, 'pose_ae_kaggle_finetune.onnx')
    run('5/5 export to ONNX and compare onnxruntime with torch', [
        py, 'tools/deployment/export_onnx.py', ft_cfg, best,
        '--output-file', onnx_file, '--verify'
    ])

    with open(osp.join(REPO, ft_dir, 'test_metrics.json')) as f:
        metrics = json.load(f)
    print('\nResults')
    print(f'  test accuracy       {metrics["acc/top1"]:.4f} '
          f'(Fall recall {metrics.get("recall/Fall", float("nan")):.4f})')
    for name, path in [
        ('pretraining run', pre_dir), ('fine-tuning run', ft_dir),
        ('best checkpoint', best),
        ('training history', osp.join(ft_dir, 'training_history.json')),
        ('training curves', osp.join(ft_dir, 'training_curves.png')),
        ('test metrics', osp.join(ft_dir, 'test_metrics.json')),
        ('confusion matrix', osp.join(ft_dir, 'confusion_matrix.png')),
        ('test predictions', dump), ('ONNX model', onnx_file)
    ]:
        print(f'  {name:<19} {path}')


if __name__ == '__main__':
    main()
