"""What recording each question costs the chat page: ask() through the page with and without the question record.

The page answers a question (``ChatApp.answer``) and then records it (``self.feedback.asked(question, answer,
session)`` in :meth:`qa.app.ChatApp.respond`: one SQLite transaction in WAL mode, :mod:`qa.session.record`). Here
one open seeds engine answers ``--n`` seed questions (tests/data/seed_questions.jsonl, cycled), each twice in the
same run: answered alone, and answered then recorded into a real record file in a fresh temporary folder (on the
same disk as the index unless ``--dir`` says otherwise), the order alternating per question so both see the same
machine load and caches. Reported: p50 / p95 of both, their difference and the median of the per-question
differences, and the record write alone. Paths: ``page`` (the page's answer, reader on as shipped) and
``retrieval`` (retrieval alone, where the same write is a larger share). Writes the ``record-overhead`` section of
RESULTS.md (the issue's bar: recording adds at most 2 ms to ask() p50 through the page)::

    .venv/bin/python bench/record_overhead.py [--n 200] [--paths page,retrieval] [--dir DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from bench.quality import SEED_QUESTIONS, SETS, default_root, index_for  # noqa: E402
from qa.answering.ask import answer_with  # noqa: E402
from qa.answering.evaluate import read_questions  # noqa: E402
from qa.app import ChatApp  # noqa: E402
from qa.page.feedback import Feedback  # noqa: E402
from qa.session.record import Record, record_path  # noqa: E402

PATHS = ("page", "retrieval")
BAR_MS = 2.0
WARMUP = 10
SESSION = "bench-record-overhead"


def percentiles(values: list[float]) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def measure(app: ChatApp, questions: list[str], path: str) -> dict[str, list[float]]:
    """Per question: answered alone, answered and recorded, and the record write alone (ms)."""
    def answer(question: str):
        return app.answer(question, 5) if path == "page" else answer_with(app.engine, question, 5, reader=False)

    def plain(question: str) -> None:
        started = time.perf_counter()
        answer(question)
        times["alone"].append(1000 * (time.perf_counter() - started))

    def recorded(question: str) -> None:
        started = time.perf_counter()
        result = answer(question)
        answered = time.perf_counter()
        if app.feedback.asked(question, result, SESSION) < 1:
            raise SystemExit(f"the record did not take {question!r}; see the log")
        done = time.perf_counter()
        times["recorded"].append(1000 * (done - started))
        times["write"].append(1000 * (done - answered))

    for question in questions[:WARMUP]:  # first calls load what loads lazily; not measured
        answer(question)
    times: dict[str, list[float]] = {"alone": [], "recorded": [], "write": []}
    for number, question in enumerate(questions):
        for step in ((plain, recorded) if number % 2 == 0 else (recorded, plain)):
            step(question)
    return times


def report(results: dict[str, dict[str, list[float]]], n: int, where: str, load: tuple[float, float]) -> str:
    rows = []
    for path, times in results.items():
        alone, recorded, write = (percentiles(times[k]) for k in ("alone", "recorded", "write"))
        paired = float(np.median(np.subtract(times["recorded"], times["alone"])))
        rows.append([path, len(times["alone"]), alone[0], alone[1], recorded[0], recorded[1], recorded[0] - alone[0],
                     paired, write[0], write[1], "yes" if recorded[0] - alone[0] <= BAR_MS else "NO"])
    return "\n".join([
        f"Measured {machine()}.", "",
        f"{n} seed questions (tests/data/seed_questions.jsonl, cycled) through one open seeds engine, each asked "
        "twice in one run, the order alternating per question: answered alone, and answered then recorded as the "
        "page records it (`Feedback.asked` → `Record.add_question`: one SQLite transaction, WAL, a new connection "
        f"per write) into a fresh record file in a temporary folder {where}. page: `ChatApp.answer` (reader on, as "
        f"shipped); retrieval: retrieval alone. Times in ms; {WARMUP} warm-up questions not counted; the bar "
        f"is the issue's: recording adds at most {BAR_MS:g} ms to ask() p50. Load average (1 min) at the start "
        f"{load[0]:.2f}, at the end {load[1]:.2f}: other work on the machine slows the write most (it waits on the "
        "disk), so compare runs on a quiet machine.", "",
        table(["path", "asks", "ask p50", "ask p95", "ask + record p50", "ask + record p95", "p50 difference",
               "median paired difference", "record write p50", "record write p95", f"≤ {BAR_MS:g} ms"], rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="questions measured per path (default 200)")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated: page, retrieval")
    parser.add_argument("--index-root", type=Path, default=default_root())
    parser.add_argument("--dir", type=Path, default=None,
                        help="folder for the temporary record (default: beside the benchmark indexes)")
    parser.add_argument("--no-write", action="store_true", help="print the table without writing RESULTS.md")
    args = parser.parse_args()
    paths = args.paths.split(",")
    if any(path not in PATHS for path in paths) or args.n < 1:
        parser.error(f"--paths takes {', '.join(PATHS)}; --n at least 1")
    engine = index_for(args.index_root, "seeds", SETS["seeds"][1])
    seeds = [row["question"] for row in read_questions(SEED_QUESTIONS)]
    questions = list(itertools.islice(itertools.cycle(seeds), args.n))
    parent = args.dir or args.index_root
    parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="record-overhead-", dir=parent) as folder:
        app = ChatApp(engine)
        app.feedback = Feedback(Record(record_path(Path(folder) / "index")))  # as `qa serve` opens it (qa/app.py)
        results = {path: measure(app, questions, path) for path in paths}
        recorded = len(app.feedback.record.rows())
    expected = sum(len(t["recorded"]) for t in results.values())
    if recorded != expected:
        raise SystemExit(f"the record holds {recorded} questions, {expected} were recorded")
    where = (f"in {args.dir}" if args.dir else
             "beside the benchmark indexes (the disk a page's record shares with its index)")
    text = report(results, args.n, where, (load_before, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        write_section("record-overhead", text)


if __name__ == "__main__":
    main()
