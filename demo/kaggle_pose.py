"""Demo steps of the ``kaggle_pose`` family.

Generate KTH-style and Kaggle-style poses -> validate the Kaggle files ->
pretrain the autoencoder on KTH -> fine-tune on falls -> test (``--dump``)
-> ONNX export with onnxruntime parity -> predict -> report. With a data root that
holds ``kth_poses/`` and ``kaggle_fall/`` (e.g. ``../shared/data``) the real
files are used, fine-tuning from the original project's KTH checkpoint when
it lies beside them.
"""
import os.path as osp

from .common import (REPO, FamilyRun, Result, best_checkpoint, load_dump,
                     majority_share)

ORIGINAL_CHECKPOINT = osp.join('checkpoints', 'fall_detection_study',
                               'pose_autoencoder.pt')
PRETRAIN_CFG = 'configs/kaggle_pose/pose_ae_kth_pretrain.py'
FINETUNE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'


def run_family(run: FamilyRun) -> Result:
    """Run the family end to end; return its line of the final table."""
    data_root = run.data_root
    if data_root is None or not osp.isdir(osp.join(data_root, 'kaggle_fall')):
        data_root = run.data
        # KTH: 36 videos at least, so that the 90/10 split per action
        # leaves a validation file of each action
        kth, per_class = run.pick(('36', '30'), ('36', '100'), ('60', '150'))
        run.generate('KTH-style and Kaggle-style pose files', [
            'tools/data/kaggle_pose/generate_pose_data.py', '--out-dir',
            data_root, '--kth-videos', kth, '--kaggle-per-class', per_class,
            '--seed', '0'])
        original_ckpt = None
    else:
        run.note(f'using the pose files under {data_root}')
        # ../shared keeps the original project's weights beside its data
        original_ckpt = osp.join(data_root, '..', ORIGINAL_CHECKPOINT)
    kth = osp.join(data_root, 'kth_poses')
    kaggle = osp.join(data_root, 'kaggle_fall')
    # the labelled files the tested model learns from (each check is a
    # process of its own, seconds of imports)
    run.validate(FINETUNE_CFG, kaggle)

    pre_epochs, ft_epochs = run.pick((2, 3), (4, 10), (50, 30))
    pre_dir = osp.join(run.work, 'pose_ae_kth_pretrain')
    run.train('pretrain', 'pretrain the autoencoder on KTH (reconstruction)',
              PRETRAIN_CFG, pre_dir, kth,
              [f'train_cfg.max_epochs={pre_epochs}',
               f'param_scheduler.0.T_max={pre_epochs}'])
    pretrained = (osp.normpath(original_ckpt) if original_ckpt
                  and osp.isfile(osp.join(REPO, original_ckpt)) else
                  best_checkpoint(pre_dir))
    if original_ckpt and pretrained != best_checkpoint(pre_dir):
        run.note(f'fine-tuning from the original checkpoint {pretrained}')

    ft_dir = osp.join(run.work, 'pose_ae_kaggle_finetune')
    run.train('train', 'fine-tune on falls (CE + 0.1 x reconstruction)',
              FINETUNE_CFG, ft_dir, kaggle,
              [f'load_from={pretrained}', f'train_cfg.max_epochs={ft_epochs}'])
    best = best_checkpoint(ft_dir)
    metrics = run.evaluate(FINETUNE_CFG, best, ft_dir, kaggle,
                           held_out=_test_files)
    return Result(
        metric=(f'test accuracy {metrics["acc/top1"]:.4f} (Fall recall '
                f'{metrics["recall/Fall"]:.4f})'),
        baseline=('majority class '
                  f'{majority_share(metrics["confusion_matrix"]):.4f}'),
        report=osp.join(ft_dir, 'report', 'report.md'),
        files=run.result_files(ft_dir, FINETUNE_CFG, best))


def _test_files(dump: str) -> list:
    """The pose files of the test split (as the dump names them)."""
    return sorted({r['filename'] for r in load_dump(dump)})
