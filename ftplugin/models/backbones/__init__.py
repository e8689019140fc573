from .pose_autoencoder import PoseAutoencoder

__all__ = ['PoseAutoencoder']
