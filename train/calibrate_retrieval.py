"""Fit the abstention model of qa/answering/abstain.py (retrieval's "do the articles answer?") on held-out training
questions asked through the real retrieval, for the default model and backend. Logistic regression, numpy only.

    .venv/bin/python train/calibrate_retrieval.py [--questions 3000] [--write]

Data: the held-out slice of ``../shared/benchmarks/train`` that the reader's training kept back, with its
augmentations, indexed as :mod:`train.held_out` builds it (a quarter of its contexts left out, IndoSum articles as
distractors). English questions (TyDi QA, XQuAD) stay in: an English question meets Indonesian passages at a lower
cosine. A question is labelled 1 when its own context is in the index and answers it, else 0 (unanswerable,
false premise, or its context left out: the articles do not hold it). Never the dev files, never the seed question
file. The reported AUC and shares are 5-fold cross-validated (folds by question); the final weights are fitted on
all of it; the operating point is the highest threshold that still answers 95% of the questions labelled 1
(cross-validated scores). ``--write`` puts the weights into ``qa/data/calibration/<model-slug>__<backend>.json``
(read by :mod:`qa.models.calibration`) and the summary into ``bench/calibration.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answering import abstain  # noqa: E402
from qa.answering.ask import clean_question, retrieve_hits  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.models.calibration import slug  # noqa: E402
from qa.models.embed import backend_name  # noqa: E402
from qa.models.reader import DATA  # noqa: E402
from train.held_out import context_id, held_out  # noqa: E402
from train.reader import auc  # noqa: E402

log = logging.getLogger("train.calibrate_retrieval")
L2 = 1e-2
ANSWERED_SHARE = 0.95
SUMMARY = ROOT / "bench" / "calibration.json"


def fit(X: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """Logistic regression by Newton's method on [1, X]; returns the coefficients."""
    A = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(A.shape[1])
    penalty = l2 * np.eye(A.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(A @ w, -50, 50)))
        step = np.linalg.solve((A * (p * (1 - p))[:, None]).T @ A + penalty, A.T @ (p - y) + penalty @ w)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_raw(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Coefficients on the raw features (standardised for fitting, then folded back)."""
    mean, std = X.mean(axis=0), X.std(axis=0) + 1e-9
    w = fit((X - mean) / std, y)
    raw = w[1:] / std
    return np.concatenate([[w[0] - float(raw @ mean)], raw])


def predict(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(w[0] + X @ w[1:], -50, 50)))


def check_fit() -> None:
    """The fit recovers known weights on synthetic data (run before every calibration)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 2)) * [1.0, 0.05] + [0.0, 0.8]
    true = np.array([-40.0, 1.5, 50.0])
    y = (rng.random(4000) < 1 / (1 + np.exp(-(true[0] + X @ true[1:])))).astype(float)
    w = fit_raw(X, y)
    if not (np.allclose(w[1:], true[1:], rtol=0.2) and ((predict(w, X) > 0.5) == (y == 1)).mean() > 0.75):
        raise SystemExit(f"the logistic fit does not recover known weights ({w} against {true}); not calibrating")


def kind_of(question_id: str, question: str) -> str:
    if "~" in question_id:
        return re.sub(r"\d+$", "", question_id.split("~")[1])
    return "english" if abstain.english(question) >= 0.2 else "original"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "train")
    p.add_argument("--reader", type=Path, default=DATA, help="whose reader.json records the held-out split")
    p.add_argument("--questions", type=int, default=3000, help="held-out questions asked (a seeded sample)")
    p.add_argument("--work", type=Path, default=Path.home() / ".cache" / "qa" / "train-reader")
    p.add_argument("--write", action="store_true")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    check_fit()
    started = time.time()
    settings = json.loads((args.reader / "reader.json").read_text(encoding="utf-8"))["training"]
    held = held_out(args.data, settings, args.work)
    engine = held.engine
    idf = engine.index.lexical.idf()
    asked = random.Random(settings["seed"] + 7).sample(held.questions, min(args.questions, len(held.questions)))
    log.info("index of %d held-out contexts ready in %.0f s; asking %d questions", len(held.indexed),
             time.time() - started, len(asked))
    rows, labels, kinds, folds = [], [], [], []
    for q in asked:
        text = clean_question(q.question)
        hits, signals = retrieve_hits(engine, text, 5)
        values = abstain.features(signals, text, hits, idf)
        rows.append([values[name] for name in abstain.NAMES])
        labels.append(int(q.answer_start >= 0 and context_id(q.context) in held.indexed))
        kinds.append(kind_of(q.question_id, q.question))
        folds.append(int(hashlib.sha256(q.question_id.encode()).hexdigest(), 16) % 5)
    X, y, kinds, folds = np.array(rows), np.array(labels, dtype=float), np.array(kinds), np.array(folds)
    cv = np.zeros(len(y))
    for fold in range(5):
        cv[folds == fold] = predict(fit_raw(X[folds != fold], y[folds != fold]), X[folds == fold])
    threshold = float(np.quantile(cv[y == 1], 1 - ANSWERED_SHARE))
    w = fit_raw(X, y)

    def report(mask: np.ndarray) -> dict:
        pos, neg = cv[mask & (y == 1)], cv[mask & (y == 0)]
        return {"labelled_1": int(pos.size), "labelled_0": int(neg.size),
                "auc": auc(cv[mask], y[mask]) if pos.size and neg.size else None,
                "answered_when_1": round(float((pos >= threshold).mean()), 4) if pos.size else None,
                "held_back_when_0": round(float((neg < threshold).mean()), 4) if neg.size else None}

    summary = {"features": list(abstain.NAMES),
               "weights": {"bias": round(float(w[0]), 4)} | {n: round(float(v), 4) for n, v in zip(abstain.NAMES, w[1:])},
               "threshold": round(threshold, 4), "questions": int(len(y)),
               "fitted_on": f"held-out training questions (train/calibrate_retrieval.py): {len(held.indexed)} of their "
                            f"contexts indexed with {held.distractors} IndoSum articles; never dev or seed questions",
               "cross_validated": {"all": report(np.ones(len(y), bool))} | {k: report(kinds == k) for k in sorted(set(kinds))},
               "seconds": round(time.time() - started)}
    print(json.dumps(summary, indent=2))
    if args.write:
        backend = backend_name(DEFAULT_MODEL)
        path = ROOT / "qa" / "data" / "calibration" / f"{slug(DEFAULT_MODEL, backend)}.json"
        record = {"model": DEFAULT_MODEL, "backend": backend, "weights": summary["weights"],
                  "threshold": summary["threshold"], "fitted_by": "train/calibrate_retrieval.py",
                  "summary": "bench/calibration.json"}
        path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        SUMMARY.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        log.info("wrote %s and %s", path, SUMMARY)


if __name__ == "__main__":
    main()
