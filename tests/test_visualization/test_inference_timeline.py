"""Inference timelines: one readable PNG per long input."""
import matplotlib.image as mpimg
import numpy as np

from ftplugin.visualization import (plot_class_timeline,
                                    plot_heart_rate_timeline, timeline_name)


def windows(probs):
    return [dict(window=i, start=16 * i, end=16 * i + 64, probs=list(p))
            for i, p in enumerate(probs)]


def test_class_timelines(tmp_path):
    rng = np.random.default_rng(0)
    two = rng.dirichlet((1, 1), 12)
    record = dict(file='/x/a.csv', pred_class='Fall', score=0.8,
                  windows=windows(two))
    out = plot_class_timeline(record, ['No_Fall', 'Fall'],
                              str(tmp_path / 'a.png'), 'frame')
    image = mpimg.imread(out)
    assert image.ndim == 3 and image.shape[1] > 600
    many = rng.dirichlet(np.ones(14), 30)
    record['windows'] = [dict(w, time_s=2.5 * i) for i, w in
                         enumerate(windows(many))]
    plot_class_timeline(record, [f'c{i}' for i in range(14)],
                        str(tmp_path / 'b.png'))
    assert (tmp_path / 'b.png').stat().st_size > 10000


def test_heart_rate_timeline_and_names(tmp_path):
    steps = [dict(step=i, time_s=10.0 * i, pred_hr=120 + i,
                  hr=None if i == 3 else 121 + i) for i in range(40)]
    out = plot_heart_rate_timeline(
        dict(file='run.fit', mae_bpm=1.0, windows=steps),
        str(tmp_path / 'hr.png'))
    assert mpimg.imread(out).ndim == 3
    assert timeline_name('/data/x y/run.fit') == 'data_x_y_run.fit.png'
