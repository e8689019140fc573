"""Demo steps of the ``butppg`` family.

Generate VitalDB-style 2-channel and BUT-PPG-style 5-channel windows ->
validate the 5-channel windows -> masked-signal pretraining -> fine-tuning with channel
inflation (2 -> 5) and staged unfreezing -> test (``--dump``) -> ONNX
export with onnxruntime parity -> predict -> report. With a data root that
holds ``butppg/{train,val,test}.npz`` (and optionally
``vitaldb/*_windows.npz``), those files are used instead of generated ones.
"""
import os.path as osp

from .common import FamilyRun, Result, majority_share

PRETRAIN_CFG = 'configs/butppg/ssl_vitaldb_2ch_pretrain.py'
FINETUNE_CFG = 'configs/butppg/butppg_5ch_finetune.py'
GENERATOR = 'tools/data/butppg/generate_butppg_data.py'


def run_family(run: FamilyRun) -> Result:
    """Run the family end to end; return its line of the final table."""
    given = bool(run.data_root) and osp.isfile(
        osp.join(run.data_root, 'butppg', 'train.npz'))
    given_vitaldb = bool(run.data_root) and osp.isfile(
        osp.join(run.data_root, 'vitaldb', 'train_windows.npz'))
    vitaldb = (osp.join(run.data_root, 'vitaldb') if given_vitaldb else
               osp.join(run.data, 'vitaldb'))
    butppg = (osp.join(run.data_root, 'butppg') if given else
              osp.join(run.data, 'butppg'))
    # neurokit2's ECG simulation: 'simple' is fast, 'ecgsyn' (full) slow
    ecg = run.pick('simple', 'simple', 'ecgsyn')
    if not given_vitaldb:
        train, val = run.pick((256, 64), (512, 128), (3000, 300))
        run.generate('VitalDB-style PPG/ECG windows (neurokit2)', [
            GENERATOR, 'vitaldb', '--out-dir', vitaldb, '--train', train,
            '--val', val, '--seed', '1', '--ecg-method', ecg],
            step='generate_vitaldb')
    if not given:
        train, val, test = run.pick((96, 64, 128), (512, 128, 256),
                                    (300, 200, 600))
        run.generate('BUT-PPG-style 5-channel quality windows', [
            GENERATOR, 'butppg', '--out-dir', butppg, '--train', train,
            '--val', val, '--test', test, '--seed', '0', '--ecg-method',
            ecg], step='generate_butppg')
    else:
        run.note(f'using the windows under {butppg}')
    run.validate(FINETUNE_CFG, butppg)

    pre_dir = osp.join(run.work, 'ssl_vitaldb_2ch_pretrain')
    # short runs: a constant lr (the warm-up and cosine need more epochs);
    # the reconstruction loss barely moves in so few epochs (--full: 60)
    pre_opts = run.pick(['train_cfg.max_epochs=2', 'param_scheduler=[]'],
                        ['train_cfg.max_epochs=4', 'param_scheduler=[]'], [])
    run.train('pretrain', 'pretrain the 2-channel transformer (masked '
              'signals)', PRETRAIN_CFG, pre_dir, vitaldb, pre_opts)

    ft_dir = osp.join(run.work, 'butppg_5ch_finetune')
    # short runs: stage 2 (the last blocks too) from the 2nd / 3rd epoch;
    # by default lr 3e-4 instead of the original project's 2e-5, which
    # leaves the model at chance for the first 10-20 epochs (see
    # docs/experiments/butppg.md)
    ft_opts = run.pick(
        ['train_cfg.max_epochs=3', 'default_hooks.unfreeze.stages.1.begin=1'],
        ['train_cfg.max_epochs=30', 'default_hooks.unfreeze.stages.1.begin=2',
         'optim_wrapper.optimizer.lr=3e-4'], [])
    run.train('train', 'fine-tune on 5 channels (inflation 2->5, staged '
              'unfreezing)', FINETUNE_CFG, ft_dir, butppg,
              [f'load_from={osp.join(pre_dir, "best_model.pt")}'] + ft_opts)
    best = osp.join(ft_dir, 'best_model.pt')
    metrics = run.evaluate(FINETUNE_CFG, best, ft_dir, butppg,
                           held_out=lambda dump: [osp.join(butppg,
                                                           'test.npz')])
    return Result(
        metric=(f'test accuracy {metrics["acc/top1"]:.4f} (poor '
                f'{metrics["acc/poor"]:.4f}, good '
                f'{metrics["acc/good"]:.4f})'),
        baseline=('majority class '
                  f'{majority_share(metrics["confusion_matrix"]):.4f}'),
        report=osp.join(ft_dir, 'report', 'report.md'),
        files=run.result_files(ft_dir, FINETUNE_CFG, best))
