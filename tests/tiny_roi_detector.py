"""A tiny RoIActionDetector (two-stage SlowOnly, 4 base channels) and
batches of random clips, shared by the detector, IA and hook tests."""
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

import ftplugin  # noqa: F401  (registrations)

K = 3
HEIGHT, WIDTH = 24, 32


def detector(ia=None, seed=0):
    init_default_scope('mmaction')
    torch.manual_seed(seed)
    return MODELS.build(dict(
        type='RoIActionDetector',
        backbone=dict(
            type='ResNet3dSlowOnly', depth=18, pretrained=None,
            base_channels=4, num_stages=2, stage_blocks=(1, 1),
            out_indices=(1, ), lateral=False, conv1_kernel=(1, 3, 3),
            conv1_stride_s=2, conv1_stride_t=1, with_pool1=False,
            pool1_stride_t=1, inflate=(0, 1), spatial_strides=(1, 1),
            temporal_strides=(1, 1), dilations=(1, 1), norm_eval=False),
        roi_size=3,
        cls_head=dict(type='RoIActionHead', in_channels=8, num_classes=K,
                      dropout_ratio=0.0, init_std=0.5, ia=ia),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               mean=[128.] * 3, std=[64.] * 3,
                               format_shape='NCTHW')))


def batch(keyframes, boxes_per_clip=(2, 1), seed=0, test=False):
    """Clips of random frames; ``keyframes`` (video, timestamp) each."""
    gen = torch.Generator().manual_seed(seed)
    inputs, samples = [], []
    for (video, ts), n in zip(keyframes, boxes_per_clip):
        inputs.append(torch.randint(0, 256, (1, 3, 2, HEIGHT, WIDTH),
                                    generator=gen, dtype=torch.uint8))
        x1 = torch.randint(0, 12, (n, 1), generator=gen).float()
        y1 = torch.randint(0, 8, (n, 1), generator=gen).float()
        boxes = torch.cat([x1, y1, x1 + 12, y1 + 14], 1)
        sample = ActionDataSample()
        sample.gt_instances = InstanceData(
            bboxes=boxes, labels=(torch.rand(n, K, generator=gen) > .5)
            .float())
        if test:
            sample.proposals = InstanceData(bboxes=boxes)
        sample.set_metainfo(dict(video_id=video, timestamp=ts,
                                 img_shape=(HEIGHT, WIDTH)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


MEMORY_IA = dict(inner_channels=8, structure='serial', blocks=['M'],
                 memory=dict(before=1, after=1, max_per_slot=2,
                             penalty=False))
