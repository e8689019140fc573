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
