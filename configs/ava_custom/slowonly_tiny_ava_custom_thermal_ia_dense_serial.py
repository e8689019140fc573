# slowonly_tiny_ava_custom_thermal.py with AlphAction's dense serial
# Interaction Aggregation of persons and memory (P, M, P, M): each person
# attends to the other persons of its clip and to the memory of the same
# recording's neighbouring keyframes (3 before, 3 after, as
# slowonly_tiny_ava_custom_thermal_ia_memory.py); each block from the
# third on takes a learned mix of all earlier blocks' outputs. No objects
# (the thermal recordings have no object boxes). Same schedule as the
# baseline. Not exportable to ONNX.
_base_ = ['./slowonly_tiny_ava_custom_thermal_ia_memory.py']

model = dict(
    cls_head=dict(ia=dict(structure='dense', blocks=['P', 'M', 'P', 'M'])))
