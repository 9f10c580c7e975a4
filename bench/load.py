"""Load test: a real `qa serve` on 127.0.0.1 under lean HTTP clients (``POST /api/ask``), the server measured.

    .venv/bin/python bench/load.py [--reader] [--clients 40] [--one 50] [--saturate 30] [--room 120] [--every 20]
    .venv/bin/python bench/load.py --quick          # a check that it works: 10 s of saturation, 30 s of a room

One path per run: retrieval alone (`qa serve --no-reader`) or `--reader` (the served default). Phases, in one run:
(a) one client asking --one questions back to back, and the same questions through ask() in this process;
(b) saturation: --clients clients back to back for --saturate seconds; (c) a room: --clients clients each asking
a random question about every --every seconds for --room seconds. Each phase reports p50/p95 latency,
questions/s, errors, the server's CPU seconds and RSS (from /proc/<pid>) at its start and end, and the client's own
CPU seconds (bench/load_client.py: http.client in threads, one connection a request). All traffic stays on
loopback; every loop is bounded in count and in time. The section "load" (or "load-reader") of bench/RESULTS.md
is rewritten unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from bench.load_client import QUESTIONS, Phase, one_client, room, saturation  # noqa: E402
from tests.serving import server  # noqa: E402  (the server helper the tests use too)

TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}; is the server still running?")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def in_process(index: Path, reader: bool, count: int) -> Phase:
    """The same questions through ask() in this process (after one warm-up): no HTTP, no server."""
    from qa import ask

    ask(QUESTIONS[0], k=3, index_dir=index, reader=reader)  # loads the model and the index: not counted
    phase = Phase("ask() in process", 1)
    cpu, started = time.process_time(), time.perf_counter()
    for i in range(count):
        asked = time.perf_counter()
        ask(QUESTIONS[i % len(QUESTIONS)], k=3, index_dir=index, reader=reader)
        phase.latencies.append(time.perf_counter() - asked)
    phase.seconds, phase.client_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    return phase


def measured(pid: int, run) -> dict:
    """A phase's row with the server's CPU seconds and RSS around it."""
    rss, cpu = rss_mb(pid), cpu_s(pid)
    phase = run()
    return {**phase.row(), "server_cpu_s": cpu_s(pid) - cpu, "rss_start_mb": rss, "rss_end_mb": rss_mb(pid),
            "first_errors": phase.errors[:3]}


def load_test(index: Path, reader: bool, clients: int, one: int, saturate: float, room_s: float,
              every: float) -> list[dict]:
    rows = [{**in_process(index, reader, one).row(), "server_cpu_s": None, "rss_start_mb": None, "rss_end_mb": None,
             "first_errors": []}]
    with server(index, args=("--reader" if reader else "--no-reader",)) as (url, proc):
        one_client(url, 3, 60)  # warm-up, not counted
        rows.insert(0, measured(proc.pid, lambda: one_client(url, one, 300)))
        rows.append(measured(proc.pid, lambda: saturation(url, clients, saturate)))
        rows.append(measured(proc.pid, lambda: room(url, clients, room_s, every)))
    return rows


def report(rows: list[dict], reader: bool, args: argparse.Namespace, load_before: float) -> str:
    path = "the reader (`qa serve --reader`, the default)" if reader else "retrieval alone (`qa serve --no-reader`)"
    quick = " A quick run (`--quick`) on a shared machine: short phases, figures indicative only." if args.quick else ""
    headers = ["phase", "clients", "answers", "errors", "questions/s", "p50 ms", "p95 ms", "server CPU s",
               "client CPU s", "server RSS start MB", "server RSS end MB"]
    body = table(headers, [[r["phase"], r["clients"], r["ok"], r["errors"], r["per_second"], r["p50_ms"], r["p95_ms"],
                            r["server_cpu_s"], r["client_cpu_s"], r["rss_start_mb"], r["rss_end_mb"]] for r in rows])
    return (f"Load test (`bench/load.py{' --reader' if reader else ''}{' --quick' if args.quick else ''}`), {path}, "
            f"on the seeds, over loopback: {machine()}; load average {load_before:.1f} at the start.{quick}\n\n"
            f"{body}\n\nClients: `POST /api/ask` over http.client, one connection a request, in threads of the bench "
            "process (its CPU is \"client CPU s\"); \"ask() in process\" is the library alone, no server. "
            f"Saturation: {args.clients} clients back to back for {args.saturate:g} s; room: {args.clients} clients "
            f"each asking about every {args.every:g} s for {args.room:g} s. Latency counts answers (status 200) only.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", action="store_true", help="serve with the reader, as `qa serve` does by default "
                        "(without: retrieval alone, `--no-reader`)")
    parser.add_argument("--clients", type=int, default=40, help="clients in the saturation and room phases")
    parser.add_argument("--one", type=int, default=50, help="questions for one client and for ask() in process")
    parser.add_argument("--saturate", type=float, default=30.0, help="seconds of saturation")
    parser.add_argument("--room", type=float, default=120.0, help="seconds of the room")
    parser.add_argument("--every", type=float, default=20.0, help="seconds between one room client's questions, about")
    parser.add_argument("--quick", action="store_true", help="--one 20 --saturate 10 --room 30 --every 5")
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if args.quick:
        args.one, args.saturate, args.room, args.every = 20, 10.0, 30.0, 5.0
    if not (1 <= args.clients <= 200 and 1 <= args.one <= 10_000 and 0 < args.saturate <= 600 and 0 < args.room <= 1800
            and 0 < args.every <= args.room):
        parser.error("use --clients 1..200, --one 1..10000, --saturate up to 600 s, --room up to 1800 s, "
                     "--every between 0 and --room")
    # Build or refresh the seeds index (a no-op when it is up to date with the current settings).
    subprocess.run([sys.executable, "-m", "qa", "-q", "build", "--index", str(args.index)], cwd=ROOT, check=True)
    load_before = os.getloadavg()[0]
    rows = load_test(args.index, args.reader, args.clients, args.one, args.saturate, args.room, args.every)
    body = report(rows, args.reader, args, load_before)
    print(body)
    for row in rows:
        if row["first_errors"]:
            print(f"first errors ({row['phase']}):", *row["first_errors"], sep="\n  ")
    if not args.no_write:
        write_section("load-reader" if args.reader else "load", body)


if __name__ == "__main__":
    main()
