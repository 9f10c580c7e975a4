"""A real `qa serve` process for tests (and bench/load.py): started on a free loopback port, always stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@contextmanager
def server(index: Path, log_path: Path | None = None, env: dict | None = None,
           startup_timeout: float = 240, args: Sequence[str] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """A `qa serve` subprocess (plus ``args``) on a free loopback port, yielded once its page answers; always stopped."""
    port = free_port()
    env = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}
    log_path = log_path or Path(tempfile.gettempdir()) / f"qa-serve-{port}.log"
    url = f"http://{LOOPBACK}:{port}/"
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "qa", "serve", "--index", str(index), "--host", LOOPBACK,
                                 "--port", str(port), *args], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"qa serve exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
                try:
                    with local.open(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:  # not listening yet (URLError is an OSError)
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"qa serve did not answer within {startup_timeout} s: {log_path.read_text()[-2000:]}")
                time.sleep(0.3)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
