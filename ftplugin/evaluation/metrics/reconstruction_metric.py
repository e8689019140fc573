from typing import Any, Dict, List, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric


@METRICS.register_module()
class ReconstructionMetric(BaseMetric):
    """Mean reconstruction error, ``recon/mse``, of self-supervised models.

    Reads the per-sample ``recon_error`` that pretraining models put in
    their predictions (e.g. :class:`PoseAEPretrainer`).
    """
    default_prefix = None

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        self.results += [float(s['recon_error']) for s in data_samples]

    def compute_metrics(self, results: List[float]) -> Dict[str, float]:
        return {'recon/mse': float(np.mean(results))}
