"""ftplugin.datasets.formats.checks: errors and warnings apart, the
``on_implausible`` opt-out, paths kept inside the data folder, real-number
dtypes, a ``.npy`` file under an ``.npz`` name."""
import logging
from unittest import mock

import numpy as np
import pytest

from ftplugin.datasets.formats.checks import (DataWarning,
                                              check_implausible_mode,
                                              check_inside_root,
                                              check_real_numbers, collecting,
                                              implausible, read_npz,
                                              warn_or_record)


def test_implausible_is_an_error_naming_the_opt_out():
    with pytest.raises(ValueError) as err:
        implausible('x.h5: dataset "frames": looks like Kelvin')
    assert 'looks like Kelvin' in str(err.value)
    assert 'on_implausible="warn"' in str(err.value)


def test_implausible_with_warn_is_a_logged_warning():
    with mock.patch('ftplugin.datasets.formats.checks.print_log') as log:
        implausible('x.h5: odd values', 'warn')
    (message, ), kwargs = log.call_args
    assert 'x.h5: odd values' in message
    assert kwargs['level'] == logging.WARNING


def test_a_validation_pass_records_errors_and_warnings_apart():
    with collecting() as problems:
        implausible('a.csv: odd')  # recorded, not raised
        implausible('b.csv: odd', 'warn')
        warn_or_record('c.csv: header only')
    assert [isinstance(p, DataWarning) for p in problems] == [
        False, True, True]
    assert 'a.csv: odd' in problems[0] and 'on_implausible' in problems[0]


def test_on_implausible_values_are_checked():
    assert check_implausible_mode('warn') == 'warn'
    with pytest.raises(ValueError, match='on_implausible'):
        check_implausible_mode('ignore')


@pytest.mark.parametrize('piece', ['../../x/SECRET', '/etc/SECRET',
                                   'a/../../SECRET', '..'])
def test_paths_that_leave_the_folder_are_refused(tmp_path, piece):
    with pytest.raises(ValueError) as err:
        check_inside_root(piece, 'ann.json: images[3]', 'sensor_id',
                          str(tmp_path))
    message = str(err.value)
    assert 'ann.json: images[3]' in message and '"sensor_id"' in message
    assert repr(piece) in message and 'outside' in message


def test_paths_inside_the_folder_pass_symlinks_included(tmp_path):
    root = tmp_path / 'root'
    elsewhere = tmp_path / 'elsewhere'
    root.mkdir()
    elsewhere.mkdir()
    # a link the user made inside the folder may point anywhere
    (root / 'link').symlink_to(elsewhere, target_is_directory=True)
    for piece in ('SL01_R1.h5', 'sub/x', 'link/x', 'a/../b'):
        check_inside_root(piece, 'ann.json', 'file_name', str(root))
    # but ".." through a link resolves where the link points
    with pytest.raises(ValueError):
        check_inside_root('link/../../x', 'ann.json', 'file_name',
                          str(root))


@pytest.mark.parametrize('dtype,word', [(np.complex64, 'complex'),
                                        (np.bool_, 'bool'),
                                        (np.dtype('U3'), '<U3')])
def test_only_real_numbers_pass(dtype, word):
    check_real_numbers('f.npz', "field 'x'", np.float16)
    with pytest.raises(ValueError) as err:
        check_real_numbers('f.npz', "field 'x'", dtype)
    assert "f.npz: field 'x'" in str(err.value) and word in str(err.value)


def test_an_npy_file_under_an_npz_name(tmp_path):
    path = tmp_path / 'train.npz'
    with open(path, 'wb') as f:
        np.save(f, np.zeros((4, 5, 10), np.float32))
    with pytest.raises(ValueError) as err:
        read_npz(str(path), required=('signals', ))
    message = str(err.value)
    assert str(path) in message and '.npy' in message
    assert 'np.savez' in message and "'signals'" in message
