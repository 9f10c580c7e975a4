"""The reader's training data: pairs from the train files, a held-out slice, mined negatives, token windows."""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger("train.reader")


@dataclass(frozen=True)
class Pair:
    """A question with one context; ``answer_start`` is -1 when the context does not answer it."""

    question_id: str
    question: str
    context: str
    answer: str
    answer_start: int
    answers: tuple[str, ...] = ()  # every answer text of the question (to keep them out of mined negatives)


@dataclass(frozen=True)
class Window:
    """One tokenised (question, context) window with its span target in token positions (0, 0 = no answer)."""

    question_id: str
    ids: list[int]
    context_from: int  # token positions of the context inside the window
    context_to: int
    start: int
    end: int
    answerable: bool  # this window holds the answer
    pair_answerable: bool  # the pair's context answers the question (whichever window holds it)


def load_pairs(files: list[Path]) -> list[Pair]:
    pairs = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            answers = tuple(a["text"] for a in row["answers"])
            first = row["answers"][0] if row["answers"] else {"text": "", "start": -1}
            pairs.append(Pair(row["id"], row["question"], row["context"], first["text"], first["start"], answers))
    return pairs


def dev_pairs(folder: Path) -> list[Pair]:
    """A dev set's questions with their gold passages (unanswerable ones with their near-miss passage), for
    reporting only: nothing is fitted on them."""
    corpus = {row["doc_id"]: row["text"] for row in map(json.loads, (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    pairs = []
    for row in map(json.loads, (folder / "questions_dev.jsonl").read_text(encoding="utf-8").splitlines()):
        text = corpus.get(row.get("gold_doc_id") or "")
        if text is None:
            continue
        answer = row.get("answer") or ""
        start = text.find(answer) if answer else -1
        if row.get("answerable", True) and start < 0:
            continue  # the gold answer is not written as such in the passage
        pairs.append(Pair(row["qid"], row["question"], text, answer if start >= 0 else "", start,
                          tuple(row.get("all_answers") or ([answer] if answer else []))))
    return pairs


def holdout_split(pairs: list[Pair], share: float, seed: int) -> tuple[list[Pair], list[Pair]]:
    """Hold back every pair whose context is in a seeded ``share`` of the contexts."""
    contexts = sorted({p.context for p in pairs})
    random.Random(seed).shuffle(contexts)
    held = set(contexts[: int(len(contexts) * share)])
    return [p for p in pairs if p.context not in held], [p for p in pairs if p.context in held]


def training_pairs(files: list[Path], squad_share: float, limit: int, holdout: float,
                   seed: int) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """(all pairs used, training pairs, held-out pairs): ``squad_share`` of the machine-translated SQuAD contexts
    (seeded), then ``limit`` pairs if set, then the held-out slice of ``holdout`` of the contexts."""
    pairs = load_pairs(files)
    squad = sorted({p.context for p in pairs if p.question_id.startswith("squad")})
    random.Random(seed).shuffle(squad)
    dropped = set(squad[int(len(squad) * squad_share):])
    pairs = [p for p in pairs if p.context not in dropped]
    if limit:
        pairs = random.Random(seed).sample(pairs, limit)
    train, held = holdout_split(pairs, holdout, seed)
    log.info("%d pairs (%d squad2 contexts left out): %d for training, %d held out", len(pairs), len(dropped),
             len(train), len(held))
    return pairs, train, held


def split_news(benchmarks_train: Path, holdout: float) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """IndoSum's (doc_id, text) articles for augmentation: the first ``1 - holdout`` for training, the rest held out."""
    path = benchmarks_train.parent / "indosum_news" / "corpus.jsonl"
    if not path.is_file():
        return [], []
    news = [(r["doc_id"], r["text"]) for r in map(json.loads, path.open(encoding="utf-8"))]
    cut = int(len(news) * (1 - holdout))
    return news[:cut], news[cut:]


def mine_negatives(questions: list[Pair], pool: list[Pair], per_question: int, answerable_only: bool) -> list[Pair]:
    """For each question, the contexts of other records that the project's encoder ranks highest and that
    hold none of its answers, as "no answer" pairs."""
    from qa.config import DEFAULT_MODEL
    from qa.models.embed import make_embedder

    chosen = [q for q in questions if q.answer_start >= 0 or not answerable_only]
    if not chosen or per_question <= 0:
        return []
    contexts = sorted({p.context for p in pool})
    embedder = make_embedder(DEFAULT_MODEL)
    log.info("mining negatives: encoding %d contexts and %d questions", len(contexts), len(chosen))
    context_vectors = embedder.encode_passages(contexts)
    question_vectors = embedder.encode_queries([q.question for q in chosen])
    scores = question_vectors @ context_vectors.T
    mined = []
    for row, q in enumerate(chosen):
        taken = 0
        for j in np.argsort(-scores[row])[: 20 + per_question]:
            text = contexts[j]
            if text == q.context or any(a.lower() in text.lower() for a in q.answers if a):
                continue
            mined.append(Pair(q.question_id, q.question, text, "", -1, q.answers))
            taken += 1
            if taken == per_question:
                break
    return mined


def windows(pairs: list[Pair], tokenizer) -> list[Window]:
    """Every window of every pair, with the answer's token span where the window holds all of it."""
    out = []
    for pair in pairs:
        first = tokenizer.encode(pair.question, pair.context)
        answer_end = pair.answer_start + len(pair.answer)
        for encoding in [first, *first.overflowing][:2]:
            seq = encoding.sequence_ids
            context = [i for i, s in enumerate(seq) if s == 1]
            start = end = 0
            if pair.answer_start >= 0:
                offsets = encoding.offsets
                inside = [i for i in context if offsets[i][1] > pair.answer_start and offsets[i][0] < answer_end]
                if inside and offsets[context[0]][0] <= pair.answer_start and offsets[context[-1]][1] >= answer_end:
                    start, end = inside[0], inside[-1]
            out.append(Window(pair.question_id, list(encoding.ids), context[0], context[-1] + 1, start, end,
                              answerable=start > 0, pair_answerable=pair.answer_start >= 0))
    return out
