import os

import pytest

from ftplugin.checkpoint.selection import best_checkpoint


def test_best_checkpoint_is_the_latest_runs(tmp_path):
    """A work dir reused by a second run holds two best files; the newer
    one is chosen, not the one whose name sorts last."""
    old = tmp_path / 'best_acc_mean_class_epoch_18.pth'
    new = tmp_path / 'best_acc_mean_class_epoch_17.pth'
    old.write_bytes(b'old')
    new.write_bytes(b'new')
    os.utime(old, (1_000_000, 1_000_000))
    assert best_checkpoint(str(tmp_path)) == str(new)


def test_last_epoch_only_when_asked(tmp_path):
    for n in (2, 10, 9):
        (tmp_path / f'epoch_{n}.pth').write_bytes(b'x')
    with pytest.raises(FileNotFoundError, match='save_best'):
        best_checkpoint(str(tmp_path))
    # numerically last, not lexically (epoch_9 sorts after epoch_10)
    assert best_checkpoint(str(tmp_path), fall_back_to_last=True) == str(
        tmp_path / 'epoch_10.pth')
