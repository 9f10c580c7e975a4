"""The reader's cost on the seeds, beside retrieval alone, in one run: ask() latency, serving memory, cold `qa ask`.

    .venv/bin/python bench/reader_speed.py [--rounds 3] [--no-write]

- ask() p50 / p95: every seed question (tests/data/seed_questions.jsonl) asked ``--rounds`` times through one
  open engine, reader on and off alternating per question (so both see the same machine load), and beside them the
  baseline: a plain sentence-transformers encode of the question (fp32) and a flat FAISS search of the same vectors.
- Serving memory: a fresh process opens the engine as `qa serve` does, asks 30 questions, and reports its RSS
  (VmRSS) and peak (VmHWM), reader on and off.
- Cold `qa ask`: a fresh `python -m qa ask` up to the printed answer (model folder and exports already cached).
Writes the ``reader-speed`` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
MEMORY = """
import json, sys
from qa.answering.ask import answer_with
from qa.config import DEFAULT_MODEL
from qa.index.engine import engine_for
engine = engine_for(sys.argv[1], DEFAULT_MODEL, reader=sys.argv[2] == "1")
for row in map(json.loads, open(sys.argv[3], encoding="utf-8").read().splitlines()[:30]):
    answer_with(engine, row["question"], k=5)
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
print(json.dumps({"rss_mib": int(status["VmRSS"].split()[0]) / 1024, "peak_mib": int(status["VmHWM"].split()[0]) / 1024}))
"""


def _env(reader: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return env | {"PYTHONPATH": str(ROOT), "QA_READER": "1" if reader else "0"}


def latency(index: Path, rounds: int) -> dict[bool | None, list[float]]:
    """ask() milliseconds with the reader (True), without (False), and the plain baseline (None)."""
    import faiss

    from qa.answering.ask import answer_with
    from qa.config import DEFAULT_MODEL
    from qa.index.engine import engine_for
    from qa.index.vectors import vector_matrix
    from qa.models import model as model_files

    engine = engine_for(index, DEFAULT_MODEL, reader=True)
    plain = model_files.load(DEFAULT_MODEL)
    flat = faiss.IndexFlatIP(engine.index.vectors.d)
    flat.add(np.ascontiguousarray(vector_matrix(engine.index.vectors), dtype=np.float32))

    def baseline(question: str) -> None:
        vector = plain.encode([question], prompt="query: ", normalize_embeddings=True, convert_to_numpy=True)
        flat.search(np.ascontiguousarray(vector, dtype=np.float32), 5)

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    for question in questions[:5]:  # warm-up
        answer_with(engine, question, k=5)
    for question in questions[:5]:
        baseline(question)
    times: dict[bool | None, list[float]] = {True: [], False: [], None: []}
    for _ in range(rounds):
        for question in questions:
            for reader in (True, False, None):
                started = time.perf_counter()
                answer_with(engine, question, k=5, reader=reader) if reader is not None else baseline(question)
                times[reader].append((time.perf_counter() - started) * 1000)
    return times


def memory(index: Path, reader: bool) -> dict:
    done = subprocess.run([sys.executable, "-c", MEMORY, str(index), "1" if reader else "0", str(QUESTIONS)],
                          capture_output=True, text=True, env=_env(reader), cwd=ROOT, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_ask(index: Path, reader: bool, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qa", "-q", "ask", "Siapa Ketua Bawaslu Jawa Tengah?", "--index", str(index)],
                       capture_output=True, text=True, env=_env(reader), cwd=ROOT, timeout=300, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from qa.config import DEFAULT_MODEL
    from qa.index.build import build
    from qa.models.embed import make_embedder

    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build([ROOT / "seeds"], index, make_embedder(DEFAULT_MODEL), progress=False)
        times = latency(index, args.rounds)
        base = statistics.median(times[None])
        rows = []
        for reader in (False, True):
            ms = sorted(times[reader])
            mem = memory(index, reader)
            rows.append(["reader on" if reader else "retrieval only", len(ms), statistics.median(ms),
                         ms[int(0.95 * (len(ms) - 1))], mem["rss_mib"], mem["peak_mib"], cold_ask(index, reader)])
    body = "\n".join([
        f"Measured by `bench/reader_speed.py` on {machine()}.", "",
        f"ask() over the {len(times[True]) // args.rounds} seed questions × {args.rounds} rounds in one process, reader on "
        "and off alternating per question; RSS of a fresh process that opened the engine and asked 30 questions; "
        "cold `qa ask`: a fresh process up to the printed answer (exports cached), median of 3.", "",
        table(["mode", "asks", "ask() p50 ms", "p95 ms", "RSS MiB", "peak RSS MiB", "cold qa ask s"], rows), "",
        f"Baseline in the same loop, a plain sentence-transformers encode (fp32) and a flat FAISS search: p50 "
        f"{base:.1f} ms; ask() p50 with the reader is {rows[1][2] / base:.1f}× that, without it {rows[0][2] / base:.1f}×."])
    print(body)
    if not args.no_write:
        write_section("reader-speed", body)


if __name__ == "__main__":
    main()
