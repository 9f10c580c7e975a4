"""Load test: a real `qa serve` process on 127.0.0.1, concurrent clients through Gradio's API.

    .venv/bin/python bench/load.py [--clients 4] [--questions 500] [--soak 2000] [--index DIR]

Reports throughput, p50/p95 latency and errors for --questions questions, and the server's
RSS before and after --soak more questions. All traffic stays on loopback; every loop is
bounded in count and in time. tests/test_load.py runs a short smoke version of it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from tests.serving import server  # noqa: E402  (the server helper the tests use too)

QUESTIONS = [
    "Siapa Ketua Bawaslu Jawa Tengah?", "Siapa Sekda Jateng?", "Who opened the legal counseling in Bangka Tengah?",
    "Di mana rapat koordinasi netralitas ASN Kemenkumham Jateng digelar?", "asn boleh ikut kampanye gak?",
    "Kapan penyuluhan hukum di Bangka Tengah?", "Apa saja pelanggaran netralitas ASN menurut Sumarno?",
    "Resep rendang daging sapi yang empuk", "Siapa Pj Gubernur Jawa Tengah?", "medsos asn jelang pilkda gmn?",
]
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def run_clients(url: str, clients: int, total: int, time_limit: float) -> dict:
    """Send ``total`` questions from ``clients`` threads (one gradio_client each); bounded by ``time_limit``."""
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        client = Client(url, verbose=False)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                result = client.predict(QUESTIONS[n % len(QUESTIONS)], 5, api_name="/ask")
                if isinstance(result, str):
                    result = json.loads(result)
                if not result.get("hits"):
                    raise ValueError("no hits")
                with lock:
                    latencies.append(time.perf_counter() - started)
            except Exception as exc:  # counted and reported: the load test's job is to surface them
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 30))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"sent": len(latencies) + len(errors), "ok": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "seconds": elapsed, "per_second": len(latencies) / elapsed if elapsed else 0.0,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else None}


def load_test(index: Path, clients: int, questions: int, soak: int, time_limit: float = 900) -> dict:
    with server(index) as (url, proc):
        run_clients(url, 1, 3, 60)  # warm-up, not counted
        rss_before = rss_mb(proc.pid)
        main = run_clients(url, clients, questions, time_limit)
        soaked = run_clients(url, clients, soak, time_limit) if soak else None
        rss_after = rss_mb(proc.pid)
    return {"clients": clients, **main, "rss_before_mb": rss_before, "rss_after_mb": rss_after,
            "soak_questions": soaked["ok"] if soaked else 0, "soak_errors": soaked["errors"] if soaked else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--soak", type=int, default=2000)
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    # Build or refresh the seeds index (a no-op when it is up to date with the current settings).
    subprocess.run([sys.executable, "-m", "qa", "-q", "build", "--index", str(args.index)], cwd=ROOT, check=True)
    r = load_test(args.index, args.clients, args.questions, args.soak)
    body = (f"Load test (`bench/load.py`): {machine()}\n\n"
            + table(["clients", "questions", "errors", "questions/s", "p50 ms", "p95 ms", "RSS before MB",
                     f"RSS after +{r['soak_questions']} MB", "soak errors"],
                    [[r["clients"], r["ok"], r["errors"], r["per_second"], r["p50_ms"], r["p95_ms"], r["rss_before_mb"],
                      r["rss_after_mb"], r["soak_errors"]]])
            + "\n\nTargets: 0 errors, p95 under 1 s on the seeds, no RSS growth beyond noise.\n")
    print(body)
    if r["first_errors"]:
        print("first errors:", *r["first_errors"], sep="\n  ")
    if not args.no_write:
        write_section("load", body)


if __name__ == "__main__":
    main()
