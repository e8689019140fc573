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


def test_cached_hash_matches_the_original(tmp_path, monkeypatch, repo_root):
    """The same answer as mmengine's own get_git_hash, in a repository and
    outside one, for every argument combination."""
    patched = runner_module.get_git_hash
    original = patched.__wrapped__
    for folder in (repo_root, tmp_path):
        monkeypatch.chdir(folder)
        for fallback, digits in (('unknown', None), ('x', 7), ('x', None)):
            assert patched(fallback=fallback, digits=digits) == original(
                fallback=fallback, digits=digits)
