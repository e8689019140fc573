"""Demo steps of the ``apple_watch`` family.

Generate Endomondo-like and Apple-Watch-like workouts -> pretrain the
heart-rate LSTM -> two-stage fine-tuning in one run -> ``tools/test.py
--dump`` -> ONNX export with onnxruntime parity (dynamic batch and length).
With a data root holding ``apple_watch/`` (and optionally ``endomondo/``) in
the .pt format (e.g. written by
``tools/data/apple_watch/convert_workouts.py``), those files are used
instead of generated ones.
"""
import os.path as osp
from typing import List, Optional, Tuple

from .common import (PYTHON, REPO, best_checkpoint, result_rows, run,
                     test_and_export)

SPLIT_FILES = ('train.pt', 'val.pt', 'test.pt', 'scaler_params.json')


def _has_data(folder: Optional[str]) -> bool:
    return bool(folder) and all(
        osp.isfile(osp.join(REPO, folder, f)) for f in SPLIT_FILES)


def run_family(work_root: str, data_root: Optional[str],
               quick: bool) -> List[Tuple[str, str]]:
    """Run the family end to end; return (what, where) of its results.

    The configs run the LSTM on one torch thread (``env_cfg``)."""
    work = osp.join(work_root, 'apple_watch')
    given = osp.join(data_root, 'apple_watch') if data_root else None
    generated = osp.join('data', 'demo', 'apple_watch')
    watch, endo = (osp.join(generated, 'apple_watch'),
                   osp.join(generated, 'endomondo'))
    if _has_data(given):
        print(f'apple_watch: using the workouts under {given}')
        watch = given
        if _has_data(osp.join(data_root, 'endomondo')):
            endo = osp.join(data_root, 'endomondo')
    if endo.startswith(generated) or watch.startswith(generated):
        # written afresh each time (0.5 s): quick runs use smaller sets
        sizes = (['--endomondo-workouts', '60', '--endomondo-users', '15',
                  '--apple-watch-workouts', '40'] if quick else [])
        run('apple_watch 1/5: generate Endomondo-like and Apple-Watch-like '
            'workouts',
            [PYTHON, 'tools/data/apple_watch/generate_apple_watch_data.py',
             '--out-dir', generated, '--seed', '0'] + sizes)
    # stage 2 begins at a sixth of the run: epoch 2 of 3, or 11 of 60
    pre_epochs, ft_epochs = (2, 3) if quick else (30, 60)

    pre_cfg = 'configs/apple_watch/lstm_endomondo_pretrain.py'
    pre_dir = osp.join(work, 'lstm_endomondo_pretrain')
    run('apple_watch 2/5: pretrain the LSTM on Endomondo-like workouts', [
        PYTHON, 'tools/train.py', pre_cfg, '--work-dir', pre_dir, '--seed',
        '0', '--data-root', endo, '--cfg-options',
        f'train_cfg.max_epochs={pre_epochs}'
    ])
    pretrained = best_checkpoint(pre_dir)

    ft_cfg = 'configs/apple_watch/lstm_applewatch_finetune.py'
    ft_dir = osp.join(work, 'lstm_applewatch_finetune')
    run('apple_watch 3/5: fine-tune in two stages (layer 0 frozen, then '
        'all layers)', [
            PYTHON, 'tools/train.py', ft_cfg, '--work-dir', ft_dir,
            '--seed', '0', '--data-root', watch, '--cfg-options',
            f'load_from={pretrained}', f'train_cfg.max_epochs={ft_epochs}'
        ])
    best = best_checkpoint(ft_dir)

    dump, onnx_file, metrics = test_and_export(
        ft_cfg, best, ft_dir, watch,
        'apple_watch 4/5: test the best checkpoint on the newest workouts',
        'apple_watch 5/5: export to ONNX, compare onnxruntime with torch')
    return result_rows(
        ('test MAE', f'{metrics["hr/mae"]:.2f} BPM (RMSE '
         f'{metrics["hr/rmse"]:.2f} BPM)'), pre_dir, ft_dir, best, dump,
        onnx_file, [('training curves', 'training_curves.png'),
                    ('test metrics', 'test_metrics.json')])
