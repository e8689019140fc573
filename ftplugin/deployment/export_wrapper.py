import torch
from mmaction.models.recognizers import BaseRecognizer
from torch import nn


class ExportWrapper(nn.Module):
    """Exposes the outputs a model declares for deployment as ``forward``.

    A model plugs in with an ``onnx_outputs(*inputs)`` method (e.g. class
    probabilities instead of logits, normalisation included). mmaction2's
    own recognizers need none: they export the class scores of
    ``predict()`` (the head's output averaged over the crops as
    ``average_clips`` says) for a ``(N, crops, ...)`` input. Other models
    export ``model(*inputs, mode='tensor')``.

    Args:
        model (nn.Module): The task model.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor):
        if hasattr(self.model, 'onnx_outputs'):
            return tuple(self.model.onnx_outputs(*inputs))
        if isinstance(self.model, BaseRecognizer) and self.model.with_cls_head:
            # the class scores predict() gives (mode='tensor' stops at the
            # backbone), from (N, crops, ...) input
            (clips, ) = inputs
            logits, _ = self.model.extract_feat(clips, stage='head')
            return self.model.cls_head.average_clip(
                logits, num_segs=clips.shape[1])
        return self.model(*inputs, mode='tensor')
