from .masked_mse_loss import MaskedMSELoss

__all__ = ['MaskedMSELoss']
