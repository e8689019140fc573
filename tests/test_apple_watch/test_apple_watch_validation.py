"""A root without scaler_params.json: the split's own fields are checked
too, and both problems are reported together."""
import pytest
import torch

from ftplugin.datasets import AppleWatchDataset


def test_missing_scaler_does_not_hide_field_errors(write_split):
    root, _ = write_split(scaler=None, heart_rate=torch.zeros(3, 8))
    with pytest.raises(ValueError) as err:
        AppleWatchDataset(data_root=str(root), split='train')
    message = str(err.value)
    assert 'scaler_params.json' in message
    assert "field 'heart_rate'" in message and 'train.pt' in message


def test_missing_scaler_alone_is_named(write_split):
    root, _ = write_split(scaler=None)
    with pytest.raises(FileNotFoundError, match='scaler_params.json'):
        AppleWatchDataset(data_root=str(root), split='train')
