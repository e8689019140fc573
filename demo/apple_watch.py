"""Demo steps of the ``apple_watch`` family.

Generate Endomondo-like and Apple-Watch-like workouts -> validate the watch
workouts -> pretrain the heart-rate LSTM -> two-stage fine-tuning in one
run -> test (``--dump``) -> ONNX export with onnxruntime parity (dynamic
batch and length) -> predict -> report. With a data root holding ``apple_watch/``
(and optionally ``endomondo/``) in the .pt format (e.g. written by
``tools/data/apple_watch/convert_workouts.py``), those files are used
instead of generated ones.
"""
import os.path as osp
from typing import Optional

import numpy as np

from .common import REPO, FamilyRun, Result, best_checkpoint, load_dump

SPLIT_FILES = ('train.pt', 'val.pt', 'test.pt', 'scaler_params.json')
PRETRAIN_CFG = 'configs/apple_watch/lstm_endomondo_pretrain.py'
FINETUNE_CFG = 'configs/apple_watch/lstm_applewatch_finetune_2stage.py'


def _has_data(folder: Optional[str]) -> bool:
    return bool(folder) and all(
        osp.isfile(osp.join(REPO, folder, f)) for f in SPLIT_FILES)


def run_family(run: FamilyRun) -> Result:
    """Run the family end to end; return its line of the final table."""
    watch = osp.join(run.data, 'apple_watch')
    endo = osp.join(run.data, 'endomondo')
    given = (osp.join(run.data_root, 'apple_watch') if run.data_root
             else None)
    if _has_data(given):
        run.note(f'using the workouts under {given}')
        watch = given
        if _has_data(osp.join(run.data_root, 'endomondo')):
            endo = osp.join(run.data_root, 'endomondo')
    if endo.startswith(run.data) or watch.startswith(run.data):
        sizes = run.pick(('60', '15', '40'), ('200', '40', '100'),
                         ('800', '160', '100'))
        run.generate('Endomondo-like and Apple-Watch-like workouts', [
            'tools/data/apple_watch/generate_apple_watch_data.py',
            '--out-dir', run.data, '--seed', '0', '--endomondo-workouts',
            sizes[0], '--endomondo-users', sizes[1],
            '--apple-watch-workouts', sizes[2]])
    run.validate(FINETUNE_CFG, watch)

    # stage 2 of the fine-tune config begins at a sixth of max_epochs
    pre_epochs, ft_epochs = run.pick((2, 3), (8, 12), (30, 60))
    pre_dir = osp.join(run.work, 'lstm_endomondo_pretrain')
    run.train('pretrain', 'pretrain the LSTM on Endomondo-like workouts',
              PRETRAIN_CFG, pre_dir, endo,
              [f'train_cfg.max_epochs={pre_epochs}'])
    pretrained = best_checkpoint(pre_dir)

    ft_dir = osp.join(run.work, 'lstm_applewatch_finetune_2stage')
    run.train('train', 'fine-tune in two stages (layer 0 frozen, then all)',
              FINETUNE_CFG, ft_dir, watch, [
                  f'load_from={pretrained}',
                  f'train_cfg.max_epochs={ft_epochs}'])
    best = best_checkpoint(ft_dir)
    metrics = run.evaluate(FINETUNE_CFG, best, ft_dir, watch,
                           held_out=lambda dump: [osp.join(watch,
                                                           'test.pt')])
    return Result(
        metric=(f'test MAE {metrics["hr/mae"]:.2f} BPM (RMSE '
                f'{metrics["hr/rmse"]:.2f} BPM)'),
        baseline=(f'the test mean heart rate at every step: MAE '
                  f'{mean_baseline_mae(run.dump(ft_dir)):.2f} BPM'),
        report=osp.join(ft_dir, 'report', 'report.md'),
        files=run.result_files(ft_dir, FINETUNE_CFG, best))


def mean_baseline_mae(dump: str) -> float:
    """MAE of predicting the mean heart rate of the test steps at every
    step (the masked steps the metric counts)."""
    truth = np.concatenate([
        np.asarray(r['gt_hr']).ravel()[np.asarray(r['mask']).ravel() > 0]
        for r in load_dump(dump)])
    return float(np.abs(truth - truth.mean()).mean())
