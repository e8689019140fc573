"""What every family's predictor shares: finding the input files, batching
windows through the scorers (one per ensemble member), class records."""
import glob
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from ...datasets.formats.checks import READ_ERRORS


class ModelMismatchError(RuntimeError):
    """The model and what inference knows about it disagree (its class
    names and its outputs): no input can be predicted, so it is not
    attributed to a file nor skipped by ``skip_bad``."""


class InferenceInputError(ValueError):
    """An input that cannot be predicted; the message names the file and
    the field (or what else is wrong) and how to fix it."""


def named_error(path: str, err: BaseException) -> InferenceInputError:
    """``err`` as an :class:`InferenceInputError` whose message names
    ``path`` (the readers' own messages usually do already)."""
    message = str(err.args[0]) if (isinstance(err, KeyError)
                                   and err.args) else str(err)
    if path not in message:
        message = f'{path}: {type(err).__name__}: {message}'
    return InferenceInputError(message)


# what reading a bad input raises besides the readers' own ValueErrors
INPUT_ERRORS = READ_ERRORS + (InferenceInputError, )

# a scorer maps one batch of model inputs (numpy) to the model's first
# output (numpy): the torch model through ExportWrapper, or onnxruntime
Scorer = Callable[..., np.ndarray]


class BasePredictor:
    """Reads a family's native files into model inputs and scores them.

    Subclasses set :attr:`extensions` and implement :meth:`predict_file`,
    which returns the records of one input file (one per file, or one per
    workout / annotated window / keyframe where a file holds several).

    Args:
        spec (dict): The inference spec (``ftplugin.apis.inference_spec``):
            family, classes, the test dataset's reading settings, pipeline,
            normalisation.
        scorers (Sequence[Scorer]): One per ensemble member; their outputs
            are averaged (probabilities) as each family says.
        batch_size (int): Windows per forward pass. Defaults to 32.
        per_window (bool): Keep the per-window (per-step) results in each
            record. Defaults to False.
        **options: Family options (window, hop, sample rate, boxes, ...).
    """
    #: extensions (lower case, with the dot) of the files read
    extensions: Sequence[str] = ()
    #: those a folder is searched for (default: :attr:`extensions`)
    folder_extensions: Optional[Sequence[str]] = None
    #: the unit of ``start`` / ``end`` of windows, named in the CSV header
    window_unit: Optional[str] = None

    def __init__(self, spec: dict, scorers: Sequence[Scorer],
                 batch_size: int = 32, per_window: bool = False,
                 **options) -> None:
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        self.spec = spec
        self.scorers = list(scorers)
        self.batch_size = batch_size
        self.per_window = per_window
        unknown = sorted(set(options) - set(self.option_names()))
        if unknown:
            raise ValueError(
                f'{spec["family"]} inference takes the options '
                f'{sorted(self.option_names())}; got {unknown}')
        self.options = options

    @classmethod
    def option_names(cls) -> Sequence[str]:
        """Family options :meth:`__init__` accepts."""
        return ()

    @property
    def classes(self) -> List[str]:
        return list(self.spec.get('classes') or [])

    @property
    def class_source(self) -> str:
        """Where the class names come from, for messages."""
        return self.spec.get('class_source') or (
            'the checkpoint\'s meta.dataset_meta.classes, the sidecar\'s '
            '"classes" or the dataset class')

    # --------------------------------------------------------------- files
    def find_files(self, inputs: Sequence[str]) -> List[str]:
        """Input files: the files given, and the files with one of
        :attr:`folder_extensions` under each folder given (recursively,
        sorted)."""
        wanted = tuple(self.folder_extensions or self.extensions)
        files = []
        for item in inputs:
            item = str(item)
            if osp.isdir(item):
                found = sorted(
                    p for p in glob.glob(osp.join(item, '**', '*'),
                                         recursive=True)
                    if osp.isfile(p)
                    and osp.splitext(p)[1].lower() in wanted)
                if not found:
                    raise InferenceInputError(
                        f'{item}: no {"/".join(wanted)} file in '
                        f'this folder (searched recursively)')
                files += found
            elif osp.isfile(item):
                files.append(item)
            else:
                raise InferenceInputError(f'{item}: no such file or folder')
        return files

    def check_extension(self, path: str) -> str:
        """The lower-case extension of ``path``, refused unless the family
        reads it."""
        ext = osp.splitext(path)[1].lower()
        if ext not in self.extensions:
            raise InferenceInputError(
                f'{path}: a {self.spec["family"]} model reads '
                f'{", ".join(self.extensions)} files, not {ext or "this"}')
        return ext

    def predict_file(self, path: str) -> List[dict]:
        """The records of one input file."""
        raise NotImplementedError

    # ------------------------------------------------------------- scoring
    def score(self, *arrays: np.ndarray) -> List[np.ndarray]:
        """Each member's outputs for the batch ``arrays`` (inputs of the
        exported model), run ``batch_size`` at a time."""
        num = len(arrays[0])
        outputs = []
        for scorer in self.scorers:
            parts = [scorer(*(a[i:i + self.batch_size] for a in arrays))
                     for i in range(0, num, self.batch_size)]
            outputs.append(np.concatenate(parts) if parts else np.zeros(0))
        self.check_outputs(outputs)
        return outputs

    def check_outputs(self, outputs: Sequence[np.ndarray]) -> None:
        """Each member gives one score per class name: a class mapping or
        sidecar of another class count named classes that the scores are
        not of (or left scores without a name)."""
        names = self.classes
        for i, out in enumerate(outputs):
            if names and out.ndim >= 2 and out.shape[-1] != len(names):
                member = (f'ensemble member {i}' if len(outputs) > 1 else
                          'the model')
                raise ModelMismatchError(
                    f'{member} ({self.spec.get("checkpoint") or self.spec.get("config") or "onnx"}) '
                    f'gives {out.shape[-1]} class scores but its class names '
                    f'({self.class_source}) are {len(names)}: give the class '
                    f'names of the data it was trained on')

    # -------------------------------------------------------------- records
    def aggregate(self, probs: np.ndarray) -> np.ndarray:
        """One file's probabilities from its windows' (W, K), as the
        model's head aggregates clips: ``'max'`` takes the window most
        likely of ``positive_class``, anything else the mean."""
        if self.spec.get('aggregate') == 'max':
            return probs[int(np.argmax(probs[:, self.spec.get(
                'positive_class', 1)]))]
        return probs.mean(0)

    def ensemble(self, window_probs: Sequence[np.ndarray]
                 ) -> Dict[str, np.ndarray]:
        """File and window probabilities of the ensemble: the mean of the
        members' (each member's file probabilities aggregated from its own
        windows first)."""
        return dict(
            file=np.mean([self.aggregate(p) for p in window_probs], 0),
            windows=np.mean(window_probs, 0))

    def class_fields(self, probs: np.ndarray) -> dict:
        """``pred_label``, ``pred_class``, ``score`` (the probability of
        the predicted class) and ``probs`` of one probability vector."""
        label = int(np.argmax(probs))
        names = self.classes
        return dict(pred_label=label,
                    pred_class=names[label] if label < len(names) else
                    f'class_{label}',
                    score=float(probs[label]),
                    probs=[float(p) for p in probs])

    def class_record(self, path: str, window_probs: Sequence[np.ndarray],
                     windows: Sequence[dict], **extra) -> dict:
        """The record of a classified file: its fields, ``num_windows`` and,
        with ``per_window``, ``windows`` (``start``/``end`` and the class
        fields of each)."""
        probs = self.ensemble(window_probs)
        record = dict(file=path, **self.class_fields(probs['file']),
                      **extra, num_windows=len(windows))
        if self.per_window:
            record['windows'] = [
                dict(window, **self.class_fields(p))
                for window, p in zip(windows, probs['windows'])]
        return record
