"""The end-to-end demo of each family, as ``make demo`` runs it.

``tools/run_demo.py`` is the command line. Each module here has a
``run_family(work_root, data_root, quick)`` that runs the family's steps as
plain commands of the repository checkout (``tools/train.py`` ...), so the
demo needs the checkout, not only the installed package. Not imported by
``import ftplugin``.
"""
FAMILIES = ('apple_watch', 'ava_custom', 'butppg', 'kaggle_pose', 'thermal')
