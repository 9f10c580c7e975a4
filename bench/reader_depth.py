"""How many candidates the reader should read, and how it should order them (dev sets only).

Each question's 12 best retrieved candidates are read once; the settings are then replayed on
those readings: ``first`` candidates read at once, the rest up to ``depth`` only when none of
the first reaches ``confident``; order by the reader's answer logit plus ``retrieval`` times the
retrieval score. Prints R@1 of the gold article, the ROC AUC of answerable against unanswerable
questions (IDK-MRC), the passages read per question, and the reading time per passage measured
here. Writes the ``reader-depth`` section of bench/RESULTS.md.

    .venv/bin/python bench/reader_depth.py [--sets facqa,idkmrc] [--no-write]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from bench.quality import SETS, default_root, index_for  # noqa: E402
from qa.answering.ask import clean_question  # noqa: E402
from qa.answering.evaluate import auc, gold_ids, read_questions  # noqa: E402
from qa.answering.retrieve import search  # noqa: E402

POOL = 8
SETTINGS = [  # (first, confident, depth, retrieval weight)
    (4, 1.1, 4, 0.0), (8, 1.1, 8, 0.0), (4, 1.1, 4, 20.0), (8, 1.1, 8, 20.0), (8, 1.1, 8, 50.0), (8, 1.1, 8, 100.0),
    (8, 1.1, 8, 200.0), (3, 0.9, 8, 0.0), (3, 0.9, 8, 20.0), (3, 0.9, 8, 50.0), (3, 0.9, 8, 100.0),
]


def collect(engine, rows: list[dict]) -> tuple[list[dict], float]:
    """Per question: the candidates' retrieval scores, doc ids and readings; and seconds per passage read."""
    out, reading_time, read = [], 0.0, 0
    for row in rows:
        text = clean_question(row["question"])
        vector = engine.embedder.encode_queries([text])[0]
        candidates, _ = search(engine.index, vector, text, POOL)
        passages = [engine.index.passages[c.position].text for c in candidates]
        started = time.perf_counter()
        readings = engine.reader.read(text, passages)
        reading_time += time.perf_counter() - started
        read += len(passages)
        out.append({"row": row, "scores": [c.score for c in candidates], "readings": readings,
                    "docs": [engine.index.passages[c.position].doc_id for c in candidates]})
    return out, reading_time / max(1, read)


def replay(collected: list[dict], first: int, confident: float, depth: int, weight: float) -> dict:
    ranks, positive, negative, counts = [], [], [], []
    for item in collected:
        readings = item["readings"][:first]
        if max((r.probability for r in readings), default=0.0) < confident:
            readings = item["readings"][:depth]
        counts.append(len(readings))
        n = len(readings)
        order = sorted(range(n), key=lambda i: -(readings[i].logit + weight * item["scores"][i])) + list(range(n, len(item["docs"])))
        confidence = max((r.probability for r in readings), default=0.0)
        row = item["row"]
        if row.get("answerable", True):
            positive.append(confidence)
            docs = [item["docs"][i] for i in order]
            gold = gold_ids(row)
            ranks.append(next((r for r, d in enumerate(dict.fromkeys(docs), start=1) if d in gold), None))
        else:
            negative.append(confidence)
    return {"R@1": sum(r == 1 for r in ranks) / max(1, len(ranks)), "AUC": auc(positive, negative),
            "read": statistics.mean(counts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="facqa,idkmrc")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions of each set (a quick look)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rows_out, per_passage = [], {}
    for name in args.sets.split(","):
        questions, sources = SETS[name]
        engine = index_for(default_root(), name, sources)
        rows = read_questions(questions)
        collected, per_passage[name] = collect(engine, rows[: args.limit] if args.limit else rows)
        backend = engine.reader.backend  # what engine_for gave the reader (onnx fp32 beside the int8 encoder)
        retrieval = replay(collected, 0, 2.0, 0, 0.0)  # nothing read: retrieval order
        rows_out.append([name, "retrieval only", "", "", "", "", retrieval["R@1"], None, 0.0])
        for first, confident, depth, weight in SETTINGS:
            r = replay(collected, first, confident, depth, weight)
            rows_out.append([name, "reader", first, confident if confident <= 1 else "never", depth, weight, r["R@1"],
                             r["AUC"], r["read"]])
        print(name, "done", flush=True)
    body = "\n".join([
        f"Measured by `bench/reader_depth.py` on {machine()}.", "",
        "Each question's 8 best candidates read once, the settings replayed: `first` read at once, the rest up to "
        "`depth` only when none reaches probability `confident`; order by answer logit + `w` × retrieval score. "
        "AUC: answerable against unanswerable questions (IDK-MRC) by the best probability read. read: passages read "
        "per question." + (f" First {args.limit} questions of each set." if args.limit else ""), "",
        table(["set", "order", "first", "confident", "depth", "w", "R@1", "AUC", "read"], rows_out), "",
        f"Reading time per passage (one question's candidates in one batch, reader on {backend}, 2 threads, shared machine): "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in per_passage.items()) + "."])
    print(body)
    if not args.no_write:
        write_section("reader-depth", body)


if __name__ == "__main__":
    main()
