"""The held-out slice of the training pairs as a small corpus, indexed with the project's own build.

Both calibration scripts (:mod:`train.calibrate_reader`, :mod:`train.calibrate_retrieval`) ask held-out training
questions through the real pipeline. This rebuilds the slice the reader's training held back (same seed, hold-out
share and SQuAD share as recorded in ``reader.json``) with its augmentations (false-premise swaps, yes/no, "Siapa
<jabatan>", informal), and indexes a seeded share of its contexts plus held-out IndoSum articles as distractors.
The questions on contexts left out of the index have no answer there (as an off-topic question has none).
Nothing is read from the dev files or from the seed question file.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from qa.config import DEFAULT_MODEL
from qa.index.build import build
from qa.index.engine import Engine, open_engine
from qa.models.embed import make_embedder
from train.augment import generate
from train.reader_data import Pair, split_news, training_pairs


@dataclass(frozen=True)
class HeldOut:
    """The held-out questions (augmentations included), the contexts indexed and the engine over them."""

    questions: list[Pair]
    indexed: frozenset[str]  # context ids (:func:`context_id`) in the index
    engine: Engine
    distractors: int


def context_id(text: str) -> str:
    """The doc id a held-out context gets in the index."""
    return "ctx-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def held_out(data: Path, training: dict, work: Path, indexed_share: float = 0.75, distractors: int = 150) -> HeldOut:
    """The held-out slice of ``data`` (``../shared/benchmarks/train``) as ``training`` (``reader.json``'s
    ``training`` record) held it back, with an index under ``work`` (kept, and reused while its corpus is the same)."""
    seed, holdout = training["seed"], training["holdout"]
    files = sorted(data.glob("*.jsonl"))
    _, _, held = training_pairs(files, training.get("squad_share", 1.0), training.get("limit", 0), holdout, seed)
    _, news_held = split_news(data, holdout)
    held += [pair for _, pair in generate(held, news_held, seed + 1, per_kind=250)]
    rng = random.Random(seed)
    contexts = sorted({q.context for q in held})
    contexts = sorted(rng.sample(contexts, int(len(contexts) * indexed_share)))
    digest = hashlib.sha256("".join(contexts).encode()).hexdigest()[:10]
    source, root = work / f"calibration-source-{digest}.jsonl", work / f"calibration-index-{digest}"
    work.mkdir(parents=True, exist_ok=True)
    if not source.is_file():
        cut_from = {q.question_id.split("~")[0] for q in held}  # news a yes/no or role question was cut from
        lines = [{"doc_id": context_id(text), "title": " ".join(text.split()[:8]), "text": text} for text in contexts]
        lines += [{"doc_id": doc_id, "title": doc_id, "text": text}
                  for doc_id, text in [n for n in news_held if n[0] not in cut_from][:distractors]]
        partial = source.with_suffix(".partial")
        partial.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        partial.replace(source)
    embedder = make_embedder(DEFAULT_MODEL)
    build([source], root, embedder, progress=False)
    return HeldOut(held, frozenset(context_id(text) for text in contexts), open_engine(root, embedder), distractors)
