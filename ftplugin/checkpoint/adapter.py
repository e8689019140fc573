"""The one checkpoint adapter of ftplugin, shared by every family.

Loads a pretrained file through :func:`~ftplugin.checkpoint.loading.
safe_torch_load` (``weights_only=True``), finds its state dict whatever
container the producing project used, maps foreign key layouts onto the
model's keys, inflates input layers pretrained on fewer channels
(:mod:`~ftplugin.checkpoint.inflation`), skips tensors whose shape differs
(e.g. a classifier with another number of classes) and logs what loaded, what
was remapped, inflated, skipped, missing and unexpected.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.logging import MMLogger, print_log
from mmengine.model import is_model_wrapper
from torch import nn

from ..models.utils import in_modules
from .inflation import inflate_channels
from .loading import safe_torch_load

# Containers used by the projects ftplugin replaces, tried in this order.
STATE_DICT_KEYS = ('state_dict', 'model_state_dict', 'model',
                   'encoder_state_dict')

KeyMap = Sequence[Tuple[str, str]]
# how many tensor names an error lists before it counts the rest
SHOWN = 12


class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not give the model the weights it must have (to be
    tested or exported: every tensor; to be fine-tuned: the modules of
    ``load_cfg.required``, and at least something)."""


def _listing(names: Sequence[str]) -> str:
    names = list(names)
    more = f' and {len(names) - SHOWN} more' if len(names) > SHOWN else ''
    return ', '.join(names[:SHOWN]) + more


def _not_loaded(report: 'LoadReport', keys: Sequence[str]) -> str:
    """``keys`` of the model that did not load, each with why: its two
    shapes, or that the checkpoint lacks it."""
    skipped = [f'{k} (checkpoint {report.shape_skipped[k][0]} vs model '
               f'{report.shape_skipped[k][1]})'
               for k in keys if k in report.shape_skipped]
    absent = [k for k in keys if k not in report.shape_skipped]
    parts = []
    if skipped:
        parts.append(f'{len(skipped)} skipped by shape: {_listing(skipped)}')
    if absent:
        parts.append(f'{len(absent)} not in the checkpoint: '
                     f'{_listing(absent)}')
    return '; '.join(parts)


def _head_hint(report: 'LoadReport') -> str:
    """The ``--cfg-options`` that fixes a classifier of another class
    count, when that is what differs."""
    for key, (theirs, ours) in report.shape_skipped.items():
        if ('cls_head' in key and key.endswith('weight') and len(theirs) ==
                len(ours) and theirs[1:] == ours[1:]):
            return (f' (a classifier of {theirs[0]} classes: if the '
                    f'checkpoint is right, pass --cfg-options '
                    f'model.cls_head.num_classes={theirs[0]})')
    return ''


@dataclass
class LoadReport:
    """What :func:`load_pretrained` did, key by key."""
    loaded: List[str] = field(default_factory=list)
    remapped: Dict[str, str] = field(default_factory=dict)
    shape_skipped: Dict[str, Tuple[tuple, tuple]] = field(
        default_factory=dict)
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    inflated: Dict[str, str] = field(default_factory=dict)
    skipped: List[str] = field(default_factory=list)
    #: the checkpoint's ``meta`` (its training's ``dataset_meta``, ...)
    meta: dict = field(default_factory=dict)

    def summary(self) -> str:
        """A multi-line, human-readable account."""
        lines = [f'loaded {len(self.loaded)} tensor(s)']
        for key, how in self.inflated.items():
            lines.append(f'inflated {key}: {how}')
        if self.remapped:
            lines.append(f'remapped {len(self.remapped)} key(s), e.g. ' +
                         ', '.join(f'{k} -> {v}' for k, v in list(
                             self.remapped.items())[:3]))
        if self.skipped:
            lines.append(f'skipped on request: {len(self.skipped)}, e.g. ' +
                         ', '.join(self.skipped[:3]))
        for name, keys in (('shape-skipped', self.shape_skipped),
                           ('missing (left as initialised)', self.missing),
                           ('unexpected (ignored)', self.unexpected)):
            if keys:
                shown = ([f'{k} {s[0]} vs model {s[1]}'
                          for k, s in keys.items()]
                         if isinstance(keys, dict) else list(keys))
                lines.append(f'{name}: {len(keys)}: ' + ', '.join(shown))
        return '\n'.join(lines)


def extract_state_dict(checkpoint: dict, filename: str = '<checkpoint>'
                       ) -> Dict[str, torch.Tensor]:
    """Find the tensor dict inside a checkpoint of any known layout.

    Args:
        checkpoint (dict): What :func:`torch.load` returned.
        filename (str): For error messages.

    Returns:
        dict[str, Tensor]: The state dict.
    """
    if not isinstance(checkpoint, dict):
        raise TypeError(f'{filename}: expected a dict, got '
                        f'{type(checkpoint).__name__}')
    for key in STATE_DICT_KEYS:
        if isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    if checkpoint and all(
            isinstance(v, torch.Tensor) for v in checkpoint.values()):
        return checkpoint  # a bare state dict
    raise KeyError(f'{filename}: no state dict found; looked for '
                   f'{STATE_DICT_KEYS} and for a bare tensor dict, got keys '
                   f'{sorted(checkpoint)[:10]}')


def remap_keys(state_dict: Dict[str, torch.Tensor],
               target_keys: Sequence[str],
               key_map: KeyMap = ()) -> Tuple[Dict[str, torch.Tensor],
                                              Dict[str, str]]:
    """Rename keys that the model lacks with the first rule that fits.

    A key already in ``target_keys`` is kept. Otherwise each ``(pattern,
    replacement)`` of ``key_map`` (regular expressions, then a DDP
    ``module.`` prefix strip) is tried, and the first result that is a target
    key is taken. Keys no rule maps stay as they are (reported unexpected).

    Args:
        state_dict (dict): Checkpoint tensors.
        target_keys (Sequence[str]): The model's state-dict keys.
        key_map (Sequence[tuple[str, str]]): Regex rules.

    Returns:
        tuple: The renamed state dict and ``{old: new}`` of renamed keys.
    """
    targets = set(target_keys)
    rules = list(key_map) + [(r'^module\.', '')]
    out, renamed = {}, {}
    for key, value in state_dict.items():
        new_key = key
        if key not in targets:
            for pattern, replacement in rules:
                candidate = re.sub(pattern, replacement, key)
                if candidate in targets:
                    new_key = candidate
                    renamed[key] = candidate
                    break
        out[new_key] = value
    return out, renamed


def _sort_by_fit(state: Dict[str, torch.Tensor],
                 own: Dict[str, torch.Tensor],
                 report: 'LoadReport') -> Dict[str, torch.Tensor]:
    """The tensors of ``state`` that fit ``own`` by name and shape; the
    others go into ``report.unexpected`` / ``report.shape_skipped``."""
    fitting = {}
    for key, value in state.items():
        if key not in own:
            report.unexpected.append(key)
        elif tuple(value.shape) != tuple(own[key].shape):
            report.shape_skipped[key] = (tuple(value.shape),
                                         tuple(own[key].shape))
        else:
            fitting[key] = value
    return fitting


def check_resume_fit(model: nn.Module,
                     filename: str,
                     optimizer: Optional[torch.optim.Optimizer] = None,
                     config: Optional[str] = None) -> None:
    """Refuse to resume from a checkpoint another model or config wrote.

    mmengine's resume loads the model non-strictly (what does not fit keeps
    its initial value, logged as a warning) and then fails in torch's
    optimizer with a message naming no file, or not at all when the groups
    happen to have the same sizes. A run is continued only from a
    checkpoint of its own model: every tensor present with its shape, none
    unknown, and the same optimizer parameter groups.

    Args:
        model (nn.Module): The model to resume (a DDP wrapper is
            unwrapped).
        filename (str): The checkpoint ``--resume`` names or
            ``last_checkpoint`` points to.
        optimizer (torch.optim.Optimizer, optional): The run's optimizer,
            whose parameter groups must have the checkpoint's sizes.
        config (str, optional): The config, named in the error.

    Raises:
        CheckpointMismatchError: The checkpoint does not fit exactly.
    """
    if is_model_wrapper(model):
        model = model.module
    checkpoint = safe_torch_load(filename, map_location='cpu')
    source = extract_state_dict(checkpoint, filename)
    own = model.state_dict()
    report = LoadReport()
    fitting = _sort_by_fit(source, own, report)
    absent = [k for k in own if k not in fitting]
    target = config or 'this config'
    hint = (' --resume continues a run of this config from a checkpoint it '
            'wrote; to start from other weights pass --cfg-options '
            'load_from=CHECKPOINT instead')
    if absent or report.unexpected:
        parts = [_not_loaded(report, absent)] if absent else []
        if report.unexpected:
            parts.append(f'{len(report.unexpected)} unknown to the model: '
                         f'{_listing(report.unexpected)}')
        raise CheckpointMismatchError(
            f'{filename} cannot be resumed by {target}: it is not a '
            f'checkpoint of this model ({"; ".join(parts)}).{hint}')
    saved = checkpoint.get('optimizer') if isinstance(checkpoint,
                                                      dict) else None
    if optimizer is None or not isinstance(saved, dict) or not isinstance(
            saved.get('param_groups'), list):
        return
    theirs = [len(g.get('params', ())) for g in saved['param_groups']]
    ours = [len(g['params']) for g in optimizer.param_groups]
    if theirs != ours:
        raise CheckpointMismatchError(
            f'{filename} cannot be resumed by {target}: its optimizer '
            f'state has parameter groups of {theirs} tensors, this run\'s '
            f'optimizer {ours} (optim_wrapper.paramwise_cfg or the model '
            f'differ from the run that wrote it).{hint}')


def load_pretrained(model: nn.Module,
                    filename: str,
                    key_map: Optional[KeyMap] = None,
                    logger: Optional[MMLogger] = None,
                    inflate: Optional[dict] = None,
                    required: Sequence[str] = (),
                    skip: Sequence[str] = (),
                    strict: bool = False,
                    complete: bool = False,
                    config: Optional[str] = None) -> LoadReport:
    """Load pretrained weights into ``model`` and report what happened.

    Args:
        model (nn.Module): Target model (a DDP wrapper is unwrapped).
        filename (str): Checkpoint path.
        key_map (Sequence[tuple[str, str]], optional): Regex rules for
            foreign layouts; defaults to the model's ``pretrained_key_map``
            attribute, if any.
        logger (MMLogger, optional): Where the report goes; the current
            logger by default.
        inflate (dict, optional): Arguments of :func:`inflate_channels`
            (``keys``, ``src_channels``, ``dst_channels``, ``init``, ...),
            applied after the key mapping. After loading, the copied
            channel slots of the model are checked against the checkpoint.
        required (Sequence[str]): Module-name patterns (``fnmatch``, e.g.
            ``'backbone'``) whose every tensor must load; otherwise a
            ``RuntimeError`` names what did not, before the model changes.
        skip (Sequence[str]): Module-name patterns (e.g. ``'cls_head'``)
            never loaded, whatever their shapes (AlphAction's
            ``--no-head``); they keep their initial weights.
        strict (bool): Any shape-skipped, inflated, missing or unexpected
            tensor is an error (naming every one of them), raised before the
            model changes; tensors of ``skip`` are skipped on purpose and
            allowed. Defaults to False (they are reported and logged).
        complete (bool): Every tensor of the model must load (a model to
            test or export): a missing or shape-skipped one is an error
            naming them and both shapes, raised before the model changes;
            checkpoint tensors the model lacks are only reported.
            Defaults to False.
        config (str, optional): The config the model comes from, named in
            the errors.

    Returns:
        LoadReport: The per-key account.

    Raises:
        CheckpointMismatchError: Nothing of the checkpoint fits the model,
            a ``required`` module or (``complete``) any tensor does not
            load.
    """
    if is_model_wrapper(model):
        model = model.module
    if key_map is None:
        key_map = getattr(model, 'pretrained_key_map', ())
    loaded = safe_torch_load(filename, map_location='cpu')
    source = extract_state_dict(loaded, filename)
    own = model.state_dict()
    state, renamed = remap_keys(source, list(own), key_map)
    report = LoadReport(remapped=renamed)
    meta = loaded.get('meta') if isinstance(loaded, dict) else None
    report.meta = dict(meta) if isinstance(meta, dict) else {}
    if skip:
        report.skipped = sorted(k for k in state if in_modules(k, skip))
        state = {k: v for k, v in state.items() if k not in report.skipped}
    inflations = inflate_channels(
        state, own, logger=logger, **inflate) if inflate else {}
    report.inflated = {k: v.description for k, v in inflations.items()}
    compatible = _sort_by_fit(state, own, report)
    target = f' of {config}' if config else ''
    if not compatible:
        raise CheckpointMismatchError(
            f'Nothing of {filename} fits the model{target} '
            f'({type(model).__name__}, {len(own)} tensors): checkpoint keys '
            f'e.g. {_listing(sorted(source))}; model keys e.g. '
            f'{_listing(list(own))}. Is it a checkpoint of another model '
            f'or family?')
    not_loaded = [k for k in own if in_modules(k, required)
                  and k not in compatible]
    if required and (not_loaded or not any(
            in_modules(k, required) for k in own)):
        raise CheckpointMismatchError(
            f'{filename} does not fit the model{target}: required weights '
            f'({list(required)}, load_cfg.required) not loaded: '
            f'{_not_loaded(report, not_loaded) or "the model has none"}; '
            f'checkpoint keys e.g. {_listing(sorted(source))}. Check that '
            f'the checkpoint is of this model, or the key map / inflate '
            f'settings.')
    if complete:
        absent = [k for k in own if k not in compatible]
        if absent:
            raise CheckpointMismatchError(
                f'{filename} does not fit the model{target}: {len(absent)} '
                f'of its {len(own)} tensors would keep their initial '
                f'values: {_not_loaded(report, absent)}'
                f'{_head_hint(report)}. A model is tested or exported only '
                f'with every weight from the checkpoint: use the checkpoint '
                f'this config trained.')
        if report.unexpected:
            # trained parts this model lacks (an IA head tested with the
            # baseline config): another model than the one trained
            raise CheckpointMismatchError(
                f'{filename} does not fit the model{target}: '
                f'{len(report.unexpected)} of its tensors have no place in '
                f'the model, e.g. {_listing(report.unexpected)}: it was '
                f'trained with parts this config lacks, which a test or '
                f'export would drop. Use the config this checkpoint '
                f'trained (its work dir holds a copy).')
    if strict:
        report.loaded = sorted(compatible)
        # the modules of ``skip`` start afresh on purpose
        report.missing = sorted(k for k in own if k not in compatible
                                and not (skip and in_modules(k, skip)))
        if (report.shape_skipped or report.missing or report.unexpected
                or report.inflated):
            raise RuntimeError(
                f'{filename} does not match the model exactly and '
                f'load_cfg.strict=True:\n{report.summary()}')
    model.load_state_dict(compatible, strict=False)
    loaded = model.state_dict()
    for key, inflation in inflations.items():
        # the guarantee that matters: the model now holds the pretrained
        # weights of each shared channel in its own slot
        for name, i, j in inflation.copied:
            if not torch.equal(loaded[key].select(inflation.dim, j),
                               inflation.source.select(inflation.dim, i)):
                raise RuntimeError(f'{filename}: after loading, {key} channel '
                                   f'{name} (slot {j}) differs from the '
                                   f'pretrained weights')
    report.loaded = sorted(compatible)
    report.missing = sorted(k for k in own if k not in compatible)
    print_log(f'Pretrained weights from {filename}:\n{report.summary()}',
              logger=logger or 'current')
    return report
