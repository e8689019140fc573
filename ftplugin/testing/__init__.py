"""Helpers for tests, the demo and the data tools: ``synthetic`` writes small
datasets in each family's exact file format (as ``mmaction.testing`` does for
mmaction2's own tests). Not imported by ``import ftplugin``."""
