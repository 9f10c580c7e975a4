"""Decide whether the articles answer a question at all: a logistic score fitted on held-out training questions.

Features of the question's retrieval (:func:`features`): the best dense cosine, its margin over
the candidates' mean and over the runner-up, the share of the question's informative words
(idf-weighted) found in the best passage and in its quoted sentence, the weight of the heaviest
question word that the best passage lacks, and the share of English function words (an English
question meets Indonesian passages at a lower cosine). They go through a logistic function
whose weights, per model and backend, were fitted by ``train/calibrate_retrieval.py`` and ship as
package data (:mod:`qa.models.calibration`; logistic regression on held-out training questions asked through
the real retrieval: answerable ones on an index holding their context, and unanswerable, false-premise and
English ones, and questions whose context was left out of the index; never the dev files). The threshold is the
operating point chosen there: the highest that still answers 95% of the held-out questions the index answers.
See bench/RESULTS.md. A model without calibration
gets the neutral rule of :data:`qa.models.calibration.NEUTRAL`.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

from qa.answering.quote import prepare, sentence_tokens
from qa.answering.retrieve import Signals
from qa.index.lexical import ENGLISH_FUNCTION_WORDS
from qa.models.calibration import FEATURES, Calibration

NAMES = FEATURES


def coverage(question: str, passage_text: str, idf: dict[str, float]) -> float:
    """Share of the question's informative words (weighted by idf) that the passage contains."""
    return prepare(question, idf).coverage(passage_text)


def features(signals: Signals, question: str, hits: Sequence, idf: dict[str, float]) -> dict[str, float]:
    """The evidence that the best passage answers the question (all 0 when nothing was found)."""
    if not hits:
        return dict.fromkeys(NAMES, 0.0) | {"dense_top": signals.dense_top, "dense_margin": signals.dense_top - signals.dense_mean,
                                            "english": english(question)}
    prepared = prepare(question, idf)
    top = hits[0]
    missing = 0.0
    if prepared.total:
        words = sentence_tokens(top.text)
        lacking = [weight for forms, phrase, weight in prepared.terms
                   if not forms & words and not (phrase and all(p in words for p in phrase))]
        missing = max(lacking, default=0.0) / prepared.total
    return {"dense_top": signals.dense_top, "dense_margin": signals.dense_top - signals.dense_mean,
            "dense_gap": signals.dense_gap,
            "coverage": prepared.coverage(top.text), "quote_coverage": prepared.coverage(top.quote),
            "missing": missing, "english": english(question)}


def english(question: str) -> float:
    """Share of the question's words that are English function words (0 for an Indonesian question)."""
    words = re.findall(r"[a-z]+", question.lower())
    return sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words) if words else 0.0


def score(values: dict[str, float], calibration: Calibration) -> float:
    """The fitted logistic function of the features: a probability-like confidence."""
    weights = calibration.weights
    z = weights["bias"] + sum(weights[name] * values[name] for name in NAMES)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def confidence(signals: Signals, question: str, hits: Sequence, idf: dict[str, float],
               calibration: Calibration) -> float:
    """Probability-like score that the best passage answers the question."""
    return score(features(signals, question, hits, idf), calibration)
