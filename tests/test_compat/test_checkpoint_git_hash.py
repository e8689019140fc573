"""compat.checkpoint_git_hash: one git subprocess per process, not per save."""
import subprocess

import mmengine.runner.runner as runner_module

import ftplugin  # noqa: F401  (applies the patch)


def test_git_hash_looked_up_once_per_directory(tmp_path, monkeypatch):
    calls = []
    real_popen = subprocess.Popen

    def counting_popen(cmd, *args, **kwargs):
        calls.append(cmd)
        return real_popen(cmd, *args, **kwargs)

    monkeypatch.setattr(subprocess, 'Popen', counting_popen)
    monkeypatch.chdir(tmp_path)  # a fresh directory: not cached yet
    first = runner_module.get_git_hash()
    assert runner_module.get_git_hash() == first
    assert runner_module.get_git_hash() == first
    assert len(calls) == 1 and calls[0][:2] == ['git', 'rev-parse']
    # another directory (another repository) is looked up again
    other = tmp_path / 'other'
    other.mkdir()
    monkeypatch.chdir(other)
    runner_module.get_git_hash()
    assert len(calls) == 2
