"""Report plots write PNG files, also for sparse histories."""
from ftplugin.visualization import plot_confusion_matrix, plot_training_curves

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def test_training_curves(tmp_path):
    history = [dict(epoch=1, train={'loss': 1.0, 'top1_acc': 0.5},
                    val={'acc/top1': 0.6, 'confusion_matrix': [[1, 0],
                                                               [0, 1]]},
                    lr=1e-3),
               dict(epoch=2, train={'loss': 0.5}, val={}, lr=5e-4)]
    out = tmp_path / 'curves.png'
    assert plot_training_curves(history, str(out)) == str(out)
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_confusion_matrix(tmp_path):
    out = tmp_path / 'cm.png'
    plot_confusion_matrix([[5, 1, 0], [0, 0, 0], [2, 2, 9]],
                          ['a', 'b', 'c'], str(out))
    assert out.read_bytes()[:8] == PNG_MAGIC
    out2 = tmp_path / 'cm_no_names.png'
    plot_confusion_matrix([[1, 2], [3, 4]], None, str(out2))
    assert out2.read_bytes()[:8] == PNG_MAGIC
