"""Abstention calibration per model and backend: fitted weights shipped as package data, or a neutral rule.

The weights of :mod:`qa.answering.abstain`'s logistic score depend on the cosines of one model and
backend, so they are stored per pair in ``qa/data/calibration/<model-slug>__<backend>.json``
(written by ``train/calibrate_retrieval.py --write``). A file may say ``{"same_as": "<backend>"}`` to use
the weights fitted on another backend of the same model (the fp32 backends' vectors are within
cosine 0.985 of int8's).

A model and backend without a file get :data:`NEUTRAL`, a rule that does not depend on the
model's cosines: answer when the share of the question's informative words found in the best
passage plus the share found in its quoted sentence reaches 1 (for example half in each). It
is logged once per model and backend.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources

from qa.errors import ModelError

logger = logging.getLogger(__name__)

FEATURES = ("dense_top", "dense_margin", "dense_gap", "coverage", "quote_coverage", "missing", "english")


@dataclass(frozen=True)
class Calibration:
    """The weights of the logistic abstention score and the operating point."""

    name: str  # the file's stem, or "neutral"
    weights: dict[str, float]  # "bias" and one per feature
    threshold: float

    def identity(self) -> str:
        """Name plus a short hash of the weights: what an index records as the calibration in use."""
        digest = hashlib.sha256(json.dumps([self.weights, self.threshold], sort_keys=True).encode()).hexdigest()[:8]
        return f"{self.name}:{digest}"


NEUTRAL = Calibration(name="neutral", weights={"bias": -4.0, **dict.fromkeys(FEATURES, 0.0), "coverage": 4.0,
                                               "quote_coverage": 4.0}, threshold=0.5)


def slug(model: str, backend: str) -> str:
    """The file stem for a model setting and a backend: ``intfloat_multilingual-e5-small__onnx-int8``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_") + "__" + backend


def _read(stem: str) -> dict | None:
    path = resources.files("qa") / "data" / "calibration" / f"{stem}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"calibration file {stem}.json is not valid JSON ({exc}); run train/calibrate_retrieval.py --write") from exc


@functools.lru_cache(maxsize=None)
def calibration_for(model: str, backend: str) -> Calibration:
    """The calibration for a model and backend: its package-data file, or :data:`NEUTRAL` (logged once)."""
    stem = slug(model, backend)
    data = _read(stem)
    if data is not None and "same_as" in data:
        stem = slug(model, data["same_as"])
        data = _read(stem)
    if data is None:
        logger.warning("no abstention calibration for model %s with the %s backend; answering by the neutral "
                       "rule (informative words found in the passage and its quote); fit one with train/calibrate_retrieval.py",
                       model, backend)
        return NEUTRAL
    weights = {k: float(v) for k, v in data["weights"].items()}
    if set(weights) != {"bias", *FEATURES}:
        raise ModelError(f"calibration {stem}.json has weights for {sorted(weights)}, not bias + {', '.join(FEATURES)}; "
                         f"run train/calibrate_retrieval.py --write")
    return Calibration(name=stem, weights=weights, threshold=float(data["threshold"]))
