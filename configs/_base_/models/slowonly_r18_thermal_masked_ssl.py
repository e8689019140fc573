# Masked spatio-temporal reconstruction around the backbone of
# slowonly_r18_thermal.py (the same ResNet3dSlowOnly depth 18, 16 base
# channels, and the same data preprocessor, so its checkpoint's backbone.*
# loads into that recognizer exactly): 60 % of the 2x8x8 patches of each
# 8x48x72 clip hidden, their pixels rebuilt by a 1x1x1 decoder from the
# stride-16 feature map.
_base_ = ['./slowonly_r18_thermal.py']

model = dict(
    _delete_=True,
    type='MaskedClipPretrainer',
    backbone={{_base_.model.backbone}},
    in_channels=128,
    # stride-2 stem, then stages 2-4 at stride 2: 16 pixels per cell
    decoder_stride=(1, 16, 16),
    patch_size=(2, 8, 8),
    mask_ratio=0.6,
    decoder_channels=128,
    data_preprocessor={{_base_.model.data_preprocessor}})
onnx_cfg = None
