"""Demo steps of the ``ava_custom`` family.

Generated AVA-style data (several people per clip, an exclusive posture
and multi-label actions) -> validate -> training of the CPU config -> test
(``--dump``: per-keyframe boxes and scores + AlphAction's predictions CSV)
-> ONNX export (clip + boxes in, per-box scores out) with onnxruntime
parity -> predict -> report. With a data root holding
``thermal_action_dataset/`` the real recordings are converted first
(``tools/data/ava_custom/thermal_to_ava.py``) and used instead.
"""
import os.path as osp

from .common import PYTHON, FamilyRun, Result, best_checkpoint

CFG = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'


def run_family(run: FamilyRun) -> Result:
    """Run the family end to end; return its line of the final table."""
    real = (run.data_root is not None and osp.isdir(
        osp.join(run.data_root, 'thermal_action_dataset')))
    root = osp.join(run.data, 'thermal' if real else 'generated')
    options = []
    if real:
        run.step('convert', 'thermal recordings to the AVA layout', [
            PYTHON, 'tools/data/ava_custom/thermal_to_ava.py',
            osp.join(run.data_root, 'thermal_action_dataset'), root])
    else:
        videos, seconds = run.pick(('4', '4'), ('6', '6'), ('10', '10'))
        run.generate('AVA-style clips, annotations, person boxes', [
            'tools/data/ava_custom/generate_ava_data.py', '--out-dir', root,
            '--videos', videos, '--seconds', seconds, '--seed', '0'])
        # the generated label set: walk, stand, wave, hot
        options.append('model.cls_head.num_classes=4')
    # quick: 1 epoch; default and full: the config's 2
    if run.mode == 'quick':
        options.append('train_cfg.max_epochs=1')
    run.validate(CFG, root, options=options)
    work = run.work
    run.train('train', 'train the detector (SlowOnly + RoIAlign + head)',
              CFG, work, root, options)
    best = best_checkpoint(work)
    # the config as trained (mmengine writes it to the work dir): the
    # export then has the generated label set's class count too
    trained_cfg = osp.join(work, osp.basename(CFG))
    metrics = run.evaluate(
        trained_cfg, best, work, root, options=options,
        # the keyframes of the val annotations, with their person boxes
        held_out=lambda dump: [
            osp.join(root, 'annotations', 'val.json'), '--boxes',
            osp.join(root, 'boxes', 'val_person_bbox.json')])
    return Result(
        metric=(f'val mAP/overall {metrics["mAP/overall"]:.4f} (val also '
                f'chose the epoch)'),
        baseline=(f'constant score {metrics["mAP/constant_baseline"]:.4f}'),
        report=osp.join(work, 'report', 'report.md'),
        files=run.result_files(work, trained_cfg, best) + [
            ('predictions CSV',
             osp.splitext(run.dump(work))[0] + '.csv')])
