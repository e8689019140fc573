import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import nn


@MODELS.register_module()
class InfoNCELoss(nn.Module):
    """SimCLR's NT-Xent (normalised temperature-scaled cross entropy) over
    ``V`` views of ``N`` samples.

    Every embedding is an anchor; the other views of its sample are its
    positives, every view of the other samples in the batch a negative.
    Per anchor and positive: ``-log(exp(s_ap / t) / sum_{k != a} exp(s_ak /
    t))`` with cosine similarities ``s``, averaged over all pairs; for
    ``V=2`` exactly SimCLR's loss.

    Args:
        temperature (float): ``t``. Defaults to 0.1.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, temperature: float = 0.1,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        """The loss of ``(N, V, D)`` embeddings (normalised here), N >= 2,
        V >= 2."""
        n, v = embeddings.shape[:2]
        if n < 2 or v < 2:
            raise ValueError(f'InfoNCELoss needs at least 2 samples of at '
                             f'least 2 views, got (N, V) = ({n}, {v})')
        z = F.normalize(embeddings.flatten(0, 1).float(), dim=1)
        logits = z @ z.t() / self.temperature
        eye = torch.eye(n * v, dtype=torch.bool, device=z.device)
        logits = logits.masked_fill(eye, float('-inf'))
        log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
        sample = torch.arange(n, device=z.device).repeat_interleave(v)
        positive = (sample[:, None] == sample[None, :]) & ~eye
        return -self.loss_weight * log_prob[positive].mean()
