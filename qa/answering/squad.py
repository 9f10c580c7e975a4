"""SQuAD 2.0 files: read them, read each question with its own paragraph, score the answers as the official script does.

The metric is the one of the "Official evaluation script for SQuAD version 2.0" (``evaluate-v2.0.py``,
Rajpurkar, Jia and Liang 2018, distributed with the SQuAD 2.0 data on the SQuAD explorer site, CC BY-SA 4.0),
re-implemented here function by function (its names in the docstrings) because no package on PyPI ships it
for offline use: the Hugging Face ``evaluate`` metric loads its script from the hub, and ``torchmetrics``'
SQuAD metric is the v1.1 one, without unanswerable questions. In short: answers are normalised (lower
case, ASCII punctuation removed, the English articles a/an/the removed, whitespace collapsed); a
question scores the best exact match and the best word-overlap F1 over its gold answers; an unanswerable
question's only gold answer is ``""``, so it scores 1 exactly when the prediction is empty. Scores are
percentages, as the official script prints them.
"""

from __future__ import annotations

import json
import logging
import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

from qa.errors import InputError

logger = logging.getLogger(__name__)

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


@dataclass(frozen=True)
class Question:
    """One question of a SQuAD 2.0 file with its own paragraph; ``answers`` is empty when it has none."""

    qid: str
    question: str
    context: str
    answers: tuple[str, ...]  # gold answer texts, as written in the file

    @property
    def has_answer(self) -> bool:
        """As the official ``make_qid_to_has_ans``: a question with any gold answer listed is answerable."""
        return bool(self.answers)


class Reads(Protocol):
    """What :func:`predict` needs of a reader (:class:`qa.models.reader.Reader` has it): ``read`` and ``threshold``."""

    threshold: float

    def read(self, question: str, passages: Sequence[str]) -> list: ...


def read_squad(path: Path) -> list[Question]:
    """The questions of a SQuAD 2.0 JSON file (``data`` → ``paragraphs`` → ``context``, ``qas`` with ``id``,
    ``question``, ``answers`` [``{"text", "answer_start"}``]; ``is_impossible`` is not needed: as in the official
    script, a question without answers is unanswerable), in file order.

    Raises InputError (one line) for a missing or unreadable file, a malformed record, or a repeated id.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no SQuAD file at {path}; pass a SQuAD 2.0 JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path} ({type(exc).__name__}); pass a readable UTF-8 SQuAD 2.0 JSON file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not JSON ({exc.msg} at line {exc.lineno}); pass a SQuAD 2.0 JSON file") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(f"{path} has no \"data\" list; a SQuAD 2.0 file is {{\"data\": [{{\"paragraphs\": [...]}}]}}")
    questions: list[Question] = []
    for a, article in enumerate(data["data"]):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise InputError(f"{path}: data[{a}] has no \"paragraphs\" list")
        for p, paragraph in enumerate(paragraphs):
            where = f"{path}: data[{a}].paragraphs[{p}]"
            if not isinstance(paragraph, dict) or not isinstance(paragraph.get("context"), str) \
                    or not isinstance(paragraph.get("qas"), list):
                raise InputError(f"{where} needs a \"context\" string and a \"qas\" list")
            for qa in paragraph["qas"]:
                questions.append(_question(qa, paragraph["context"], where))
    if not questions:
        raise InputError(f"{path} holds no questions")
    seen: set[str] = set()
    for q in questions:
        if q.qid in seen:
            raise InputError(f"{path}: question id {q.qid!r} occurs twice; ids must be unique")
        seen.add(q.qid)
    return questions


def _question(qa: object, context: str, where: str) -> Question:
    if not isinstance(qa, dict) or not isinstance(qa.get("id"), str) or not isinstance(qa.get("question"), str):
        raise InputError(f"{where}: a question needs an \"id\" and a \"question\" string")
    answers = qa.get("answers", [])
    if not isinstance(answers, list) or not all(isinstance(x, dict) and isinstance(x.get("text"), str) for x in answers):
        raise InputError(f"{where}: question {qa['id']!r} needs \"answers\" as a list of {{\"text\", \"answer_start\"}}")
    return Question(qid=qa["id"], question=qa["question"], context=context, answers=tuple(x["text"] for x in answers))


def normalize_answer(text: str) -> str:
    """Official ``normalize_answer``: lower case, remove ASCII punctuation, remove a/an/the, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def answer_tokens(text: str) -> list[str]:
    """Official ``get_tokens``: the normalised answer's words (none for an empty answer)."""
    return normalize_answer(text).split() if text else []


def exact(gold: str, prediction: str) -> int:
    """Official ``compute_exact``: 1 when the normalised answers are equal, else 0."""
    return int(normalize_answer(gold) == normalize_answer(prediction))


def f1(gold: str, prediction: str) -> float:
    """Official ``compute_f1``: word-overlap F1 of the normalised answers; 1 or 0 when either is empty (agree or not)."""
    gold_words, predicted = answer_tokens(gold), answer_tokens(prediction)
    if not gold_words or not predicted:
        return float(gold_words == predicted)
    same = sum((Counter(gold_words) & Counter(predicted)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(gold_words)
    return 2 * precision * recall / (precision + recall)


def gold_answers(question: Question) -> list[str]:
    """The answers a prediction is scored against (official ``get_raw_scores``): those that normalise to
    something, or ``[""]`` when none does (an unanswerable question)."""
    return [a for a in question.answers if normalize_answer(a)] or [""]


def _unpunctuated(text: str) -> str:
    return "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)


def holds(span: str, gold: str) -> bool:
    """Whether a shown span holds a gold answer: the gold answer's normalised words stand, in order and together,
    among the span's (not an official SQuAD measure; used for the seed questions' "span holds the answer"). Unlike
    the official normalisation, any Unicode punctuation goes too: a quote's “Mewujudkan Netralitas ASN” holds
    "Mewujudkan Netralitas ASN"."""
    words, wanted = answer_tokens(_unpunctuated(span)), answer_tokens(_unpunctuated(gold))
    return bool(wanted) and any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def score(questions: Sequence[Question], predictions: dict[str, str], na_probs: dict[str, float] | None = None,
          na_prob_thresh: float = 1.0) -> dict[str, float | int]:
    """The official script's output for these predictions (``{id: answer text}``, ``""`` for no answer):
    ``exact``, ``f1``, ``total``, then ``HasAns_*`` and ``NoAns_*`` where such questions exist (percentages, counts).
    With ``na_probs`` (``{id: probability of no answer}``), a question whose probability exceeds ``na_prob_thresh``
    counts as predicted empty (official ``apply_no_ans_threshold``; the default 1.0 changes nothing), and
    ``best_exact``, ``best_exact_thresh``, ``best_f1``, ``best_f1_thresh`` are added (official ``find_best_thresh``).

    Raises InputError when a question has no prediction (the official script would stop on it too).
    """
    missing = [q.qid for q in questions if q.qid not in predictions]
    if missing:
        raise InputError(f"questions without a prediction: {len(missing)} (the first: {missing[0]!r}); predict every id")
    has_answer = {q.qid: q.has_answer for q in questions}
    exact_raw = {q.qid: max(exact(a, predictions[q.qid]) for a in gold_answers(q)) for q in questions}
    f1_raw = {q.qid: max(f1(a, predictions[q.qid]) for a in gold_answers(q)) for q in questions}
    probs = na_probs if na_probs is not None else dict.fromkeys(predictions, 0.0)
    exact_scores, f1_scores = (_threshold(raw, probs, has_answer, na_prob_thresh) for raw in (exact_raw, f1_raw))
    result = _summary(exact_scores, f1_scores, list(has_answer))
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        subset = [qid for qid, has in has_answer.items() if has == wanted]
        if subset:
            result |= {f"{prefix}_{k}": v for k, v in _summary(exact_scores, f1_scores, subset).items()}
    if na_probs is not None:
        result["best_exact"], result["best_exact_thresh"] = _best_threshold(predictions, exact_raw, na_probs, has_answer)
        result["best_f1"], result["best_f1_thresh"] = _best_threshold(predictions, f1_raw, na_probs, has_answer)
    return result


def _threshold(scores: dict[str, float], na_probs: dict[str, float], has_answer: dict[str, bool],
               thresh: float) -> dict[str, float]:
    """Official ``apply_no_ans_threshold``: above the threshold a question counts as answered "no answer"."""
    return {qid: float(not has_answer[qid]) if na_probs[qid] > thresh else s for qid, s in scores.items()}


def _summary(exact_scores: dict[str, float], f1_scores: dict[str, float], qids: list[str]) -> dict[str, float | int]:
    """Official ``make_eval_dict``: mean scores over ``qids`` as percentages, and their number."""
    total = len(qids)
    return {"exact": 100.0 * sum(exact_scores[q] for q in qids) / total,
            "f1": 100.0 * sum(f1_scores[q] for q in qids) / total, "total": total}


def _best_threshold(predictions: dict[str, str], scores: dict[str, float], na_probs: dict[str, float],
                    has_answer: dict[str, bool]) -> tuple[float, float]:
    """Official ``find_best_thresh``: the best score reachable by one no-answer threshold, and that threshold."""
    current = best = sum(not has for has in has_answer.values())
    best_thresh = 0.0
    for qid in sorted(na_probs, key=lambda k: na_probs[k]):
        if qid not in scores:
            continue
        current += scores[qid] if has_answer[qid] else (-1 if predictions[qid] else 0)
        if current > best:
            best, best_thresh = current, na_probs[qid]
    return 100.0 * best / len(scores), best_thresh


def predict(reader: Reads, questions: Sequence[Question]) -> tuple[dict[str, str], dict[str, float]]:
    """Read each question with its own paragraph: ``({id: answer text}, {id: 1 - probability})``.

    The answer is the reader's span, or ``""`` when its calibrated probability is under its threshold or it marks
    no span: the reader alone, as SQuAD scores readers (the answer page also drops a span that does not fit the
    question's type, :mod:`qa.answering.question_type`; that check is not applied here). One read per question.
    """
    predictions, na_probs = {}, {}
    logger.info("reading %d questions, each with its own paragraph", len(questions))
    for n, q in enumerate(questions, start=1):
        reading = reader.read(q.question, [q.context])[0]
        answered = reading.probability >= reader.threshold and reading.end > reading.start
        predictions[q.qid] = q.context[reading.start:reading.end] if answered else ""
        na_probs[q.qid] = round(1.0 - reading.probability, 6)
        if n % 200 == 0:
            logger.info("read %d of %d", n, len(questions))
    return predictions, na_probs


def write_json(path: Path, mapping: dict) -> Path:
    """Write ``mapping`` as UTF-8 JSON (SQuAD's predictions and na-probs files); InputError when it cannot."""
    path = Path(path)
    try:
        path.write_text(json.dumps(mapping, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror or type(exc).__name__}); pass a writable file path") from None
    return path


def check_writable(path: Path) -> None:
    """Fail before any reading when ``path``'s folder does not exist (InputError)."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")


def format_scores(result: dict[str, float | int]) -> str:
    """The scores one per line, as the official script names them (percentages to two places, thresholds to four)."""
    return "\n".join(f"{name:18}{value:>8}" if isinstance(value, int)
                     else f"{name:18}{value:>8.4f}" if name.endswith("_thresh") else f"{name:18}{value:>8.2f}"
                     for name, value in result.items())
