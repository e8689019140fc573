"""Converters of one's own files into a family's format, and split tools.

The command lines are in ``tools/data/<family>/``; each module here is
imported on its own (not by ``ftplugin.datasets``).
"""
