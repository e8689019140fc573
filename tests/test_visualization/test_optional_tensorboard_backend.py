"""The TensorBoard entry of every config's vis_backends is optional."""
from mmaction.registry import VISBACKENDS
from mmengine.config import Config

from ftplugin.visualization import tensorboard_available


def test_writes_events_only_where_tensorboard_is_installed(tmp_path):
    backend = VISBACKENDS.build(dict(type='OptionalTensorboardVisBackend',
                                     save_dir=str(tmp_path)))
    backend.add_scalars({'loss': 1.0, 'acc/top1': 0.5}, step=1)
    backend.add_scalar('lr', 0.01, step=1)
    backend.close()
    events = list(tmp_path.rglob('events.out.tfevents.*'))
    assert bool(events) == tensorboard_available()


def test_every_config_lists_it(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'))
    types = [b['type'] for b in cfg.visualizer.vis_backends]
    assert types == ['LocalVisBackend', 'OptionalTensorboardVisBackend']
