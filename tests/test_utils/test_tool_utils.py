import pytest
from mmengine.config import Config

from ftplugin.utils import set_data_root


def test_set_data_root_reaches_every_loader_and_wrapped_dataset():
    cfg = Config(dict(
        train_dataloader=dict(dataset=dict(
            type='RepeatDataset', times=2,
            dataset=dict(type='A', data_root='old', ann_file='a.json'))),
        val_dataloader=dict(dataset=dict(
            type='ConcatDataset',
            datasets=[dict(type='A', data_root='old'),
                      dict(type='B', data_root='old')])),
        test_dataloader=None))
    set_data_root(cfg, '/new')
    assert cfg.train_dataloader.dataset.dataset.data_root == '/new'
    # annotation files stay relative: mmengine joins them to data_root
    assert cfg.train_dataloader.dataset.dataset.ann_file == 'a.json'
    assert [d.data_root for d in cfg.val_dataloader.dataset.datasets] == [
        '/new', '/new']
    assert cfg.test_dataloader is None


def test_set_data_root_refuses_a_config_without_datasets():
    with pytest.raises(ValueError, match='no dataset'):
        set_data_root(Config(dict(model=dict())), '/new')


def test_every_family_config_takes_a_data_root(repo_root):
    import ftplugin  # noqa: F401
    paths = sorted((repo_root / 'configs').glob('[!_]*/*.py'))
    assert len(paths) >= 15
    for path in paths:
        cfg = Config.fromfile(str(path))
        set_data_root(cfg, '/mine')
        for name in ('train_dataloader', 'val_dataloader'):
            loader = cfg.get(name)
            if loader:
                dataset = loader.dataset
                while 'dataset' in dataset:
                    dataset = dataset.dataset
                assert dataset.data_root == '/mine', (path, name)


def _single_rank_group(tmp_path):
    import torch.distributed as dist
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path / "rendezvous"}', rank=0,
        world_size=1)
    return dist


def test_run_main_tears_down_the_process_group_after_the_tool(tmp_path):
    # left to interpreter exit, a gloo group can abort a finished rank
    from ftplugin.utils import run_main
    dist = _single_rank_group(tmp_path)
    ran = []
    try:
        run_main(lambda: ran.append(dist.get_rank()))
        assert ran == [0]
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def test_run_main_tears_down_the_group_on_a_user_error_too(tmp_path):
    from ftplugin.engine.runner import MissingPretrainedError
    from ftplugin.utils import run_main
    dist = _single_rank_group(tmp_path)

    def main():
        raise MissingPretrainedError('configs/x.py: load_from is not set')

    try:
        with pytest.raises(SystemExit, match='load_from is not set'):
            run_main(main)
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
