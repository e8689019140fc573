"""RoIAlign in plain PyTorch, with ``mmcv.ops.RoIAlign``'s semantics.

mmcv-lite (the pinned stack) has no compiled ops and AlphAction's
RoIAlign3d is CUDA-only, so the RoI action detector uses this one: average
pooling of bilinear samples exactly as mmcv's kernel computes them
(``aligned=True`` shifts box corners by -0.5 pixel; samples further than
one pixel outside the map are 0, the others clamp to its border). Bilinear
sampling is separable, so each RoI is two small matrix products: it runs on
CPU and GPU and exports to ONNX (with ``sampling_ratio > 0``). Where a full
mmcv is importable, its compiled op is used instead (not while exporting).
"""
import math
from typing import Tuple, Union

import torch
from torch import Tensor, nn


def _mmcv_roi_align():
    try:
        from mmcv.ops import roi_align
    except (ImportError, ModuleNotFoundError, OSError):
        return None
    return roi_align


def _axis_weights(start: Tensor, bin_size: Tensor, pooled: int, grid: int,
                  size: int) -> Tensor:
    """Bilinear weights (R, pooled * grid, size) of one axis' samples."""
    steps = torch.arange(pooled * grid, dtype=start.dtype,
                         device=start.device)
    # sample k of bin p sits at start + p * bin + (k + .5) * bin / grid
    pos = start[:, None] + (torch.div(steps, grid, rounding_mode='floor') +
                            (steps % grid + 0.5) / grid) * bin_size[:, None]
    valid = ((pos >= -1.0) & (pos <= size)).to(start.dtype)
    pos = pos.clamp(min=0)
    low = pos.floor().clamp(max=size - 1)
    high = (low + 1).clamp(max=size - 1)
    # at the last row/column mmcv uses the border value alone
    pos = torch.where(low >= size - 1, low, pos)
    frac = pos - low
    index = torch.arange(size, dtype=start.dtype, device=start.device)
    weights = ((index == low[..., None]).to(start.dtype) *
               (1 - frac)[..., None] +
               (index == high[..., None]).to(start.dtype) * frac[..., None])
    return weights * valid[..., None]


def _roi_align_grid(features: Tensor, rois: Tensor, out_h: int, out_w: int,
                    spatial_scale: float, grid_h: int, grid_w: int,
                    aligned: bool) -> Tensor:
    """RoIAlign with one sampling grid for all RoIs."""
    num_rois, channels = rois.shape[0], features.shape[1]
    height, width = features.shape[-2:]
    if grid_h < 1 or grid_w < 1:  # an empty box (mmcv gives 0)
        return features.new_zeros(num_rois, channels, out_h, out_w)
    offset = 0.5 if aligned else 0.0
    boxes = rois[:, 1:].to(features.dtype) * spatial_scale - offset
    x1, y1, x2, y2 = boxes.unbind(1)
    roi_w, roi_h = x2 - x1, y2 - y1
    if not aligned:
        roi_w, roi_h = roi_w.clamp(min=1.0), roi_h.clamp(min=1.0)
    wy = _axis_weights(y1, roi_h / out_h, out_h, grid_h, height)
    wx = _axis_weights(x1, roi_w / out_w, out_w, grid_w, width)
    per_roi = features[rois[:, 0].long()]  # (R, C, H, W)
    # (R, 1, A, H) @ (R, C, H, W) @ (R, 1, W, B): two batched products
    samples = torch.matmul(torch.matmul(wy[:, None], per_roi),
                           wx.transpose(1, 2)[:, None])
    samples = samples.reshape(num_rois, channels, out_h, grid_h, out_w,
                              grid_w)
    return samples.mean(dim=(3, 5))


def roi_align(features: Tensor,
              rois: Tensor,
              output_size: Union[int, Tuple[int, int]],
              spatial_scale: float = 1.0,
              sampling_ratio: int = 2,
              aligned: bool = True,
              use_mmcv: bool = True) -> Tensor:
    """Average RoIAlign of ``rois`` on ``features``.

    Args:
        features (Tensor): (N, C, H, W).
        rois (Tensor): (R, 5): batch index, x1, y1, x2, y2 in input pixels.
        output_size (int | tuple[int, int]): (out_h, out_w).
        spatial_scale (float): Feature-map size / input size.
        sampling_ratio (int): Samples per bin and axis; 0 picks
            ``ceil(roi size / output size)`` per RoI as mmcv does (not
            exportable). Defaults to 2.
        aligned (bool): mmcv's ``aligned`` (pixel-centre model).
            Defaults to True.
        use_mmcv (bool): Use ``mmcv.ops.roi_align`` when a full mmcv is
            importable (never while exporting). Defaults to True.

    Returns:
        Tensor: (R, C, out_h, out_w).
    """
    out_h, out_w = ((output_size, output_size) if isinstance(
        output_size, int) else tuple(output_size))
    if rois.ndim != 2 or rois.shape[1] != 5:
        raise ValueError(f'rois must be (R, 5) [batch index, x1, y1, x2, '
                         f'y2], got {tuple(rois.shape)}')
    if use_mmcv and not torch.onnx.is_in_onnx_export():
        mmcv_op = _mmcv_roi_align()
        if mmcv_op is not None:
            return mmcv_op(features, rois.to(features.dtype), (out_h, out_w),
                           spatial_scale, sampling_ratio, 'avg', aligned)
    if sampling_ratio > 0:
        return _roi_align_grid(features, rois, out_h, out_w, spatial_scale,
                               sampling_ratio, sampling_ratio, aligned)
    # adaptive grid: its size depends on each box, so one RoI at a time
    outs = []
    offset = 0.5 if aligned else 0.0
    for roi in rois:
        x1, y1, x2, y2 = (float(v) * spatial_scale - offset
                          for v in roi[1:])
        roi_w, roi_h = x2 - x1, y2 - y1
        if not aligned:
            roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
        outs.append(_roi_align_grid(
            features, roi[None], out_h, out_w, spatial_scale,
            math.ceil(roi_h / out_h), math.ceil(roi_w / out_w), aligned))
    if not outs:
        return features.new_zeros(0, features.shape[1], out_h, out_w)
    return torch.cat(outs)


class RoIAlign(nn.Module):
    """Module form of :func:`roi_align`.

    Args:
        output_size (int | tuple[int, int]): (out_h, out_w).
        spatial_scale (float): Feature-map size / input size.
            Defaults to 1.0.
        sampling_ratio (int): Samples per bin and axis (0: adaptive).
            Defaults to 2.
        aligned (bool): Pixel-centre model of mmcv. Defaults to True.
        use_mmcv (bool): Prefer a full mmcv's compiled op. Defaults to True.
    """

    def __init__(self,
                 output_size: Union[int, Tuple[int, int]],
                 spatial_scale: float = 1.0,
                 sampling_ratio: int = 2,
                 aligned: bool = True,
                 use_mmcv: bool = True) -> None:
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = float(spatial_scale)
        self.sampling_ratio = int(sampling_ratio)
        self.aligned = aligned
        self.use_mmcv = use_mmcv

    def forward(self, features: Tensor, rois: Tensor,
                spatial_scale: float = None) -> Tensor:
        return roi_align(
            features, rois, self.output_size,
            self.spatial_scale if spatial_scale is None else spatial_scale,
            self.sampling_ratio, self.aligned, self.use_mmcv)

    def extra_repr(self) -> str:
        return (f'output_size={self.output_size}, spatial_scale='
                f'{self.spatial_scale}, sampling_ratio={self.sampling_ratio},'
                f' aligned={self.aligned}')
