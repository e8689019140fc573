"""mmaction2's own tools/train.py runs an ftplugin config (custom_imports)."""
import json
import os.path as osp

import mmaction

from ftplugin.checkpoint import safe_torch_load


def test_mmaction_train_tool_runs_ftplugin_config(generated_data, run_tool,
                                                  tool_cfg, tmp_path):
    tool = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools',
                    'train.py')
    assert osp.isfile(tool)
    work = tmp_path / 'mim'
    kaggle = generated_data / 'kaggle_fall'
    run_tool([tool, tool_cfg.finetune, '--work-dir', work, '--cfg-options',
              # from random weights: the test has no pretraining
              'load_cfg=None', 'train_cfg.max_epochs=1'] + tool_cfg.batch +
             # mmaction2's own tool has no --data-root: the three options
             [f'{split}_dataloader.dataset.data_root={kaggle}'
              for split in ('train', 'val', 'test')])
    ckpt = safe_torch_load(str(work / 'epoch_1.pth'))
    assert ckpt['meta']['epoch'] == 1
    assert any(k.startswith('cls_head.classifier.')
               for k in ckpt['state_dict'])
    # TrainingHistoryHook and ClassificationMetric exist only in ftplugin:
    # their output proves custom_imports loaded it
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1]
    assert 'acc/top1' in history[0]['val']
    assert 'loss_recon' in history[0]['train']
