"""The butppg generator (tools/data/butppg/): formats, determinism, and that
the labels need the signal (not the accelerometer, not the variance)."""
import numpy as np
import pytest
from scipy.signal import welch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ftplugin.testing.synthetic import butppg as gen

# one torch thread: several times faster on the shared 2-core machine
pytestmark = pytest.mark.usefixtures('one_thread')


@pytest.fixture(scope='module')
def task(tmp_path_factory):
    root = tmp_path_factory.mktemp('task')
    gen.generate_butppg(str(root), dict(train=400, test=400), 0.5, seed=7,
                        ecg_method='simple', verbose=False)
    return np.load(root / 'train.npz'), np.load(root / 'test.npz')


def test_butppg_format(butppg_data):
    for split, num in (('train', 64), ('val', 32), ('test', 40)):
        data = np.load(butppg_data / f'{split}.npz')
        assert set(data.files) == {'signals', 'labels'}
        assert data['signals'].shape == (num, 5, 1250)
        assert data['signals'].dtype == np.float32
        assert data['labels'].dtype == np.int64
        assert data['labels'].sum() == num // 2  # --good-fraction 0.5
        assert np.isfinite(data['signals']).all()


def test_vitaldb_format(vitaldb_data):
    for split, num in (('train', 64), ('val', 16)):
        data = np.load(vitaldb_data / f'{split}_windows.npz')
        assert data.files == ['data']
        assert data['data'].shape == (num, 2, 1250)


def test_seeded_and_split_disjoint(tmp_path):
    a = gen.generate_windows(8, gen.BUTPPG_CHANNELS, 0.5,
                             np.random.default_rng([3, 0]), 'simple',
                             verbose=False)
    b = gen.generate_windows(8, gen.BUTPPG_CHANNELS, 0.5,
                             np.random.default_rng([3, 0]), 'simple',
                             verbose=False)
    np.testing.assert_array_equal(a['signals'], b['signals'])
    gen.generate_butppg(str(tmp_path), dict(train=6, test=6), 0.5, seed=3,
                        ecg_method='simple', verbose=False)
    train = np.load(tmp_path / 'train.npz')['signals']
    test = np.load(tmp_path / 'test.npz')['signals']
    assert not np.allclose(train[:, 4], test[:, 4])  # other subjects


def test_realistic_ecg_model_and_heart_rate():
    """neurokit2's ECGSYN model: one R peak per beat at 50-110 bpm."""
    import neurokit2 as nk
    rng = np.random.default_rng(0)
    out = gen.generate_windows(6, gen.VITALDB_CHANNELS, 1.0, rng, 'ecgsyn',
                               verbose=False)
    for window in out['signals']:
        _, info = nk.ecg_peaks(window[1], sampling_rate=125)
        rate = 60 * 125 / np.diff(info['ECG_R_Peaks']).mean()
        assert 45 < rate < 120
        # the PPG pulses at the same rate: its spectrum peaks there
        f, p = welch(window[0] - window[0].mean(), fs=125, nperseg=1024)
        band = (f > 0.7) & (f < 2.0)
        assert abs(60 * f[band][p[band].argmax()] - rate) < 12


def test_acc_motion_enters_poor_ppg():
    """Poor windows with a motion artefact: a linear fit of the ACC axes
    explains most of the PPG; in good windows the pulse dominates."""
    pulse = np.sin(2 * np.pi * 1.2 * np.arange(1250) / 125)

    def explained(good, seed):
        rng = np.random.default_rng(seed)
        acc = gen.motion(rng)
        x, kind = gen.make_ppg(pulse, good, rng, acc, True)
        # the artefact is a band-passed, delayed projection: fit on lagged
        # copies of the three axes
        basis = np.concatenate([np.roll(acc, k, axis=1) for k in
                                range(0, 13, 3)]).T
        fit = basis @ np.linalg.lstsq(basis, x - x.mean(), rcond=None)[0]
        return kind, np.corrcoef(fit, x)[0, 1]

    poor = [r for r in (explained(False, s) for s in range(30))
            if r[0] == 'motion']
    good = [r for r in (explained(True, s) for s in range(30))
            if r[0] == 'motion']
    assert len(poor) >= 5 and len(good) >= 3
    assert min(c for _, c in poor) > 0.6
    assert max(c for _, c in good) < 0.5


def band_powers(x):
    f, p = welch(x, fs=125, nperseg=256, axis=-1)
    return np.stack([np.log(p[..., (f >= lo) & (f < hi)].mean(-1) + 1e-12)
                     for lo, hi in [(0.1, 0.5), (0.5, 1.5), (1.5, 3),
                                    (3, 6), (6, 12), (12, 62.5)]], -1)


def acc_features(s):
    acc = s[:, :3]
    return np.concatenate([acc.mean(-1), np.log(acc.std(-1)),
                           band_powers(acc).reshape(len(s), -1)], 1)


def variance_features(s):
    return np.log(s.var(-1))


def ppg_features(s):
    """Simple descriptors of the PPG: periodicity and shape."""
    from scipy.stats import kurtosis, skew
    p = s[:, 3] - s[:, 3].mean(1, keepdims=True)
    p /= p.std(1, keepdims=True)
    lags = np.array([[np.dot(x[:-k], x[k:]) / len(x) for k in
                      range(40, 170, 2)] for x in p])
    flat = (np.abs(np.diff(p, axis=1)) < 1e-3).mean(1)
    return np.concatenate([lags.max(1, keepdims=True),
                           kurtosis(p, axis=1)[:, None],
                           skew(p, axis=1)[:, None], flat[:, None],
                           band_powers(p)], 1)


def accuracy(features, task, model):
    train, test = task
    model.fit(features(train['signals']), train['labels'])
    return (model.predict(features(test['signals'])) ==
            test['labels']).mean()


@pytest.mark.parametrize('features', [acc_features, variance_features])
def test_acc_or_variance_alone_do_not_solve_it(task, features):
    for model in (make_pipeline(StandardScaler(),
                                LogisticRegression(max_iter=2000)),
                  HistGradientBoostingClassifier(random_state=0)):
        # chance is 0.5; 0.6 lies 4 standard errors above it (400 windows)
        assert accuracy(features, task, model) < 0.6


def test_the_ppg_signal_solves_it(task):
    assert accuracy(ppg_features, task,
                    HistGradientBoostingClassifier(random_state=0)) > 0.85
