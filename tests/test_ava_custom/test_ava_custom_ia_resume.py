"""ava_custom with dense serial IA (persons + memory): SIGKILL at a random
iteration + --resume ends bit-identical to an uninterrupted run, memory pool
included (IAMemoryHook saves it with each checkpoint; the validations in
between fill and empty the test pool)."""
import pytest
import torch
from exact_resume import assert_bit_identical, kill_and_resume, keyed_hooks

from ftplugin.testing.synthetic.ava_custom import generate_ava_custom

BODY = 'model = dict(cls_head=dict(num_classes=4))\n' + keyed_hooks(
    "[dict(begin=0, trainable=['*'])]", 'mAP/overall', 'greater', 10)


@pytest.mark.slow
def test_kill_and_resume_with_ia_memory_is_bit_identical(repo_root,
                                                         tmp_path):
    root = tmp_path / 'ava'
    generate_ava_custom(str(root), num_videos=3, num_val_videos=1,
                        seconds=5, seed=0)
    result = kill_and_resume(
        repo_root, tmp_path,
        'configs/ava_custom/'
        'slowonly_tiny_ava_custom_thermal_ia_dense_serial.py', BODY,
        ['train_cfg.max_epochs=5', 'train_dataloader.batch_size=2'] +
        [f'{s}_dataloader.dataset.data_root={root}'
         for s in ('train', 'val', 'test')], kill_epochs=(1, 2))
    assert [h['epoch'] for h in result['reference_history']] == [1, 2, 3]
    assert_bit_identical(result)
    assert 'IA test memory: 5 keyframes' in result['log']
    ref, res = (result[k]['ia_memory'] for k in ('reference', 'resumed'))
    assert ref['last_loss'] == res['last_loss']
    # every training keyframe (2 videos x 5 s) is in the pool, same values
    assert len(ref['pool']['entries']) == 10
    for (v1, t1, f1, l1), (v2, t2, f2, l2) in zip(ref['pool']['entries'],
                                                  res['pool']['entries']):
        assert (v1, t1, l1) == (v2, t2, l2) and torch.equal(f1, f2)
