"""Downloading the pretrained checkpoints that configs name, verified.

:func:`main` is the command line of ``tools/download_pretrained.py``. A
config names its checkpoint with ``pretrained_url`` (an mmaction2 model-zoo
address), ``load_from`` (where the file goes, e.g.
``checkpoints/<name>.pth``) and optionally ``pretrained_sha256``. Without a
full sha256 the file is checked against the hash prefix that OpenMMLab puts
in its file names (``..._20220901-701b0f6f.pth``: the first 8 hex digits of
the file's sha256, as ``torch.hub`` checks them); a file with neither is
refused unless ``--allow-unverified``.

Downloads go to ``<file>.part`` and resume from it with an HTTP ``Range``
request (after an interruption, or in a later run); a server that ignores
``Range`` is read from the start again. A file whose sha256 does not match
is deleted, never moved into place, and the tool exits with status 1.
"""
import argparse
import hashlib
import http.client
import os
import os.path as osp
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from typing import Callable, List, Optional, Tuple

from mmengine.config import Config, DictAction

CHUNK = 1 << 20
# OpenMMLab's checkpoint names end in -<first 8+ hex digits of the sha256>
NAME_HASH = re.compile(r'-([0-9a-f]{8,64})\.(?:pth|pt)$')


class ChecksumError(RuntimeError):
    """The downloaded file is not the one expected."""


def expected_hash(url: str, sha256: Optional[str]) -> Optional[str]:
    """The full sha256 if given, else the hash prefix in the file name."""
    if sha256:
        sha256 = sha256.lower()
        if not re.fullmatch(r'[0-9a-f]{8,64}', sha256):
            raise ValueError(f'sha256 must be 8-64 hex digits, got {sha256!r}')
        return sha256
    match = NAME_HASH.search(osp.basename(url.split('?')[0]))
    return match.group(1) if match else None


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(CHUNK), b''):
            digest.update(block)
    return digest.hexdigest()


def verify(path: str, expected: Optional[str]) -> bool:
    """Whether ``path`` has the expected sha256 (or prefix of it)."""
    return expected is None or file_sha256(path).startswith(expected)


def _fetch_once(url: str, part: str, timeout: float,
                log: Callable[[str], None]) -> Tuple[int, Optional[int]]:
    """Append to ``part`` from where it ends; return (size, total)."""
    offset = osp.getsize(part) if osp.isfile(part) else 0
    headers = {'User-Agent': 'ftplugin-download'}
    if offset:
        headers['Range'] = f'bytes={offset}-'
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and offset:  # nothing after offset: part complete
            return offset, offset
        raise
    with response:
        length = response.headers.get('Content-Length')
        length = int(length) if length is not None else None
        if offset and response.status == 206:
            start = re.match(r'bytes (\d+)-',
                             response.headers.get('Content-Range', ''))
            if not start or int(start.group(1)) != offset:
                raise ConnectionError(
                    f'{url}: the server answered Range bytes={offset}- with '
                    f'Content-Range {response.headers.get("Content-Range")}')
            log(f'resuming at byte {offset}')
            mode, total = 'ab', None if length is None else offset + length
        else:
            if offset:
                log(f'{url} ignores Range: downloading from the start')
            mode, total, offset = 'wb', length, 0
        with open(part, mode) as f:
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                f.write(block)
    return osp.getsize(part), total


def download(url: str, dest: str, sha256: Optional[str] = None,
             force: bool = False, allow_unverified: bool = False,
             retries: int = 5, timeout: float = 60.0,
             log: Callable[[str], None] = print) -> str:
    """Download ``url`` to ``dest`` with resume and sha256 verification.

    Args:
        url (str): Source address.
        dest (str): Destination file.
        sha256 (str, optional): Full sha256 or a prefix of it; defaults to
            the prefix in the file name.
        force (bool): Download again even if ``dest`` is valid.
        allow_unverified (bool): Accept a file no hash is known for.
        retries (int): Attempts, each resuming where the last one stopped.
        timeout (float): Socket timeout in seconds.
        log (callable): Progress messages.

    Returns:
        str: ``dest``.
    """
    expected = expected_hash(url, sha256)
    if expected is None and not allow_unverified:
        raise ChecksumError(
            f'{url}: no sha256 known (none given, none in the file name); '
            f'pass --sha256 or --allow-unverified')
    if osp.isfile(dest) and not force:
        if verify(dest, expected):
            log(f'{dest} exists and matches sha256 {expected}: kept')
            return dest
        raise ChecksumError(f'{dest} exists but its sha256 does not start '
                            f'with {expected}; pass --force to replace it')
    os.makedirs(osp.dirname(osp.abspath(dest)), exist_ok=True)
    part = dest + '.part'
    if force and osp.isfile(part):
        os.remove(part)
    for attempt in range(1, retries + 1):
        try:
            size, total = _fetch_once(url, part, timeout, log)
        except (urllib.error.URLError, ConnectionError, socket.timeout,
                http.client.HTTPException, OSError) as e:
            if isinstance(e, urllib.error.HTTPError) and e.code < 500:
                raise
            log(f'attempt {attempt}/{retries} interrupted: {e}')
            time.sleep(min(2**attempt, 10) * 0.1)
            continue
        if total is not None and size < total:
            log(f'attempt {attempt}/{retries}: got {size} of {total} bytes')
            continue
        break
    else:
        raise ConnectionError(f'{url}: incomplete after {retries} attempts; '
                              f'{part} is kept, run again to resume')
    actual = file_sha256(part)
    if expected is not None and not actual.startswith(expected):
        os.remove(part)
        raise ChecksumError(f'{url}: sha256 {actual} does not match the '
                            f'expected {expected}; the download was deleted')
    os.replace(part, dest)
    log(f'{dest}: {osp.getsize(dest)} bytes, sha256 {actual}')
    return dest


def from_config(path: str, options: Optional[dict],
                out_dir: str) -> Tuple[str, str, Optional[str]]:
    """(url, destination, sha256) that a config names."""
    cfg = Config.fromfile(path)
    if options:
        cfg.merge_from_dict(options)
    url = cfg.get('pretrained_url')
    if not url:
        raise ValueError(f'{path} names no pretrained_url')
    load_from = cfg.get('load_from')
    dest = (load_from if load_from and '://' not in load_from else
            osp.join(out_dir, osp.basename(url.split('?')[0])))
    return url, dest, cfg.get('pretrained_sha256')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='*',
                        help='configs naming pretrained_url / load_from')
    parser.add_argument('--url', help='download this address instead')
    parser.add_argument('--sha256', help='expected sha256 (or prefix) for '
                        '--url')
    parser.add_argument('--out-dir', default='checkpoints')
    parser.add_argument('--force', action='store_true',
                        help='download again even when the file is valid')
    parser.add_argument('--allow-unverified', action='store_true',
                        help='accept files no sha256 is known for')
    parser.add_argument('--retries', type=int, default=5)
    parser.add_argument('--timeout', type=float, default=60.0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    jobs: List[Tuple[str, str, Optional[str]]] = []
    if args.url:
        jobs.append((args.url, osp.join(
            args.out_dir, osp.basename(args.url.split('?')[0])), args.sha256))
    try:
        jobs += [from_config(c, args.cfg_options, args.out_dir)
                 for c in args.configs]
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f'error: {e}')
    if not jobs:
        sys.exit('error: give a config naming pretrained_url, or --url')
    failed = False
    for url, dest, sha256 in jobs:
        print(f'{url}\n  -> {dest}')
        try:
            download(url, dest, sha256, args.force, args.allow_unverified,
                     args.retries, args.timeout,
                     log=lambda m: print(f'  {m}', flush=True))
        except (ChecksumError, ConnectionError, ValueError,
                urllib.error.URLError) as e:
            print(f'error: {e}', file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)
