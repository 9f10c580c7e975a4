"""Decide whether the articles answer a question at all: a calibrated logistic score.

Features of the question's retrieval (best dense cosine, its margin over the runner-up,
the share of the question's informative words found in the best passage) go through a
logistic function whose weights were fitted on dev data by ``bench/calibrate.py``;
``THRESHOLD`` is the operating point chosen there. See bench/RESULTS.md.
"""

from __future__ import annotations

import math
from typing import Sequence

from qa.lexical import tokenize
from qa.retrieve import Signals

# Fitted by bench/calibrate.py (logistic regression); see bench/RESULTS.md for the data and the date.
WEIGHTS = {"bias": -58.0, "dense_top": 70.0, "dense_gap": 0.0, "coverage": 4.0}
THRESHOLD = 0.5


def coverage(question: str, passage_text: str, idf: dict[str, float]) -> float:
    """Share of the question's informative words (weighted by idf) that the passage contains."""
    wanted = set(tokenize(question, expand=False))
    if not wanted:
        return 0.0
    present = set(tokenize(passage_text))
    total = sum(idf.get(w, 1.0) for w in wanted)
    return sum(idf.get(w, 1.0) for w in wanted & present) / total if total else 0.0


def features(signals: Signals, question: str, hits: Sequence, idf: dict[str, float]) -> dict[str, float]:
    return {"dense_top": signals.dense_top, "dense_gap": signals.dense_gap,
            "coverage": coverage(question, hits[0].text, idf) if hits else 0.0}


def confidence(signals: Signals, question: str, hits: Sequence, idf: dict[str, float]) -> float:
    """Probability-like score that the best passage answers the question."""
    values = features(signals, question, hits, idf)
    z = WEIGHTS["bias"] + sum(WEIGHTS[name] * value for name, value in values.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
