"""Demo steps of the ``ava_custom`` family.

Generated AVA-style data (several people per clip, an exclusive posture
and multi-label actions) -> training of the CPU config -> ``tools/test.py
--dump`` (per-keyframe boxes and scores + AlphAction's predictions CSV) ->
ONNX export (clip + boxes in, per-box scores out) with onnxruntime parity.
With a data root holding ``thermal_action_dataset/`` the real recordings are
converted first (``tools/data/ava_custom/thermal_to_ava.py``) and used
instead.
"""
import os.path as osp
from typing import List, Optional, Tuple

from .common import PYTHON, best_checkpoint, run, test_and_export

CFG = 'configs/ava_custom/slowonly_r18_ava_custom_thermal_cpu.py'


def run_family(work_root: str, data_root: Optional[str],
               quick: bool) -> List[Tuple[str, str]]:
    """Run the family end to end; return (what, where) of its results."""
    work = osp.join(work_root, 'ava_custom')
    real = (data_root is not None and osp.isdir(
        osp.join(data_root, 'thermal_action_dataset')))
    root = osp.join('data', 'demo', 'ava_custom',
                    'thermal' if real else 'generated')
    options = []
    if real:
        run('ava_custom 1/4: convert the thermal recordings to the AVA '
            'layout', [PYTHON, 'tools/data/ava_custom/thermal_to_ava.py',
                       osp.join(data_root, 'thermal_action_dataset'), root])
    else:
        run('ava_custom 1/4: generate AVA-style clips, annotations, boxes', [
            PYTHON, 'tools/data/ava_custom/generate_ava_data.py',
            '--out-dir', root, '--videos', '4' if quick else '10',
            '--seconds', '4' if quick else '10', '--seed', '0'])
        # the generated label set: walk, stand, wave, hot
        options.append('model.cls_head.num_classes=4')
    if quick:
        options.append('train_cfg.max_epochs=1')
    run('ava_custom 2/4: train the CPU detector (SlowOnly + RoIAlign + '
        'RoI head)', [PYTHON, 'tools/train.py', CFG, '--work-dir', work,
                      '--seed', '0', '--data-root', root] +
        (['--cfg-options', *options] if options else []))
    best = best_checkpoint(work)
    # the config as trained (mmengine writes it to the work dir): the
    # export then has the generated label set's class count too
    trained_cfg = osp.join(work, osp.basename(CFG))
    dump, onnx_file, metrics = test_and_export(
        trained_cfg, best, work, root,
        'ava_custom 3/4: test the best checkpoint (dump + predictions CSV)',
        'ava_custom 4/4: export to ONNX, compare onnxruntime with torch',
        options)
    return [
        ('val mAP/overall', f'{metrics["mAP/overall"]:.4f} (constant-score '
         f'baseline {metrics["mAP/constant_baseline"]:.4f})'),
        ('training run', work), ('best checkpoint', best),
        ('test predictions', dump),
        ('predictions CSV', osp.splitext(dump)[0] + '.csv'),
        ('ONNX model', onnx_file)
    ]
