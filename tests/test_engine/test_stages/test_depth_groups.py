"""depth_groups: the depth order read from tiny models of each kind the
families use (a transformer's blocks, an LSTM's layers, ResNet blocks,
SlowFast's parallel pathways with their laterals, a Linear-BN stack), and
the automatic stages built from it."""
import pytest
import torch
from mmaction.registry import MODELS
from torch import nn

from ftplugin.engine.stages import auto_stages, depth_groups, group_of


class Block(nn.Module):

    def __init__(self):
        super().__init__()
        self.attn = nn.Linear(4, 4)
        self.mlp = nn.Linear(4, 4)


class Transformer(nn.Module):

    def __init__(self):
        super().__init__()
        self.pos_embed = nn.Parameter(torch.zeros(1, 4))
        self.patch_embed = nn.Conv1d(2, 4, 3)
        self.drop = nn.Dropout()
        self.blocks = nn.ModuleList([Block() for _ in range(3)])
        self.norm = nn.LayerNorm(4)


class Classifier(nn.Module):

    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone
        self.cls_head = nn.Linear(4, 2)


def test_transformer_blocks_from_input_to_head():
    groups = depth_groups(Classifier(Transformer()))
    assert groups == [['backbone.pos_embed'], ['backbone.patch_embed'],
                      ['backbone.blocks.0'], ['backbone.blocks.1'],
                      ['backbone.blocks.2'], ['backbone.norm'],
                      ['cls_head']]


def test_lstm_layers_and_a_layer_stack_that_is_one_level():
    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True)

    groups = depth_groups(Classifier(Lstm()))
    assert groups[:2] == [
        ['backbone.lstm.*_l0', 'backbone.lstm.*_l0_reverse'],
        ['backbone.lstm.*_l1', 'backbone.lstm.*_l1_reverse']]
    assert group_of('backbone.lstm.weight_hh_l1', groups) == 1
    assert group_of('backbone.lstm.weight_hh_l0', groups) == 0
    # Linear-BatchNorm-ReLU stacks are one level each, not three
    stack = nn.Module()
    stack.encoder = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4),
                                  nn.ReLU(), nn.Linear(4, 4))
    stack.decoder = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
    assert depth_groups(Classifier(stack)) == [
        ['backbone.encoder'], ['backbone.decoder'], ['cls_head']]


def test_slowfast_pathways_side_by_side_with_their_laterals():
    pathway = dict(type='resnet3d', depth=18, pretrained=None,
                   conv1_stride_t=1, pool1_stride_t=1, inflate=(0, 0, 1, 1))
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(
            type='ResNet3dSlowFast', pretrained=None, resample_rate=4,
            speed_ratio=4, channel_ratio=4,
            slow_pathway=dict(pathway, lateral=True, base_channels=8,
                              conv1_kernel=(1, 7, 7), lateral_infl=1,
                              fusion_kernel=5),
            fast_pathway=dict(pathway, lateral=False, base_channels=2,
                              conv1_kernel=(5, 7, 7))),
        cls_head=dict(type='SlowFastHead', in_channels=80, num_classes=3)))
    groups = depth_groups(model)
    assert groups[0] == ['backbone.slow_path.conv1',
                         'backbone.slow_path.conv1_lateral',
                         'backbone.fast_path.conv1']
    # ResNet-18: 2 blocks per stage; a stage's lateral with its last block
    assert groups[2] == ['backbone.slow_path.layer1.1',
                         'backbone.slow_path.layer1_lateral',
                         'backbone.fast_path.layer1.1']
    assert groups[-2] == ['backbone.slow_path.layer4.1',
                          'backbone.fast_path.layer4.1']
    assert groups[-1] == ['cls_head'] and len(groups) == 10


def test_auto_stages_head_then_deeper_then_all():
    groups = [['a'], ['b'], ['c'], ['d'], ['head']]
    assert auto_stages(groups, 3) == [['head'], ['c', 'd', 'head'], ['*']]
    assert auto_stages(groups, 2) == [['head'], ['*']]
    assert auto_stages(groups, 5) == [
        ['head'], ['d', 'head'], ['c', 'd', 'head'], ['b', 'c', 'd', 'head'],
        ['*']]
    with pytest.raises(ValueError, match='1 to 5 stages'):
        auto_stages(groups, 6)
