from .focal_loss import FocalLoss
from .info_nce_loss import InfoNCELoss
from .masked_mse_loss import MaskedMSELoss
from .multi_resolution_stft_loss import MultiResolutionSTFTLoss

__all__ = ['MaskedMSELoss', 'MultiResolutionSTFTLoss', 'FocalLoss',
           'InfoNCELoss']
