"""Download the pretrained checkpoints that configs name, verified.

    python tools/download_pretrained.py CONFIG [CONFIG ...] \
        [--cfg-options k=v ...] [--out-dir checkpoints] [--force]
    python tools/download_pretrained.py --url URL [--sha256 HEX] \
        [--out-dir checkpoints]

A config names its checkpoint with ``pretrained_url``, ``load_from`` (where
the file goes) and optionally ``pretrained_sha256``; without a full sha256
the file is checked against the hash prefix of OpenMMLab's file names. A
download resumes from ``<file>.part``; a file whose sha256 does not match is
deleted and the tool exits with status 1 (``ftplugin.utils.download``).
"""
from ftplugin.utils.download import main

if __name__ == '__main__':
    main()
