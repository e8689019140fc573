# slowfast_r50_ava_custom.py with the guide's Interaction Aggregation
# (AlphAction's resnet50_4x16f_denseserial.yaml, "Enable IA structure for
# multi-person scenarios"): dense serial P, O, M, P, O, M blocks of width
# 1024, dropout 0.2, layer norm, temporal positions, memory of 30 keyframes
# before and after (1 s apart, 5 persons each) with the loss-ratio penalty,
# 5 objects per clip, the IA parameters at 10 x the lr (IA_LR_FACTOR).
# Object boxes: pass an object box file in the person box layout, e.g.
#   --cfg-options \
#     train_dataloader.dataset.object_box_file=boxes/train_object_bbox.json \
#     val_dataloader.dataset.object_box_file=boxes/val_object_bbox.json
# (test_dataloader likewise); without one the object blocks add nothing.
# IAMemoryHook fills the val/test memory before each epoch (one extra pass)
# and saves the training memory with each checkpoint (4 bytes x 2304 x
# persons x keyframes: large on full AVA). GPU path untested (no GPU was available). Not exportable to ONNX.
_base_ = ['./slowfast_r50_ava_custom.py']

model = dict(
    cls_head=dict(
        ia=dict(
            inner_channels=1024,
            structure='dense',
            blocks=['P', 'O', 'M', 'P', 'O', 'M'],
            memory=dict(before=30, after=30, rate=1, max_per_slot=5,
                        penalty=True),
            max_objects=5,
            dropout=0.2,
            layer_norm=True,
            temporal_position=True,
            init_std=0.01)))
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'cls_head.ia': dict(lr_mult=10.0)}))
default_hooks = dict(ia_memory=dict(type='IAMemoryHook'))

# object boxes follow the frames' resizing and flips, and reach the model
meta_keys = ('img_shape', 'img_key', 'video_id', 'timestamp',
             'object_bboxes')
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='WithObjectBoxes', transforms=[
            dict(type='Resize', scale=(-1, 256)),
            dict(type='Flip', flip_ratio=0.5)]),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', meta_keys=meta_keys)
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='WithObjectBoxes', transforms=[
            dict(type='Resize', scale=(-1, 256))]),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', meta_keys=meta_keys)
    ]))
test_dataloader = val_dataloader
