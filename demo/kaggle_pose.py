"""Demo steps of the ``kaggle_pose`` family.

KTH pretraining -> Kaggle fine-tuning -> ``tools/test.py --dump`` -> ONNX
export with onnxruntime parity, on generated data or, with a data root that
holds ``kth_poses/`` and ``kaggle_fall/`` (e.g. ``../shared/data``), on the
real files, fine-tuning from the original project's KTH checkpoint when it
lies beside them.
"""
import os.path as osp
from typing import List, Optional, Tuple

from .common import (PYTHON, REPO, best_checkpoint, result_rows, run,
                     test_and_export)

ORIGINAL_CHECKPOINT = osp.join('checkpoints', 'fall_detection_study',
                               'pose_autoencoder.pt')


def run_family(work_root: str, data_root: Optional[str],
               quick: bool) -> List[Tuple[str, str]]:
    """Run the family end to end; return (what, where) of its results."""
    work = osp.join(work_root, 'kaggle_pose')
    if data_root is None or not osp.isdir(osp.join(data_root, 'kaggle_fall')):
        data_root = osp.join('data', 'demo', 'pose')
        run('kaggle_pose 1/5: generate KTH-style and Kaggle-style poses', [
            PYTHON, 'tools/data/kaggle_pose/generate_pose_data.py',
            '--out-dir', data_root, '--kth-videos', '60',
            '--kaggle-per-class', '150', '--seed', '0'
        ])
        original_ckpt = None
    else:
        print(f'kaggle_pose: using the pose files under {data_root}')
        # ../shared keeps the original project's weights beside its data folder
        original_ckpt = osp.join(data_root, '..', ORIGINAL_CHECKPOINT)
    pre_epochs, ft_epochs = (3, 4) if quick else (20, 30)

    pre_cfg = 'configs/kaggle_pose/pose_ae_kth_pretrain.py'
    pre_dir = osp.join(work, 'pose_ae_kth_pretrain')
    run('kaggle_pose 2/5: pretrain the autoencoder on KTH (reconstruction)', [
        PYTHON, 'tools/train.py', pre_cfg, '--work-dir', pre_dir, '--seed',
        '0', '--data-root', osp.join(data_root, 'kth_poses'), '--cfg-options',
        f'train_cfg.max_epochs={pre_epochs}',
        f'param_scheduler.0.T_max={pre_epochs}'
    ])

    pretrained = (osp.normpath(original_ckpt) if original_ckpt
                  and osp.isfile(osp.join(REPO, original_ckpt)) else
                  best_checkpoint(pre_dir))
    print(f'kaggle_pose: fine-tuning from {pretrained}')
    kaggle = osp.join(data_root, 'kaggle_fall')
    ft_cfg = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
    ft_dir = osp.join(work, 'pose_ae_kaggle_finetune')
    run('kaggle_pose 3/5: fine-tune on falls (CE + 0.1 x reconstruction)', [
        PYTHON, 'tools/train.py', ft_cfg, '--work-dir', ft_dir, '--seed',
        '0', '--data-root', kaggle, '--cfg-options', f'load_from={pretrained}',
        f'train_cfg.max_epochs={ft_epochs}'
    ])
    best = best_checkpoint(ft_dir)

    dump, onnx_file, metrics = test_and_export(
        ft_cfg, best, ft_dir, kaggle,
        'kaggle_pose 4/5: test the best checkpoint on the held-out split',
        'kaggle_pose 5/5: export to ONNX, compare onnxruntime with torch')
    return result_rows(
        ('test accuracy', f'{metrics["acc/top1"]:.4f} (Fall recall '
         f'{metrics["recall/Fall"]:.4f})'), pre_dir, ft_dir, best, dump,
        onnx_file, [('training curves', 'training_curves.png'),
                    ('test metrics', 'test_metrics.json'),
                    ('confusion matrix', 'confusion_matrix.png')])
