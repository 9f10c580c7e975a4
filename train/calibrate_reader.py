"""Calibrate the reader's "do the articles answer?" decision through the real pipeline, on the backend that ships.

    .venv/bin/python train/calibrate_reader.py [--reader qa/data/reader] [--questions 1500] [--write]

The training script fits its calibration on held-out (question, own context) windows: the reader
never meets retrieval there. This script takes the same held-out slice, indexed (:mod:`train.held_out`), and asks each held-out question through retrieval and
the reader as :func:`qa.answering.ask.answer_with` does (ONNX, the shipped backend). For the hit shown first
it takes the answer logit and span margin, beside the retrieval evidence (:func:`qa.answering.ask.retrieval_confidence`);
the label is whether that passage is the question's own context and answers it. It fits ``sigmoid(a·logit + c·margin + d·retrieval + b)`` on that, sets the threshold to the highest
probability that separates the questions labelled 1 from the rest best (Youden's J), and with ``--write`` stores both in
``reader.json`` under ``decision`` (what :meth:`qa.models.reader.Reader.decide` uses), figures under ``decision.pipeline``.
Indonesian questions only: English ones are decided by retrieval at run time.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answering import abstain  # noqa: E402
from qa.answering.ask import ENGLISH_SHARE, READ, RETRIEVAL_WEIGHT, retrieval_confidence  # noqa: E402
from qa.answering.question import analyse  # noqa: E402
from qa.answering.read import read_candidates  # noqa: E402
from qa.answering.retrieve import DENSE_WEIGHT, search  # noqa: E402
from qa.models.reader import DATA, Reader  # noqa: E402
from train.reader import auc, fit_logistic, no_nan, youden  # noqa: E402
from train.held_out import context_id, held_out  # noqa: E402

log = logging.getLogger("train.calibrate")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "train")
    p.add_argument("--reader", type=Path, default=DATA)
    p.add_argument("--questions", type=int, default=1500, help="held-out questions asked (a seeded sample)")
    p.add_argument("--indexed", type=float, default=0.75, help="share of the held-out contexts put in the index")
    p.add_argument("--distractors", type=int, default=150, help="held-out IndoSum articles added to the index")
    p.add_argument("--work", type=Path, default=Path.home() / ".cache" / "qa" / "train-reader")
    p.add_argument("--write", action="store_true", help="store the calibration in <reader>/reader.json")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    record = json.loads((args.reader / "reader.json").read_text(encoding="utf-8"))
    settings = record["training"]
    started = time.time()
    held = held_out(args.data, settings, args.work, args.indexed, args.distractors)
    engine = replace(held.engine, reader=Reader("onnx", args.reader))
    questions = [q for q in held.questions if abstain.english(q.question) < ENGLISH_SHARE]
    asked = random.Random(settings["seed"]).sample(questions, min(args.questions, len(questions)))
    log.info("index of %d held-out contexts and %d distractor articles ready in %.0f s", len(held.indexed),
             args.distractors, time.time() - started)

    features, labels, kinds = [], [], []
    idf = engine.index.lexical.idf()
    for n, q in enumerate(asked, 1):
        question = analyse(q.question, idf)
        vector = engine.embedder.encode_queries([q.question])[0]
        candidates, signals = search(engine.index, vector, q.question, READ, dense_weight=DENSE_WEIGHT)
        readings = read_candidates(engine, engine.reader, question, candidates[:READ])
        if not readings:
            continue
        retrieved = retrieval_confidence(engine, question, candidates, signals, idf)
        top = max(range(len(readings)), key=lambda i: readings[i].logit + RETRIEVAL_WEIGHT * candidates[i].score)
        passage = engine.index.passages[candidates[top].position]
        features.append((readings[top].logit, readings[top].margin, retrieved))
        labels.append(int(q.answer_start >= 0 and passage.doc_id == context_id(q.context)))
        kinds.append(re.sub(r"\d+$", "", q.question_id.split("~")[1]) if "~" in q.question_id else "original")
        if n % 200 == 0:
            log.info("%d/%d questions asked", n, len(asked))
    x, y = np.array(features), np.array(labels)
    (args.work / "calibration-features.json").write_text(json.dumps({"features": x.tolist(), "labels": y.tolist(),
                                                                     "kinds": kinds}))
    a, c, d, b = fit_logistic(x, y)
    probability = 1 / (1 + np.exp(-(x @ np.array([a, c, d]) + b)))
    threshold = youden(probability, y)
    by_kind = {k: {"questions": int(sum(1 for kk in kinds if kk == k)),
                   "answered": round(float(np.mean([p >= threshold for p, kk in zip(probability, kinds) if kk == k])), 4)}
               for k in sorted(set(kinds))}
    pipeline = {"questions": int(len(y)), "answerable_top_hit": int(y.sum()), "auc": auc(probability, y),
                "answered_when_labelled_1": round(float(np.mean(probability[y == 1] >= threshold)), 4),
                "answered_when_labelled_0": round(float(np.mean(probability[y == 0] >= threshold)), 4),
                "by_kind": by_kind, "index": f"{len(held.indexed)} held-out contexts + {args.distractors} IndoSum articles",
                "backend": engine.reader.backend, "seconds": round(time.time() - started)}
    log.info("decision: a=%.4f c=%.4f d=%.4f b=%.4f threshold=%.4f %s", a, c, d, b, threshold, pipeline)
    if args.write:
        record["decision"] = {"a": float(a), "c": float(c), "d": float(d), "b": float(b), "threshold": threshold,
                              "function": "sigmoid(a * answer logit + c * span margin + d * retrieval confidence + b)",
                              "operating_point": "the probability that best separates held-out questions whose first hit "
                                                 "is their own, answering context from the rest (Youden's J: answered "
                                                 "share of the first minus answered share of the rest, highest)",
                              "fitted_on": "held-out training questions asked through the real pipeline "
                                           "(train/calibrate_reader.py)", "pipeline": pipeline}
        (args.reader / "reader.json").write_text(json.dumps(no_nan(record), indent=1, ensure_ascii=False, allow_nan=False) + "\n")
        log.info("wrote the calibration into %s", args.reader / "reader.json")


if __name__ == "__main__":
    main()
