"""Long signal recordings (.npz / CSV) read for inference."""
import numpy as np
import pandas as pd
import pytest

from ftplugin.datasets.formats.signal_recording_csv import \
    read_signal_recording_csv
from ftplugin.datasets.formats.signal_recording_npz import \
    read_signal_recording_npz

CHANNELS = ('PPG', 'ECG')


def test_npz_channels_by_name_either_layout(tmp_path):
    signals = np.arange(20, dtype=np.float32).reshape(2, 10)
    path = tmp_path / 'rec.npz'
    # (T, C) with the channels the other way round, named
    np.savez(path, data=signals[::-1].T, channel_names=np.array(
        ['ECG', 'PPG']), fs=50)
    got, rate = read_signal_recording_npz(str(path), CHANNELS, CHANNELS)
    np.testing.assert_array_equal(got, signals)
    assert rate == 50.0
    # no channel names: the file's order is file_channels
    np.savez(path, signals=signals, sample_rate=25.0)
    got, _ = read_signal_recording_npz(str(path), ('ECG', ),
                                       ('PPG', 'ECG'))
    np.testing.assert_array_equal(got, signals[1:])


def test_npz_errors_name_file_and_field(tmp_path):
    path = tmp_path / 'rec.npz'
    np.savez(path, signals=np.zeros((2, 10)), sample_rate=-1.0)
    with pytest.raises(ValueError, match=r"rec\.npz: field 'sample_rate'"):
        read_signal_recording_npz(str(path), CHANNELS, CHANNELS)
    np.savez(path, signals=np.full((2, 10), np.nan), sample_rate=1.0)
    with pytest.raises(ValueError, match=r"rec\.npz: field 'signals' holds "
                       r'20 NaN'):
        read_signal_recording_npz(str(path), CHANNELS, CHANNELS)
    np.savez(path, windows=np.zeros((2, 10)))
    with pytest.raises(KeyError, match=r"no field 'signals' or 'data'"):
        read_signal_recording_npz(str(path), CHANNELS, CHANNELS, sample_rate=1)


def test_csv_rate_from_its_time_column(tmp_path):
    path = tmp_path / 'rec.csv'
    t = np.arange(30) / 125.0
    pd.DataFrame(dict(time=t, ECG=t * 2, PPG=t, other=0)).to_csv(
        path, index=False)
    got, rate = read_signal_recording_csv(str(path), CHANNELS)
    assert rate == pytest.approx(125.0)
    np.testing.assert_allclose(got, np.stack([t, 2 * t]), rtol=1e-6)
    pd.DataFrame(dict(PPG=t, ECG=t)).to_csv(path, index=False)
    with pytest.raises(ValueError, match='--sample-rate'):
        read_signal_recording_csv(str(path), CHANNELS)
    assert read_signal_recording_csv(str(path), CHANNELS, 100)[1] == 100
    pd.DataFrame(dict(time=t ** 2, PPG=t, ECG=t)).to_csv(path, index=False)
    with pytest.raises(ValueError, match="column 'time' must increase"):
        read_signal_recording_csv(str(path), CHANNELS)
