"""Answer quality on a question file: recall@k, MRR@10, the answer span and quote, and abstention quality."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.answering.ask import answer_with
from qa.answering.squad import holds
from qa.errors import InputError
from qa.index.engine import Engine

MODES = {"hybrid": None, "dense": 1.0, "lexical": 0.0}


@dataclass(frozen=True)
class Report:
    """Quality over one question file; abstention figures are None without unanswerable questions."""

    questions: int
    answerable: int
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    unanswerable: int
    abstain_precision: float | None
    abstain_recall: float | None
    abstain_auc: float | None
    answer_in_first: float = 0.0  # share of answerable questions whose gold answer is in the first passage
    answer_in_quote: float = 0.0  # ... in the first hit's quote
    answer_exact: float = 0.0  # the first hit's answer span equals the gold answer (normalised), SQuAD style
    answer_f1: float = 0.0  # word overlap F1 of the first hit's answer span with the gold answer

    def to_dict(self) -> dict:
        return asdict(self)


def read_questions(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number} is not valid JSON ({exc.msg}); fix that line") from exc
            if not isinstance(row, dict) or not isinstance(row.get("question"), str):
                raise InputError(f"{path} line {number} has no \"question\" string")
            rows.append(row)
    if not rows:
        raise InputError(f"{path} holds no questions")
    return rows


def gold_ids(row: dict) -> set[str]:
    return set(row.get("gold_doc_ids") or ([row["gold_doc_id"]] if row.get("gold_doc_id") else []))


def auc(positives: list[float], negatives: list[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def normalise(text: str) -> list[str]:
    """SQuAD's answer normalisation: lower case, no punctuation, single spaces, as words."""
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    return re.sub(r"\s+", " ", text).split()


def f1(prediction: str, gold: str) -> float:
    shared = sum((Counter(normalise(prediction)) & Counter(normalise(gold))).values())
    if not shared:
        return 0.0
    precision, recall = shared / len(normalise(prediction)), shared / len(normalise(gold))
    return 2 * precision * recall / (precision + recall)


def evaluate(engine: Engine, rows: list[dict], k: int = 10, mode: str = "hybrid", reader: bool = True) -> Report:
    """Run every question through ``answer_with`` and score the ranking of gold articles and the answer."""
    ranks: list[int | None] = []
    answered_scores, unanswerable_scores, abstained = [], [], []
    spans: list[tuple[bool, bool, float, float]] = []
    for row in rows:
        answer = answer_with(engine, row["question"], k=k, dense_weight=MODES[mode], reader=reader)
        docs = list(dict.fromkeys(hit.doc_id for hit in answer.hits))
        if row.get("answerable", True):
            gold = gold_ids(row)
            ranks.append(next((r for r, d in enumerate(docs, start=1) if d in gold), None))
            answered_scores.append(answer.confidence)
            if row.get("answer") and answer.hits:
                first, wanted = answer.hits[0], str(row["answer"])
                spans.append((wanted.lower() in first.text.lower(), wanted.lower() in first.quote.lower(),
                              float(normalise(first.answer) == normalise(wanted)), f1(first.answer, wanted)))
        else:
            unanswerable_scores.append(answer.confidence)
        abstained.append((not answer.answered, not row.get("answerable", True)))
    n = max(1, len(ranks))

    def recall(cut: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= cut) / n

    said_no = [unanswerable for no, unanswerable in abstained if no]
    m = max(1, len(spans))
    means = [sum(column) / m for column in zip(*spans)] if spans else [0.0] * 4
    unanswerable = len(unanswerable_scores)
    return Report(
        questions=len(rows), answerable=len(ranks), recall_at_1=recall(1), recall_at_5=recall(5), recall_at_10=recall(10),
        mrr_at_10=sum(1 / r for r in ranks if r is not None and r <= 10) / n, unanswerable=unanswerable,
        abstain_precision=(sum(said_no) / len(said_no) if said_no else None) if unanswerable else None,
        abstain_recall=(sum(said_no) / unanswerable) if unanswerable else None,
        abstain_auc=auc([-s for s in unanswerable_scores], [-s for s in answered_scores]),
        answer_in_first=means[0], answer_in_quote=means[1], answer_exact=means[2], answer_f1=means[3],
    )


def judge(row: dict, answer) -> str:
    """The selective measure of one question's answer (``bench/selective.py``): ``right``, ``wrong``, ``not_sure`` or
    ``no_answer``. Right: answered from a gold article, and what is stated holds a gold answer (SQuAD-normalised words,
    in order): the quote when no span is marked; the reader's span, or the quote shown with it when the span covers
    at least half of the gold answer (token F1 ≥ 0.5). Any other answered question is wrong, an answer to an
    unanswerable one included."""
    if not answer.answered:
        return answer.outcome
    answers = row.get("all_answers") or ([row["answer"]] if row.get("answer") else [])
    if not row.get("answerable", True) or not answers or not answer.hits:
        return "wrong"
    top = answer.hits[0]
    from_gold = bool(gold_ids(row) & {top.doc_id, *(c.doc_id for c in top.also_in)})
    if top.answer:
        held = any(holds(top.answer, a) or (holds(top.quote, a) and f1(top.answer, a) >= 0.5) for a in answers)
    else:
        held = any(holds(top.quote, a) for a in answers)
    return "right" if from_gold and held else "wrong"
