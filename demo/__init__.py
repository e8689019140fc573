"""The end-to-end demo of each family, as ``make demo`` runs it.

``demo/run_demo.py`` is the command line. Each module here has a
``run_family(run)`` that runs the family's steps through a
:class:`demo.common.FamilyRun` (its sizes, threads, logs) as plain commands
of the repository checkout (``tools/train.py`` ...) and returns its line of
the final table (:class:`demo.common.Result`), beside
``tools/`` as mmaction2's ``demo/``: the installed package never runs the
checkout's scripts.
"""
FAMILIES = ('apple_watch', 'ava_custom', 'butppg', 'kaggle_pose', 'thermal')
