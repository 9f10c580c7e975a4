"""Load test: a real `qa serve` on 127.0.0.1 under lean HTTP clients (``POST /api/ask``), the server measured.

    .venv/bin/python bench/load.py [--reader] [--clients 40] [--one 50] [--saturate 30] [--room 120] [--every 20]
                                   [--batch] [--workers N] [--compare [--rounds 6]] [--soak 2000 [--soak-every 100]]
    .venv/bin/python bench/load.py --quick          # a check that it works: 10 s of saturation, 30 s of a room

One path per run: retrieval alone (`qa serve --no-reader`) or `--reader` (the served default). Phases, in one run:
(a) one client asking --one questions back to back, and the same questions through ask() in this process;
(b) saturation: --clients clients back to back for --saturate seconds; (c) a room: --clients clients each asking
a random question about every --every seconds for --room seconds. Each phase reports p50/p95 latency,
questions/s, errors, the server's CPU seconds and RSS (from /proc/<pid>) at its start and end, and the client's own
CPU seconds (bench/load_client.py: http.client in threads, one connection a request). The server batches concurrent
model calls with --batch (`qa serve --batch`; off by default); --compare also serves with the other setting: (a) on
both servers, then (b) in --rounds slices alternating between them, so a shared machine's other load falls on both.
--soak N then asks N questions, --clients back to back, and records the server's RSS every --soak-every answers
(first, last, max and the trend). All traffic stays on loopback; every loop is bounded in count and in time. The
section "load" (or "load-reader") of bench/RESULTS.md is rewritten unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from bench.load_client import QUESTIONS, Phase, one_client, room, saturation, soak  # noqa: E402
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


def measured(pid: int, run, serving: str) -> dict:
    """A phase's row with the server's CPU seconds and RSS around it."""
    rss, cpu = rss_mb(pid), cpu_s(pid)
    phase = run()
    return {**phase.row(), "serving": serving, "server_cpu_s": cpu_s(pid) - cpu, "rss_start_mb": rss,
            "rss_end_mb": rss_mb(pid), "first_errors": phase.errors[:3]}


def serve_args(reader: bool, batch: bool, workers: int | None) -> tuple[tuple[str, ...], str]:
    """`qa serve` flags, and how the table names them."""
    flags = ("--reader" if reader else "--no-reader", "--batch" if batch else "--no-batch")
    flags += ("--workers", str(workers)) if workers else ()
    from qa.page.api import BATCH_WORKERS, WORKERS

    return flags, f"batching {'on' if batch else 'off'}, {workers or (BATCH_WORKERS if batch else WORKERS)} workers"


def interleaved(servers: list[tuple[str, str, int]], clients: int, seconds: float, rounds: int) -> list[dict]:
    """Saturation on each (url, serving, pid) in turn, ``rounds`` slices of ``seconds / rounds`` each, the order
    reversed every round (A B, B A, ...), so the load other work puts on a shared machine falls on every server
    alike; one row per server, its slices merged (CPU summed, RSS from its first slice's start to its last's end)."""
    slices: dict[str, list[dict]] = {serving: [] for _, serving, _ in servers}
    phases: dict[str, list[Phase]] = {serving: [] for _, serving, _ in servers}
    for r in range(rounds):
        for url, serving, pid in servers[:: 1 if r % 2 == 0 else -1]:
            slices[serving].append(measured(pid, lambda: phases[serving].append(
                saturation(url, clients, seconds / rounds)) or phases[serving][-1], serving))
    rows = []
    for serving, parts in slices.items():
        merged = Phase(f"saturation ({seconds:g} s{f', {rounds} slices' if rounds > 1 else ''})", clients)
        for phase in phases[serving]:
            merged.latencies += phase.latencies
            merged.errors += phase.errors
            merged.seconds += phase.seconds
            merged.client_cpu_s += phase.client_cpu_s
        rows.append({**merged.row(), "serving": serving, "server_cpu_s": sum(p["server_cpu_s"] for p in parts),
                     "rss_start_mb": parts[0]["rss_start_mb"], "rss_end_mb": parts[-1]["rss_end_mb"],
                     "first_errors": merged.errors[:3]})
    return rows


def load_test(index: Path, reader: bool, args: argparse.Namespace) -> tuple[list[dict], list[tuple[int, float]]]:
    """The rows of every phase (with --compare, both servers' one client and interleaved saturation first) and the
    soak's RSS samples."""
    rows = [{**in_process(index, reader, args.one).row(), "serving": "", "server_cpu_s": None, "rss_start_mb": None,
             "rss_end_mb": None, "first_errors": []}]
    samples: list[tuple[int, float]] = []
    with ExitStack() as stack:  # with --compare both servers are up at once, the one not measured idle
        servers = []
        for batch in ([not args.batch] if args.compare else []) + [args.batch]:
            flags, serving = serve_args(reader, batch, args.workers)
            url, proc = stack.enter_context(server(index, args=flags))
            one_client(url, 3, 60)  # warm-up, not counted
            servers.append((url, serving, proc.pid))
        for url, serving, pid in servers:
            rows.append(measured(pid, lambda: one_client(url, args.one, 300), serving))
        rows += interleaved(servers, args.clients, args.saturate, args.rounds if args.compare else 1)
        url, serving, pid = servers[-1]
        rows.append(measured(pid, lambda: room(url, args.clients, args.room, args.every), serving))
        if args.soak:
            def soaked() -> Phase:
                phase, samples[:] = soak(url, args.clients, args.soak, args.soak_every, lambda: rss_mb(pid))
                return phase
            rows.append(measured(pid, soaked, serving))
    return rows, samples


def soak_line(samples: list[tuple[int, float]], every: int) -> str:
    """The soak's RSS in a sentence: first, last, max, the trend (least squares, MB per 1,000 answers), every sample."""
    if len(samples) < 2:
        return ""
    answers, mb = zip(*samples)
    slope = 1000 * float(np.polyfit(answers, mb, 1)[0])
    half = len(mb) // 2
    flat = max(mb[half:]) - max(mb[:half]) <= 0.01 * mb[0]
    return (f"RSS soak: the server's RSS every {every} answers: first {mb[0]:.0f} MB, last {mb[-1]:.0f} MB, max "
            f"{max(mb):.0f} MB, trend {slope:+.1f} MB per 1,000 answers; "
            f"{'flat' if flat else 'NOT flat'} (the second half's max within 1% of the first half's: "
            f"{max(mb[:half]):.0f} against {max(mb[half:]):.0f} MB). Samples: {', '.join(f'{m:.0f}' for m in mb)}.\n")


def report(rows: list[dict], samples: list[tuple[int, float]], reader: bool, args: argparse.Namespace,
           load_before: float, load_after: float) -> str:
    path = "the reader (`qa serve --reader`, the default)" if reader else "retrieval alone (`qa serve --no-reader`)"
    quick = " A quick run (`--quick`): short phases, figures indicative only." if args.quick else ""
    headers = ["phase", "serving", "clients", "answers", "errors", "questions/s", "p50 ms", "p95 ms", "server CPU s",
               "client CPU s", "server RSS start MB", "server RSS end MB"]
    body = table(headers, [[r["phase"], r["serving"], r["clients"], r["ok"], r["errors"], r["per_second"], r["p50_ms"],
                            r["p95_ms"], r["server_cpu_s"], r["client_cpu_s"], r["rss_start_mb"], r["rss_end_mb"]]
                           for r in rows])
    command = " ".join(["bench/load.py", *sys.argv[1:]])
    return (f"Load test (`{command}`), {path}, on the seeds, over loopback: {machine()}; load average "
            f"{load_before:.1f} at the start, {load_after:.1f} at the end. The machine was shared with other work "
            f"while it ran: timings are noisy, compare rows of one run.{quick}\n\n"
            f"{body}\n\n{soak_line(samples, args.soak_every)}"
            f"{chr(10) if samples else ''}Clients: `POST /api/ask` over http.client, one connection a request, in "
            "threads of the bench process (its CPU is \"client CPU s\"); \"ask() in process\" is the library alone, no "
            f"server. Saturation: {args.clients} clients back to back for {args.saturate:g} s; room: {args.clients} "
            f"clients each asking about every {args.every:g} s for {args.room:g} s. Batching: `qa serve --batch` "
            "(qa/models/batching.py) gathers the reader's forward passes of questions answered at once into one run; "
            "workers: /api/ask answers at once (qa/page/api.py). Latency counts answers (status 200) only.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", action="store_true", help="serve with the reader, as `qa serve` does by default "
                        "(without: retrieval alone, `--no-reader`)")
    parser.add_argument("--clients", type=int, default=40, help="clients in the saturation and room phases")
    parser.add_argument("--one", type=int, default=50, help="questions for one client and for ask() in process")
    parser.add_argument("--saturate", type=float, default=30.0, help="seconds of saturation")
    parser.add_argument("--room", type=float, default=120.0, help="seconds of the room")
    parser.add_argument("--every", type=float, default=20.0, help="seconds between one room client's questions, about")
    parser.add_argument("--batch", action=argparse.BooleanOptionalAction, default=False,
                        help="serve with the model calls batched (`qa serve --batch`; the default, --no-batch, is off)")
    parser.add_argument("--workers", type=int, help="`qa serve --workers N` (default: the server's own)")
    parser.add_argument("--compare", action="store_true",
                        help="also serve with the other --batch setting, in the same run: one client on each, then "
                        "saturation in --rounds slices alternating between the two servers")
    parser.add_argument("--rounds", type=int, default=6, help="saturation slices per server with --compare")
    parser.add_argument("--soak", type=int, default=0, help="then ask this many questions, recording the server's RSS")
    parser.add_argument("--soak-every", type=int, default=100, help="answers between two RSS samples of the soak")
    parser.add_argument("--quick", action="store_true", help="--one 20 --saturate 10 --room 30 --every 5")
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if args.quick:
        args.one, args.saturate, args.room, args.every = 20, 10.0, 30.0, 5.0
    if not (1 <= args.clients <= 200 and 1 <= args.one <= 10_000 and 0 < args.saturate <= 600 and 0 < args.room <= 1800
            and 0 < args.every <= args.room and 0 <= args.soak <= 100_000 and 1 <= args.soak_every and 1 <= args.rounds <= 100
            and (args.workers is None or 1 <= args.workers <= 256)):
        parser.error("use --clients 1..200, --one 1..10000, --saturate up to 600 s, --room up to 1800 s, "
                     "--every between 0 and --room, --soak 0..100000, --soak-every 1 or more, --workers 1..256, --rounds 1..100")
    # Build or refresh the seeds index (a no-op when it is up to date with the current settings).
    subprocess.run([sys.executable, "-m", "qa", "-q", "build", "--index", str(args.index)], cwd=ROOT, check=True)
    load_before = os.getloadavg()[0]
    rows, samples = load_test(args.index, args.reader, args)
    body = report(rows, samples, args.reader, args, load_before, os.getloadavg()[0])
    print(body)
    for row in rows:
        if row["first_errors"]:
            print(f"first errors ({row['phase']}):", *row["first_errors"], sep="\n  ")
    if not args.no_write:
        write_section("load-reader" if args.reader else "load", body)


if __name__ == "__main__":
    main()
