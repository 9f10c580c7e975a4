"""Fit the abstention model of qa/answering/abstain.py for the default model and backend: logistic regression on dev questions, numpy only.

Data (dev files only; the seed question file is kept for testing):
  - IDK-MRC dev on its own corpus: answerable questions (1) and unanswerable ones (0);
  - FacQA dev on its own corpus: answerable (1);
  - bench/data/english_dev.jsonl, 30 of those dev questions put into English by hand, on their corpus (1);
  - off-topic (0): FacQA dev asked of the IDK-MRC corpus and of the seed articles, IDK-MRC dev's
    answerable questions asked of the FacQA corpus and of the seed articles (a fixed sample of each).
The reported AUC and abstention precision/recall are 5-fold cross-validated (folds by question),
so they are not measured on the questions that fitted them. The final weights are fitted on all
of it; the threshold is the one that maximises balanced accuracy (Youden's J) on the
cross-validated scores.

    .venv/bin/python bench/calibrate.py [--index-root DIR] [--write]

``--write`` puts the weights and threshold into the package data of the model and backend,
qa/data/calibration/<model-slug>__<backend>.json (read by qa/models/calibration.py), and the summary
into bench/calibration.json (read by bench/quality.py for RESULTS.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BENCHMARKS  # noqa: E402
from bench.quality import SETS, index_for  # noqa: E402
from qa.answering import abstain  # noqa: E402
from qa.answering.ask import clean_question, retrieve_hits  # noqa: E402
from qa.answering.evaluate import auc, read_questions  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.models.calibration import slug  # noqa: E402
from qa.models.embed import backend_name  # noqa: E402

OFF_TOPIC_SAMPLE = 120  # questions per off-topic pairing
L2 = 1e-2
ANSWERED_SHARE = 0.95
ENGLISH = Path(__file__).resolve().parent / "data" / "english_dev.jsonl"  # 30 dev questions put into English by hand
SUMMARY = Path(__file__).resolve().parent / "calibration.json"


def collect(engine, rows: list[dict], label_of) -> list[tuple[dict, int, str]]:
    """Features of every question's retrieval on an index, with its label and group."""
    idf = engine.index.lexical.idf()
    out = []
    for row in rows:
        text = clean_question(row["question"])
        hits, signals = retrieve_hits(engine, text, 5)
        out.append((abstain.features(signals, text, hits, idf), label_of(row), row["qid"]))
    return out


def fit(X: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """Logistic regression by Newton's method on [1, X]; returns the coefficients."""
    A = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(A.shape[1])
    penalty = l2 * np.eye(A.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(A @ w, -50, 50)))
        gradient = A.T @ (p - y) + penalty @ w
        hessian = (A * (p * (1 - p))[:, None]).T @ A + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def standardised(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean, std = X.mean(axis=0), X.std(axis=0) + 1e-9
    return (X - mean) / std, mean, std


def fit_raw(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Coefficients on the raw features (standardised for fitting, then folded back)."""
    Z, mean, std = standardised(X)
    w = fit(Z, y)
    raw = w[1:] / std
    return np.concatenate([[w[0] - float(raw @ mean)], raw])


def predict(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(w[0] + X @ w[1:], -50, 50)))


def check_fit() -> None:
    """The fit recovers known weights on synthetic data (run before every calibration; was a test in tests/)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 2)) * [1.0, 0.05] + [0.0, 0.8]
    true = np.array([-40.0, 1.5, 50.0])
    y = (rng.random(4000) < 1 / (1 + np.exp(-(true[0] + X @ true[1:])))).astype(float)
    w = fit_raw(X, y)
    if not (np.allclose(w[1:], true[1:], rtol=0.2) and ((predict(w, X) > 0.5) == (y == 1)).mean() > 0.75):
        raise SystemExit(f"the logistic fit does not recover known weights ({w} against {true}); not calibrating")


def default_root() -> Path:
    """Where the benchmark indexes live: ``$QA_BENCH_CACHE/quality`` (default ``~/.cache/qa/bench/quality``)."""
    return Path(os.environ.get("QA_BENCH_CACHE") or Path.home() / ".cache" / "qa" / "bench") / "quality"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-root", type=Path, default=default_root(),
                        help="folder holding the facqa, idkmrc and seeds indexes (built with qa build)")
    parser.add_argument("--write", action="store_true", help="write the weights into qa/data/calibration/")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    check_fit()
    rng = random.Random(13)
    engines = {name: index_for(args.index_root, name, SETS[name][1]) for name in ("facqa", "idkmrc", "seeds")}
    facqa = read_questions(BENCHMARKS / "facqa" / "questions_dev.jsonl")
    idkmrc = read_questions(BENCHMARKS / "idkmrc" / "questions_dev.jsonl")
    idk_answerable = [r for r in idkmrc if r["answerable"]]
    english = read_questions(ENGLISH)
    data = []
    data += [(*d, "idkmrc") for d in collect(engines["idkmrc"], idkmrc, lambda r: int(r["answerable"]))]
    data += [(*d, "facqa") for d in collect(engines["facqa"], facqa, lambda r: 1)]
    for corpus, other in (("facqa", "idkmrc"), ("idkmrc", "facqa")):
        rows = [r for r in english if r["corpus"] == corpus]
        data += [(*d, "english") for d in collect(engines[corpus], rows, lambda r: 1)]
        data += [(*d, "off-topic") for d in collect(engines[other], rows, lambda r: 0)]
    data += [(*d, "off-topic") for d in collect(engines["seeds"], english, lambda r: 0)]
    for rows, index in ((facqa, "idkmrc"), (facqa, "seeds"), (idk_answerable, "facqa"), (idk_answerable, "seeds")):
        sample = rng.sample(rows, min(OFF_TOPIC_SAMPLE, len(rows)))
        data += [(*d, "off-topic") for d in collect(engines[index], sample, lambda r: 0)]
    X = np.array([[values[name] for name in abstain.NAMES] for values, _, _, _ in data])
    y = np.array([label for _, label, _, _ in data], dtype=float)
    groups = np.array([group for _, _, _, group in data])
    folds = np.array([int(hashlib.sha256(qid.encode()).hexdigest(), 16) % 5 for _, _, qid, _ in data])
    cv = np.zeros(len(y))
    for fold in range(5):
        train = folds != fold
        cv[~train] = predict(fit_raw(X[train], y[train]), X[~train])
    # Operating point: the highest threshold that still answers ANSWERED_SHARE of the answerable dev questions
    # (cross-validated scores): a wrong "no answer" hides a right one, a wrong answer still shows its sources.
    threshold = float(np.quantile(cv[y == 1], 1 - ANSWERED_SHARE))
    w = fit_raw(X, y)

    def report(mask: np.ndarray) -> dict:
        pos, neg = cv[mask & (y == 1)], cv[mask & (y == 0)]
        abstained = mask & (cv < threshold)
        said_no = y[abstained] == 0
        return {"answerable": int(len(pos)), "unanswerable": int(len(neg)), "auc": auc(list(-neg), list(-pos)),
                "abstain_precision": float(said_no.mean()) if said_no.size else None,
                "abstain_recall": float((neg < threshold).mean()) if neg.size else None,
                "answered_when_answerable": float((pos >= threshold).mean()) if pos.size else None}

    summary = {"features": list(abstain.NAMES), "weights": {"bias": round(float(w[0]), 4)} |
               {name: round(float(v), 4) for name, v in zip(abstain.NAMES, w[1:])},
               "threshold": round(threshold, 4), "questions": int(len(y)),
               "cross_validated": {"all": report(np.ones(len(y), bool)), "idkmrc": report(groups == "idkmrc"),
                                   "idkmrc+off-topic": report(groups != "facqa"),
                                   "english": report(groups == "english"), "off-topic": report(groups == "off-topic")}}
    print(json.dumps(summary, indent=2))
    if args.write:
        backend = backend_name(DEFAULT_MODEL)
        path = ROOT / "qa" / "data" / "calibration" / f"{slug(DEFAULT_MODEL, backend)}.json"
        record = {"model": DEFAULT_MODEL, "backend": backend, "weights": summary["weights"],
                  "threshold": summary["threshold"], "fitted_by": "bench/calibrate.py", "summary": "bench/calibration.json"}
        path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        SUMMARY.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

if __name__ == "__main__":
    main()
