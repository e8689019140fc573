# Contrastive pretraining (SimCLR) around the backbone of
# slowonly_r18_thermal.py (the same ResNet3dSlowOnly depth 18, 16 base
# channels, and the same data preprocessor, so its checkpoint's backbone.*
# loads into that recognizer exactly): two augmented views of each clip,
# global average pool, projector 128-256-64, NT-Xent at temperature 0.1.
_base_ = ['./slowonly_r18_thermal.py']

model = dict(
    _delete_=True,
    type='ContrastiveClipPretrainer',
    backbone={{_base_.model.backbone}},
    in_channels=128,
    hidden_channels=256,
    proj_channels=64,
    loss_contrast=dict(type='InfoNCELoss', temperature=0.1),
    data_preprocessor={{_base_.model.data_preprocessor}})
onnx_cfg = None
