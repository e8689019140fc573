import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from torch import nn

import ftplugin  # noqa: F401
from ftplugin.deployment import ExportWrapper, input_shapes, random_inputs


class Doubler(nn.Module):

    def forward(self, x, mode='tensor'):
        assert mode == 'tensor'
        return 2 * x


class WithOutputs(Doubler):

    def onnx_outputs(self, x):
        return [x + 1, x - 1]


def test_wrapper_prefers_onnx_outputs_then_tensor_mode():
    x = torch.randn(2, 3)
    a, b = ExportWrapper(WithOutputs())(x)
    torch.testing.assert_close(a, x + 1)
    torch.testing.assert_close(b, x - 1)
    torch.testing.assert_close(ExportWrapper(Doubler())(x), 2 * x)


def test_wrapper_averages_crops_of_mmaction_recognizers():
    init_default_scope('mmaction')
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='X3D', gamma_w=0.25, gamma_b=0.25, gamma_d=0.25),
        cls_head=dict(type='I3DHead', in_channels=16, num_classes=3,
                      average_clips='prob'))).eval()
    clips = torch.randn(2, 3, 3, 4, 32, 32)  # (N, crops, C, T, H, W)
    with torch.no_grad():
        got = ExportWrapper(model)(clips)
        preds = model(clips, [_sample() for _ in range(2)], mode='predict')
    expected = torch.stack([p.pred_score for p in preds])
    torch.testing.assert_close(got, expected)


def _sample():
    from mmaction.structures import ActionDataSample
    return ActionDataSample().set_gt_label(0)


def test_input_shapes_and_random_inputs():
    assert input_shapes(dict(input_shape=(1, 2, 3))) == [(1, 2, 3)]
    shapes = input_shapes(dict(input_shape=[(1, 2), (1, 5, 4)]))
    xs = random_inputs(shapes, batch_size=3)
    assert [tuple(x.shape) for x in xs] == [(3, 2), (3, 5, 4)]
    # seeded by the batch size: the same inputs every call
    torch.testing.assert_close(random_inputs(shapes, 3)[1], xs[1])
