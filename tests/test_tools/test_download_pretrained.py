"""tools/download_pretrained.py (``ftplugin.utils.download.main``) against a
local HTTP server on 127.0.0.1.

The server serves a random 300 kB "checkpoint", honours ``Range`` (or not,
per test) and can cut the first response short to simulate a dropped
connection. Nothing here talks to any other address.
"""
import hashlib
import http.server
import re
import threading

import numpy as np
import pytest

from ftplugin.utils.download import expected_hash, main

PAYLOAD = np.random.default_rng(0).bytes(300_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()
NAME = f'model_20220901-{SHA[:8]}.pth'


class Handler(http.server.BaseHTTPRequestHandler):
    honour_range = True
    cut_first_after = None  # bytes sent before dropping the first reply
    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        rng = self.headers.get('Range')
        Handler.requests.append(rng)
        if self.path.lstrip('/') not in (NAME, 'plain.pth'):
            self.send_error(404)
            return
        start = 0
        match = re.fullmatch(r'bytes=(\d+)-', rng or '')
        if match and Handler.honour_range:
            start = int(match.group(1))
            if start >= len(PAYLOAD):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header('Content-Range', f'bytes {start}-'
                             f'{len(PAYLOAD) - 1}/{len(PAYLOAD)}')
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        cut = Handler.cut_first_after
        if cut is not None:
            Handler.cut_first_after = None
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    Handler.requests = []
    Handler.honour_range = True
    Handler.cut_first_after = None
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def tool(capsys):
    """``tool(*args)``: exit status and stdout + stderr of the download
    tool's ``main``, run in this process."""

    def run(*args):
        with pytest.raises(SystemExit) as info:
            main([str(a) for a in args])
        out = capsys.readouterr()
        return info.value.code, out.out + out.err

    return run


def run(tool, *args) -> int:
    return tool(*args)[0]


def test_downloads_and_verifies_the_name_hash(server, tool, tmp_path):
    assert run(tool, '--url', f'{server}/{NAME}', '--out-dir', tmp_path) == 0
    assert (tmp_path / NAME).read_bytes() == PAYLOAD
    assert not (tmp_path / f'{NAME}.part').exists()
    # a valid file is kept, not fetched again
    assert run(tool, '--url', f'{server}/{NAME}', '--out-dir', tmp_path) == 0
    assert len(Handler.requests) == 1


def test_sha256_mismatch_is_refused(server, tool, tmp_path):
    wrong = ('0' if SHA[0] != '0' else '1') + SHA[1:]
    code, out = tool('--url', f'{server}/plain.pth', '--sha256', wrong,
                     '--out-dir', tmp_path)
    assert code == 1
    assert 'does not match' in out
    assert not (tmp_path / 'plain.pth').exists()
    assert not (tmp_path / 'plain.pth.part').exists()
    # no hash known at all: refused too, before downloading anything
    code, out = tool('--url', f'{server}/plain.pth', '--out-dir', tmp_path)
    assert code == 1 and 'no sha256 known' in out
    assert len(Handler.requests) == 1
    # the full sha256 is accepted
    assert run(tool, '--url', f'{server}/plain.pth', '--sha256', SHA,
               '--out-dir', tmp_path) == 0
    assert (tmp_path / 'plain.pth').read_bytes() == PAYLOAD


def test_resumes_a_partial_file_with_range(server, tool, tmp_path):
    (tmp_path / f'{NAME}.part').write_bytes(PAYLOAD[:123_456])
    assert run(tool, '--url', f'{server}/{NAME}', '--out-dir', tmp_path) == 0
    assert Handler.requests == ['bytes=123456-']
    assert (tmp_path / NAME).read_bytes() == PAYLOAD


def test_resumes_after_a_dropped_connection(server, tool, tmp_path):
    Handler.cut_first_after = 100_000
    assert run(tool, '--url', f'{server}/{NAME}', '--out-dir', tmp_path) == 0
    assert Handler.requests[0] is None
    assert Handler.requests[-1] == 'bytes=100000-'
    assert (tmp_path / NAME).read_bytes() == PAYLOAD


def test_server_without_range_restarts_from_zero(server, tool, tmp_path):
    Handler.honour_range = False
    (tmp_path / f'{NAME}.part').write_bytes(b'garbage' * 10)
    assert run(tool, '--url', f'{server}/{NAME}', '--out-dir', tmp_path) == 0
    assert (tmp_path / NAME).read_bytes() == PAYLOAD


def test_downloads_what_a_config_names(server, tool, tmp_path, repo_root):
    cfg = repo_root / 'configs/thermal/slowfast_r50_thermal_finetune.py'
    dest = tmp_path / 'ckpts' / NAME
    assert run(tool, cfg, '--cfg-options', f'pretrained_url={server}/{NAME}',
               f'load_from={dest}') == 0
    assert dest.read_bytes() == PAYLOAD
    # the config itself names a model-zoo file whose name carries its hash
    from mmengine.config import Config
    real = Config.fromfile(str(cfg))
    assert real.pretrained_url.startswith('https://download.openmmlab.com/')
    assert real.load_from == 'checkpoints/' + real.pretrained_url.rsplit(
        '/', 1)[1]
    assert expected_hash(real.pretrained_url, None) == '701b0f6f'
