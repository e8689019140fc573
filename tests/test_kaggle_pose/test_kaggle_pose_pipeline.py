"""The kaggle_pose family end to end through tools/train.py: KTH
pretraining (1 epoch), then Kaggle fine-tuning from its best checkpoint (2
epochs), on generated data (the session's ``trained_runs``); testing, the
dump and the ONNX export of the same runs are checked in tests/test_tools/.
"""
import json
import re

import torch

from ftplugin.checkpoint import safe_torch_load

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def test_pretraining_run(trained_runs):
    work = trained_runs.pretrain_dir
    assert (work / 'last_checkpoint').is_file()
    assert (work / 'epoch_1.pth').is_file()
    state = safe_torch_load(str(trained_runs.pretrain_ckpt))['state_dict']
    assert state and all(k.startswith('backbone.') for k in state)


def test_finetuning_work_dir(trained_runs):
    work = trained_runs.finetune_dir
    best = trained_runs.best_ckpt
    assert re.fullmatch(r'best_acc_top1_epoch_[12]\.pth', best.name)
    last = (work / 'last_checkpoint').read_text().strip()
    assert last.endswith('epoch_2.pth')
    assert safe_torch_load(last)['meta']['epoch'] == 2
    assert (work / 'training_curves.png').read_bytes()[:8] == PNG_MAGIC
    scalars = list(work.glob('*/vis_data/scalars.json'))
    assert len(scalars) == 1
    assert re.fullmatch(r'\d{8}_\d{6}', scalars[0].parent.parent.name)
    lines = [json.loads(line) for line in scalars[0].read_text().splitlines()]
    assert any('loss_cls' in line and 'loss_recon' in line
               for line in lines)
    assert sum('acc/top1' in line for line in lines) == 2
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1, 2]
    for entry in history:
        assert {'loss_cls', 'loss_recon'} <= set(entry['train'])
        assert 'acc/top1' in entry['val']
    # the best checkpoint is the epoch with the best val accuracy
    accs = [h['val']['acc/top1'] for h in history]
    best_epoch = int(best.stem.rsplit('_', 1)[1])
    assert accs[best_epoch - 1] == max(accs)
    # fine-tuning changed the pretrained backbone
    pre = safe_torch_load(str(trained_runs.pretrain_ckpt))['state_dict']
    tuned = safe_torch_load(last)['state_dict']
    key = 'backbone.encoder.0.weight'
    assert not torch.equal(pre[key], tuned[key])
