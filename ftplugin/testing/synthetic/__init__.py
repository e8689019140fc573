"""Generators of synthetic data in each family's file format.

A fresh clone has no data: the demo and the tests write small corpora laid
out exactly like the real ones. The command lines are in
``tools/data/<family>/``; each module here is imported on its own (they are
not imported by ``ftplugin.datasets``, so ``import ftplugin`` stays light).
"""
