"""Training step time and peak memory: ftplugin's runner vs a plain loop.

    python bench/bench_train_step.py [FAMILY ...] [--rounds 3] [--checkpoint both]
    python bench/bench_train_step.py FAMILY --mode runner|plain --epochs 1
        (one process, prints its peak resident memory; used by make bench)

The runner side is the family's real config through ``FineTuneRunner``
(data loader, data preprocessor, hooks, logging, checkpointing at the
config's interval, the optimizer wrapper; a second row with the checkpoint
hook off, as the plain side saves nothing), on a capped number of training
samples so that an epoch takes seconds. The plain side is what a user
would write by hand over the *same model* (a copy taken when the runner
starts, weights loaded), the same dataset and batch size, the same
optimizer and loss: a ``torch.utils.data.DataLoader`` (persistent workers
where the config has workers), ``model(inputs, samples, mode='loss')``,
``backward``, ``step``. Both run in one process, epoch for epoch: a hook
runs one plain epoch between two runner epochs, so load from other
programs hits both alike. The first epoch of each is a warm-up, not
counted.
"""
import argparse
import copy
import json
import os.path as osp
import resource
import sys
import time
from typing import List, Optional

import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from common import (REPO, SHARED_CKPT, Skip, apple_watch_root,  # noqa: E402
                    butppg_root, data_source, kaggle_root, load_average,
                    ratio_of, record, set_threads, set_unit_statistics,
                    thermal_root, OUT_DIR)

FAMILIES = {
    'pose autoencoder': dict(
        config='configs/kaggle_pose/pose_ae_kaggle_finetune.py',
        root=kaggle_root,
        load_from=osp.join(SHARED_CKPT, 'pose_autoencoder.pt'),
        # without the shared file: fresh pretraining weights (the config
        # refuses to fine-tune without load_from)
        init_from='configs/kaggle_pose/pose_ae_kth_pretrain.py'),
    'LSTM': dict(
        config='configs/apple_watch/lstm_applewatch_finetune_2stage.py',
        root=apple_watch_root, init_from='self'),
    'signal transformer': dict(
        config='configs/butppg/butppg_5ch_finetune.py', root=butppg_root,
        init_from='configs/butppg/ssl_vitaldb_2ch_pretrain.py'),
    'thermal SlowOnly-R18': dict(
        config='configs/thermal/slowonly_r18_thermal_20e.py',
        root=thermal_root, train_samples=48, val_samples=32),
}


def _init_checkpoint(name: str, spec: dict, cfg) -> Optional[str]:
    """A checkpoint for configs that refuse to train without ``load_from``.

    Freshly initialised weights of the config's own model (or of the
    pretraining config's model): timing does not depend on their values.
    """
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmaction.registry import MODELS

    import ftplugin  # noqa: F401 (registers the models)
    if spec.get('load_from') and osp.isfile(spec['load_from']):
        return spec['load_from']
    if not spec.get('init_from'):
        return None
    path = osp.join(OUT_DIR, 'init', name.replace(' ', '_') + '.pth')
    if not osp.isfile(path):
        src = cfg if spec['init_from'] == 'self' else Config.fromfile(
            osp.join(REPO, spec['init_from']))
        # a model's nested parts (its data preprocessor) are built through
        # the default scope, which no runner has set yet in a fresh process
        init_default_scope(src.get('default_scope', 'mmaction'))
        model = MODELS.build(src.model)
        model.init_weights()
        import os
        os.makedirs(osp.dirname(path), exist_ok=True)
        torch.save(dict(state_dict=model.state_dict()), path)
    return path


def build_cfg(name: str, validate: bool, epochs: int,
              checkpoint: bool = True):
    """The family's config pointed at the bench data, ``epochs`` long;
    ``checkpoint=False`` switches the checkpoint hook off (the plain loop
    saves nothing), otherwise it saves at the config's interval."""
    from mmengine.config import Config
    spec = FAMILIES[name]
    cfg = Config.fromfile(osp.join(REPO, spec['config']))
    root = spec['root']()
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = root
    if spec.get('train_samples'):
        cfg.train_dataloader.dataset.indices = spec['train_samples']
    if spec.get('val_samples'):
        cfg.val_dataloader.dataset.indices = spec['val_samples']
    cfg.train_cfg.max_epochs = epochs
    # schedulers of later stages (e.g. the LSTM's stage 2) never start
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    cfg.param_scheduler = [s for s in schedulers
                           if s.get('begin', 0) < epochs]
    cfg.train_cfg.val_interval = 1
    if not validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.work_dir = osp.join(OUT_DIR, 'runs', name.replace(' ', '_'))
    cfg.randomness = dict(seed=0)
    cfg.default_hooks.logger.interval = 10
    if not checkpoint:
        cfg.default_hooks.checkpoint = None
    cfg.load_from = _init_checkpoint(name, spec, cfg)
    cfg.setdefault('env_cfg', {})['torch_num_threads'] = 1
    return cfg, data_source(root)


# ------------------------------------------------------------ plain loop
class PlainLoop:
    """A hand-written loop over a copy of the runner's model.

    Args:
        model (torch.nn.Module): The model (already copied).
        cfg (Config): The config (optimizer, clipping, loader sizes).
        train_set, val_set: The datasets (``val_set`` None: no validation).
    """

    def __init__(self, model, cfg, train_set, val_set=None) -> None:
        from mmengine.dataset import pseudo_collate
        from mmengine.registry import OPTIMIZERS
        self.model = model
        params = [p for p in model.parameters()]
        self.optimizer = OPTIMIZERS.build(
            dict(cfg.optim_wrapper.optimizer, params=params))
        clip = cfg.optim_wrapper.get('clip_grad') or {}
        self.max_norm = clip.get('max_norm')

        def loader(dl_cfg, dataset, shuffle):
            workers = dl_cfg.get('num_workers', 0)
            return torch.utils.data.DataLoader(
                dataset, batch_size=dl_cfg.batch_size, shuffle=shuffle,
                num_workers=workers, persistent_workers=workers > 0,
                drop_last=dl_cfg.get('drop_last', False) and shuffle,
                collate_fn=pseudo_collate)

        self.train_loader = loader(cfg.train_dataloader, train_set, True)
        self.val_loader = (loader(cfg.val_dataloader, val_set, False)
                           if val_set is not None else None)

    def epoch(self) -> None:
        model = self.model
        model.train()
        for batch in self.train_loader:
            data = model.data_preprocessor(batch, True)
            losses = model(**data, mode='loss')
            loss = sum(v for k, v in losses.items() if 'loss' in k)
            self.optimizer.zero_grad()
            loss.backward()
            if self.max_norm:
                torch.nn.utils.clip_grad_norm_(model.parameters(),
                                               self.max_norm)
            self.optimizer.step()
        if self.val_loader is not None:
            model.eval()
            with torch.no_grad():
                for batch in self.val_loader:
                    data = model.data_preprocessor(batch, False)
                    model(**data, mode='predict')
            model.train()


def _interleave_hook(validate: bool):
    from mmengine.hooks import Hook

    class InterleavePlainHook(Hook):
        """Runs one plain epoch between two runner epochs, timing both."""
        priority = 'LOWEST'

        def before_train(self, runner) -> None:
            model = copy.deepcopy(runner.model)
            val_set = (runner.val_dataloader.dataset if validate else None)
            self.plain = PlainLoop(model, runner.cfg,
                                   runner.train_dataloader.dataset, val_set)
            self.runner_times: List[float] = []
            self.plain_times: List[float] = []
            self.mark = time.perf_counter()

        def _switch(self, runner) -> None:
            self.runner_times.append(time.perf_counter() - self.mark)
            # the same trainable set as the runner's model now
            for (_, p), (_, q) in zip(runner.model.named_parameters(),
                                      self.plain.model.named_parameters()):
                q.requires_grad_(p.requires_grad)
            start = time.perf_counter()
            self.plain.epoch()
            self.plain_times.append(time.perf_counter() - start)
            self.mark = time.perf_counter()

        def before_train_epoch(self, runner) -> None:
            if runner.epoch > 0:
                self._switch(runner)

        # the last epoch ends before the end-of-training work (the final
        # curves plot): a per-run cost, not a per-step one
        def after_train_epoch(self, runner) -> None:
            if not validate and runner.epoch + 1 == runner.max_epochs:
                self._switch(runner)

        def after_val_epoch(self, runner, metrics=None) -> None:
            if validate and runner.epoch == runner.max_epochs:
                self._switch(runner)

    return InterleavePlainHook()


def run_pair(name: str, validate: bool, rounds: int,
             checkpoint: bool = True) -> dict:
    """One row: runner vs plain seconds per epoch, interleaved."""
    from ftplugin.utils import build_runner
    cfg, source = build_cfg(name, validate, epochs=rounds + 1,
                            checkpoint=checkpoint)
    runner = build_runner(cfg)
    hook = _interleave_hook(validate)
    runner.register_hook(hook)
    runner.train()
    iters = len(runner.train_dataloader)
    ours, plain = hook.runner_times[1:], hook.plain_times[1:]
    ratio, per_round = ratio_of(ours, plain)
    return record(
        'train step',
        f'{name}: runner / plain loop, '
        f'{"with" if validate else "no"} validation'
        f'{"" if checkpoint else ", checkpoints off"}',
        ratio, '<= 1.10',
        f'{sum(ours) / len(ours) / iters * 1e3:.0f} vs '
        f'{sum(plain) / len(plain) / iters * 1e3:.0f} ms/iter, {iters} '
        f'iters x {rounds} epochs, {source}', per_round)


# ------------------------------------------------------------ peak memory
def one_process(name: str, mode: str, epochs: int) -> dict:
    """One epoch of the runner or the plain loop; peak RSS in MiB."""
    from ftplugin.utils import build_runner
    cfg, source = build_cfg(name, validate=True, epochs=epochs)
    if mode == 'runner':
        build_runner(cfg).train()
    else:
        from mmaction.registry import DATASETS, MODELS
        from mmengine.registry import init_default_scope
        from ftplugin.utils import apply_thread_settings
        init_default_scope('mmaction')
        apply_thread_settings(cfg)
        model = MODELS.build(cfg.model)
        model.init_weights()
        set_unit_statistics(model)  # the runner fits them (a hook)
        loop = PlainLoop(model, cfg,
                         DATASETS.build(cfg.train_dataloader.dataset),
                         DATASETS.build(cfg.val_dataloader.dataset))
        for _ in range(epochs):
            loop.epoch()
    return dict(peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss /
                1024, source=source)


def memory_rows(names: List[str]) -> List[dict]:
    """Peak RSS of each family's config vs the plain loop, one process
    each, run back to back."""
    import subprocess
    rows = []
    for name in names:
        peaks = {}
        for mode in ('runner', 'plain'):
            out = subprocess.run(
                [sys.executable, osp.abspath(__file__), name, '--mode', mode,
                 '--epochs', '1'], cwd=REPO, check=True,
                capture_output=True, text=True).stdout
            peaks[mode] = json.loads(out.strip().splitlines()[-1])
        rows.append(record(
            'peak memory', f'{name}: peak RSS runner / plain, 1 epoch',
            peaks['runner']['peak_mib'] / peaks['plain']['peak_mib'], '',
            f'{peaks["runner"]["peak_mib"]:.0f} vs '
            f'{peaks["plain"]["peak_mib"]:.0f} MiB (main process), '
            f'{peaks["runner"]["source"]}'))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('families', nargs='*', default=list(FAMILIES),
                        help=f'of {list(FAMILIES)}')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--mode', choices=['runner', 'plain'])
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument(
        '--checkpoint', choices=['config', 'off', 'both'], default='both',
        help="the runner's checkpointing: at the config's interval, off "
        '(like the plain loop), or a row of each')
    args = parser.parse_args()
    set_threads(1)
    if args.mode:
        import logging
        logging.disable(logging.WARNING)
        print(json.dumps(one_process(args.families[0], args.mode,
                                     args.epochs)))
        return
    print(f'load: {load_average()}')
    checkpoints = dict(config=[True], off=[False],
                       both=[True, False])[args.checkpoint]
    for name in args.families:
        for validate in (False, True):
            for checkpoint in checkpoints:
                try:
                    run_pair(name, validate, args.rounds, checkpoint)
                except Skip as e:
                    record('train step', name, None, '', skipped=str(e))


if __name__ == '__main__':
    main()
