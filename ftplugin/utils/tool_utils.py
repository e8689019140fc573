"""What ``tools/train.py`` and ``tools/test.py`` share (mmaction2's flags)."""
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction
from mmengine.runner import Runner


DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--data-root``, ``--cfg-options``, ``--launcher``,
    ``--local-rank``.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
    """
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--data-root',
        help='data root of every dataloader of the config (train, val and '
        'test; annotation files relative to the config\'s data root stay '
        'relative to this one); --cfg-options can still override one')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, key=value (nested keys with dots)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def set_work_dir(cfg: Config, args: argparse.Namespace) -> None:
    """Work dir: ``--work-dir`` > the config's > ``work_dirs/<config name>``.

    Also records the launcher and exports ``LOCAL_RANK`` for launchers that
    pass ``--local-rank`` instead.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])


def user_errors() -> tuple:
    """The errors that say what is wrong with the user's input in one
    sentence (a checkpoint that does not fit or is corrupt or unsafe, a
    class set that disagrees, a work dir in use, a fine-tuning config
    without ``load_from``): a tool ends on them with that sentence, without
    a traceback."""
    from ..checkpoint import (CheckpointMismatchError, CorruptCheckpointError,
                              UnsafeCheckpointError)
    from ..engine.class_set import ClassSetError
    from ..engine.runner import MissingPretrainedError
    from ..engine.work_dir_lock import WorkDirInUseError
    return (CheckpointMismatchError, CorruptCheckpointError,
            UnsafeCheckpointError, ClassSetError, MissingPretrainedError,
            WorkDirInUseError)


def run_main(main) -> None:
    """Call a tool's ``main()``; a :func:`user_errors` error exits with
    status 1 and its message (class name first)."""
    import sys
    try:
        main()
    except user_errors() as err:
        _close_process_group(wait_for_others=False)
        sys.exit(f'{type(err).__name__}: {err}')
    _close_process_group(wait_for_others=True)


def _close_process_group(wait_for_others: bool) -> None:
    """Tear down a torchrun process group before the interpreter exits.

    Left to interpreter exit, a gloo group's threads can be destroyed while
    still joinable and a rank aborts ("terminate called without an active
    exception", SIGABRT) after its work is done, failing the whole launch.
    """
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        return
    if wait_for_others:
        # no rank leaves while another still talks to it
        dist.barrier()
    dist.destroy_process_group()


def build_runner(cfg: Config) -> Runner:
    """The config's ``runner_type`` (ftplugin's ``FineTuneRunner``), else
    mmengine's ``Runner``."""
    from mmaction.registry import RUNNERS
    return RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(
        cfg)


def set_data_root(cfg: Config, data_root: str) -> None:
    """Point the dataset of every dataloader of ``cfg`` at ``data_root``.

    Datasets wrapped by mmengine's dataset wrappers (``dataset=`` or
    ``datasets=[...]``) are followed. A dataloader the config does not have (or
    has set to None) is left as it is.

    Args:
        cfg (Config): The config, changed in place.
        data_root (str): The folder.
    """

    def visit(dataset) -> int:
        if not isinstance(dataset, dict):
            return 0
        inner = dataset.get('dataset')
        if inner is not None:
            return visit(inner)
        if dataset.get('datasets') is not None:
            return sum(visit(d) for d in dataset['datasets'])
        dataset['data_root'] = data_root
        return 1

    found = sum(visit((cfg.get(name) or {}).get('dataset'))
                for name in DATALOADERS)
    if not found:
        raise ValueError(f'--data-root {data_root}: the config has no '
                         f'dataset in {", ".join(DATALOADERS)}')


def load_config(path: str, cfg_options: Optional[dict] = None,
                data_root: Optional[str] = None) -> Config:
    """The config of a tool's CONFIG argument, with ``--cfg-options`` and
    ``--data-root`` applied (the tools that build no runner: validate,
    export, schedule preview, k-fold)."""
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if data_root:
        set_data_root(cfg, data_root)
    return cfg
