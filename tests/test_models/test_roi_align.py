"""The plain-PyTorch RoIAlign against a loop over mmcv's kernel steps."""
import math

import numpy as np
import pytest
import torch

from ftplugin.models.roi_align import RoIAlign, roi_align


def _bilinear(fmap, y, x):
    """mmcv's ``bilinear_interpolate`` of one (H, W) map, step by step."""
    height, width = fmap.shape
    if y < -1.0 or y > height or x < -1.0 or x > width:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= height - 1:
        y_high = y_low = height - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_high = x_low = width - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx
    return (hy * hx * fmap[y_low, x_low] + hy * lx * fmap[y_low, x_high] +
            ly * hx * fmap[y_high, x_low] + ly * lx * fmap[y_high, x_high])


def brute_force(features, rois, out_size, scale, ratio, aligned):
    feats = features.double().numpy()
    out = np.zeros((len(rois), feats.shape[1], out_size, out_size))
    offset = 0.5 if aligned else 0.0
    for r, (b, x1, y1, x2, y2) in enumerate(rois.double().tolist()):
        sw, sh = x1 * scale - offset, y1 * scale - offset
        rw, rh = x2 * scale - offset - sw, y2 * scale - offset - sh
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / out_size, rw / out_size
        gh = ratio if ratio > 0 else math.ceil(rh / out_size)
        gw = ratio if ratio > 0 else math.ceil(rw / out_size)
        count = max(gh * gw, 1)
        for c in range(feats.shape[1]):
            for ph in range(out_size):
                for pw in range(out_size):
                    total = 0.0
                    for iy in range(gh):
                        y = sh + ph * bh + (iy + .5) * bh / gh
                        for ix in range(gw):
                            x = sw + pw * bw + (ix + .5) * bw / gw
                            total += _bilinear(feats[int(b), c], y, x)
                    out[r, c, ph, pw] = total / count
    return torch.from_numpy(out)


def random_rois(generator, n, height, width, scale):
    """Boxes inside, at and past the edges of the (input-pixel) image."""
    img_h, img_w = height / scale, width / scale
    xs = torch.rand(n, 2, generator=generator) * img_w * 1.6 - 0.3 * img_w
    ys = torch.rand(n, 2, generator=generator) * img_h * 1.6 - 0.3 * img_h
    x1, x2 = xs.min(1).values, xs.max(1).values
    y1, y2 = ys.min(1).values, ys.max(1).values
    edges = torch.tensor([[0, 0, img_w, img_h], [-5, -5, 3, 4],
                          [img_w - 2, img_h - 2, img_w + 6, img_h + 9],
                          [img_w - 1, 0, img_w - 1, img_h - 1]])
    boxes = torch.cat([torch.stack([x1, y1, x2, y2], 1), edges])
    batch = torch.randint(0, 2, (len(boxes), 1), generator=generator)
    return torch.cat([batch.float(), boxes], 1)


@pytest.mark.parametrize('ratio,aligned', [(2, True), (0, True), (3, False)])
def test_matches_brute_force_with_boxes_at_and_past_edges(ratio, aligned):
    generator = torch.Generator().manual_seed(ratio)
    features = torch.randn(2, 3, 9, 13, generator=generator)
    scale = 0.25
    rois = random_rois(generator, 12, 9, 13, scale)
    got = roi_align(features, rois, 4, scale, ratio, aligned,
                    use_mmcv=False)
    expected = brute_force(features, rois, 4, scale, ratio, aligned)
    assert got.shape == (len(rois), 3, 4, 4)
    assert torch.allclose(got.double(), expected, atol=1e-5), \
        (got.double() - expected).abs().max()
    # the boxes past the edges are not all zero: border clamping is tested
    assert expected[-3:].abs().sum() > 0


def test_module_gradients_and_no_rois():
    features = torch.randn(1, 2, 6, 6, requires_grad=True)
    layer = RoIAlign(3, spatial_scale=0.5, sampling_ratio=2,
                     use_mmcv=False)
    rois = torch.tensor([[0., 1., 1., 9., 7.]])
    layer(features, rois).sum().backward()
    assert features.grad.abs().sum() > 0
    assert layer(features, torch.zeros(0, 5)).shape == (0, 2, 3, 3)
    with pytest.raises(ValueError, match='rois must be'):
        layer(features, torch.zeros(3, 4))
