"""Demo steps of the ``butppg`` family.

Generated VitalDB-style 2-channel windows -> masked-signal pretraining ->
generated BUT-PPG-style 5-channel windows -> fine-tuning with channel
inflation (2 -> 5) and staged unfreezing -> ``tools/test.py --dump`` ->
ONNX export with onnxruntime parity. With a data root that holds
``butppg/{train,val,test}.npz`` (and optionally ``vitaldb/*_windows.npz``),
those files are used instead of generated ones.
"""
import os.path as osp
from typing import List, Optional, Tuple

from .common import PYTHON, result_rows, run, test_and_export

PRETRAIN_CFG = 'configs/butppg/ssl_vitaldb_2ch_pretrain.py'
FINETUNE_CFG = 'configs/butppg/butppg_5ch_finetune.py'


def run_family(work_root: str, data_root: Optional[str],
               quick: bool) -> List[Tuple[str, str]]:
    """Run the family end to end; return (what, where) of its results."""
    work = osp.join(work_root, 'butppg')
    gen = 'tools/data/butppg/generate_butppg_data.py'
    # quick: small sets and neurokit2's fast ECG model, for the tests
    sizes = (dict(vit=(256, 64), but=(96, 64, 128), ecg='simple') if quick
             else dict(vit=(3000, 300), but=(300, 200, 600), ecg='ecgsyn'))
    given = bool(data_root) and osp.isfile(
        osp.join(data_root, 'butppg', 'train.npz'))
    given_vitaldb = bool(data_root) and osp.isfile(
        osp.join(data_root, 'vitaldb', 'train_windows.npz'))
    vitaldb = (osp.join(data_root, 'vitaldb') if given_vitaldb else
               osp.join('data', 'demo', 'vitaldb'))
    butppg = (osp.join(data_root, 'butppg') if given else
              osp.join('data', 'demo', 'butppg'))
    if not given_vitaldb:
        run('butppg 1/6: generate VitalDB-style PPG/ECG windows (neurokit2)',
            [PYTHON, gen, 'vitaldb', '--out-dir', vitaldb, '--train',
             str(sizes['vit'][0]), '--val', str(sizes['vit'][1]),
             '--seed', '1', '--ecg-method', sizes['ecg']])
    if not given:
        train, val, test = sizes['but']
        run('butppg 2/6: generate BUT-PPG-style 5-channel quality windows',
            [PYTHON, gen, 'butppg', '--out-dir', butppg, '--train',
             str(train), '--val', str(val), '--test', str(test), '--seed',
             '0', '--ecg-method', sizes['ecg']])
    else:
        print(f'butppg: using the windows under {butppg}')

    pre_dir = osp.join(work, 'ssl_vitaldb_2ch_pretrain')
    # quick: 2 epochs at a constant lr (the warm-up and cosine need more)
    pre_opts = (['train_cfg.max_epochs=2', 'param_scheduler=[]']
                if quick else [])
    run('butppg 3/6: pretrain the 2-channel transformer (masked signals)', [
        PYTHON, 'tools/train.py', PRETRAIN_CFG, '--work-dir', pre_dir,
        '--seed', '0', '--data-root', vitaldb
    ] + (['--cfg-options', *pre_opts] if pre_opts else []))
    pretrained = osp.join(pre_dir, 'best_model.pt')

    ft_dir = osp.join(work, 'butppg_5ch_finetune')
    # quick: stage 2 from the 2nd of 3 epochs
    ft_opts = (['train_cfg.max_epochs=3',
                'default_hooks.unfreeze.stages.1.begin=1']
               if quick else [])
    run('butppg 4/6: fine-tune on 5 channels (inflation 2->5, staged '
        'unfreezing)', [
            PYTHON, 'tools/train.py', FINETUNE_CFG, '--work-dir', ft_dir,
            '--seed', '0', '--data-root', butppg, '--cfg-options',
            f'load_from={pretrained}'
        ] + ft_opts)
    best = osp.join(ft_dir, 'best_model.pt')

    dump, onnx_file, metrics = test_and_export(
        FINETUNE_CFG, best, ft_dir, butppg,
        'butppg 5/6: test the best checkpoint on the test split',
        'butppg 6/6: export to ONNX (normalisation inside), compare with '
        'torch')
    return result_rows(
        ('test accuracy', f'{metrics["accuracy"]:.2f} % (poor '
         f'{metrics["class_0_acc"]:.2f} %, good '
         f'{metrics["class_1_acc"]:.2f} %)'), pre_dir, ft_dir, best, dump,
        onnx_file, [('final checkpoint', 'final_model.pt'),
                    ('training history', 'training_history.json'),
                    ('test metrics', 'test_metrics.json')])
