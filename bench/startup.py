"""Cold start of `qa ask` and `qa serve` in fresh processes, import cost, and peak memory while serving."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import first_start  # noqa: E402,F401  (the first-start run the test uses too)
QUESTION = "Siapa Ketua Bawaslu Jawa Tengah?"


def _env(backend: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env["PYTHONPATH"] = str(ROOT)
    if backend:
        env["QA_BACKEND"] = backend
    return env


def cold_ask(index: Path, backend: str, runs: int = 3) -> float:
    """Median wall seconds of `python -m qa ask` in a fresh process, up to the printed answer."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "qa", "-q", "ask", QUESTION, "--index", str(index)],
                              capture_output=True, text=True, env=_env(backend), cwd=ROOT, timeout=300)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"qa ask failed: {done.stderr.strip()}")
    return sorted(times)[len(times) // 2]


def import_profile(index: Path, backend: str, top: int = 6) -> tuple[float, list[tuple[str, float]]]:
    """Seconds to import and answer through the ask path, and the slowest top-level imports (-X importtime)."""
    code = ("from qa.cli import main; import sys; sys.exit(main(['-q', 'ask', 'ASN netral', '--index', sys.argv[1]]))")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, str(index)], capture_output=True,
                          text=True, env=_env(backend), cwd=ROOT, timeout=300)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match and not match.group(2).startswith(" "):  # top-level packages only
            rows.append((match.group(2).strip(), int(match.group(1)) / 1e6))
    total = sum(seconds for _, seconds in rows)
    return total, sorted(rows, key=lambda r: -r[1])[:top]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_serve(index: Path, backend: str, questions: list[str], limit: float = 240.0) -> dict | None:
    """Seconds until `qa serve` shows its page and answers a first question; peak RSS after the questions.

    None when the chat page (qa/app.py) does not exist.
    """
    if not (ROOT / "qa" / "app.py").is_file():
        return None
    from gradio_client import Client

    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "qa", "-q", "serve", "--index", str(index), "--port", str(port)],
                              env=_env(backend), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        page = None
        while page is None and time.perf_counter() - started < limit:
            if server.poll() is not None:
                raise RuntimeError(f"qa serve exited: {server.stderr.read().strip()[-500:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        page = time.perf_counter() - started
            except OSError:
                time.sleep(0.1)
        if page is None:
            raise RuntimeError(f"qa serve did not answer within {limit:.0f} s")
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict(QUESTION, 5, api_name="/ask")
        answered = time.perf_counter() - started
        latencies = []
        for question in questions:
            t0 = time.perf_counter()
            client.predict(question, 5, api_name="/ask")
            latencies.append(time.perf_counter() - t0)
        return {"page_s": page, "first_answer_s": answered, "rss_peak_mib": _rss_peak_mib(server.pid),
                "http_p50_ms": sorted(latencies)[len(latencies) // 2] * 1000 if latencies else None}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def first_start_table(result: dict) -> list[str]:
    """The first start as Markdown: each printed line with when it came and the seconds it states."""
    rows = ["| at (s) | line printed | step time (s) |", "|---:|---|---:|"]
    for at, line in result["lines"]:
        stated = re.search(r" in (\d+\.\d) s", line)
        shown = re.sub(r"/tmp/qa-first-start-[^/]+/home", "~", line).replace("|", "\\|")
        rows.append(f"| {at:.1f} | `{shown}` | {stated.group(1) if stated else ''} |")
    rows.append("")
    rows.append(f"{len(result['lines'])} lines; page up after {result['page_s']:.1f} s; peak resident memory of the "
                f"process tree {result['rss_peak_mib'] / 1024:.2f} GiB; model cache {result['cache_mb']:.0f} MB.")
    return rows


if __name__ == "__main__":
    print("\n".join(first_start_table(first_start())))
