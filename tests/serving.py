"""A real `qa serve` process for tests (and bench/load.py): started on a free loopback port, always stopped."""

from __future__ import annotations

import os
import signal
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


def _tree_rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants, MiB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 2**20


def first_start(limit: float = 1200.0, port: int | None = None) -> dict:
    """`qa serve` as a newcomer meets it: an empty HOME (no model cache) and no index, in a copy of the seeds.

    Returns the lines it printed (stdout and stderr, in order) before it was stopped, seconds until the page answers, and the peak
    resident memory of its process tree (sampled every 50 ms).
    """
    import tempfile
    import threading

    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="qa-first-start-") as tmp:
        home, work = Path(tmp) / "home", Path(tmp) / "work"
        home.mkdir()
        work.mkdir()
        (work / "seeds").symlink_to(ROOT / "seeds")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") and k != "XDG_CACHE_HOME"}
        env["PYTHONPATH"] = str(ROOT)
        env["HOME"] = str(home)
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "qa", "serve", "--port", str(port)], env=env, cwd=work,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        lines: list[tuple[float, str]] = []
        reader = threading.Thread(target=lambda: [lines.append((time.perf_counter() - started, line.rstrip("\n")))
                                                  for line in server.stdout], daemon=True)
        reader.start()
        peak, page = 0.0, None
        try:
            while page is None and time.perf_counter() - started < limit:
                peak = max(peak, _tree_rss_mib(server.pid))
                if server.poll() is not None:
                    raise RuntimeError("qa serve exited: " + " | ".join(line for _, line in lines[-5:]))
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.05) as response:
                        if response.status == 200:
                            page = time.perf_counter() - started
                except OSError:
                    time.sleep(0.05)
            if page is None:
                raise RuntimeError(f"qa serve did not answer within {limit:.0f} s")
            while time.perf_counter() - started < limit and not any("ready in" in line for _, line in lines):
                peak = max(peak, _tree_rss_mib(server.pid))  # the warm-up question after the page is up
                time.sleep(0.05)
            time.sleep(0.5)
        finally:
            before_stop = len(lines)  # what follows is the shutdown (Gradio's own "Keyboard interruption" line)
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            reader.join(timeout=5)
        cache = home / ".cache" / "qa"
        cache_mb = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 1e6 if cache.is_dir() else 0.0
        return {"page_s": page, "rss_peak_mib": peak, "lines": lines[:before_stop], "cache_mb": cache_mb}
