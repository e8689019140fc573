from .pose_random_flip import PoseRandomFlip

__all__ = ['PoseRandomFlip']
