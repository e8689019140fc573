# slowonly_tiny_ava_custom_thermal.py with AlphAction's Interaction
# Aggregation, memory only: each person's pooled RoI feature attends (two
# serial memory blocks) to the persons of the same recording at the 3
# keyframes before and the 3 after (1 s apart, up to 3 persons each), kept in
# the training memory pool (AlphAction's asynchronous memory, its loss-ratio
# penalty on) and, at val/test, in a pool of the evaluated set filled by
# IAMemoryHook before the epoch. Same schedule as the baseline; the IA
# parameters take the base lr (AlphAction's x10 IA lr is for its SGD).
# Not exportable to ONNX (tools/deployment/export_onnx.py refuses it).
_base_ = ['./slowonly_tiny_ava_custom_thermal.py']

model = dict(
    cls_head=dict(
        ia=dict(
            inner_channels=32,
            structure='serial',
            blocks=['M', 'M'],
            memory=dict(before=3, after=3, rate=1, max_per_slot=3,
                        penalty=True),
            dropout=0.2,
            layer_norm=True,
            temporal_position=True)))

# fills the val/test memory pool; saves the training pool with checkpoints
default_hooks = dict(ia_memory=dict(type='IAMemoryHook'))
