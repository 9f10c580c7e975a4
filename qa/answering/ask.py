"""``ask()``: a question in, the best passages with citations out, and an honest "no answer"."""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import replace
from typing import Sequence

from qa import config
from qa.answering import abstain, decide, followup, verdict, verify
from qa.answering.question import Analysis, analyse
from qa.answering.outcome import sentences_on, settle
from qa.answering.question_type import fits
from qa.answering.quote import best_sentence, widened
from qa.answering.read import marked_span, read_once
from qa.answering.results import Answer, Citation, Hit, add_distinct
from qa.answering.retrieve import DENSE_WEIGHT, Signals, search
from qa.errors import FATAL, AnswerError, InputError, QAError, describe
from qa.index.engine import Engine, engine_from_settings
from qa.index.lexical import standard
from qa.models.reader import Reader, Reading

logger = logging.getLogger(__name__)

MAX_K = 100
READ = 4  # candidates the reader reads per question: dev R@1 as with 8, half the time (bench/RESULTS.md: reader depth)
RETRIEVAL_WEIGHT = 20.0  # read candidates are ordered by answer logit + this × retrieval score (same table)
ENGLISH_SHARE = 0.2  # a question with this share of English function words is decided by the retrieval evidence


def clean_question(question: object) -> str:
    """The question with control characters removed, or an InputError saying what is wrong."""
    if not isinstance(question, str):
        raise InputError(f"question must be text, not {type(question).__name__}")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in question).strip()
    if not text:
        raise InputError("the question is empty; type a question about the articles")
    if len(text) > config.MAX_QUESTION_CHARS:
        raise InputError(f"the question has {len(text)} characters; the limit is {config.MAX_QUESTION_CHARS}, shorten it")
    if not any(ch.isalnum() for ch in text):
        raise InputError("the question has no letters or digits; type a question in words")
    return " ".join(text.split())


def check_k(k: object) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise InputError(f"k={k!r} is not a whole number from 1 to {MAX_K}; ask for between 1 and {MAX_K} passages")
    return k


def answer_with(engine: Engine, question: str, k: int = 5, dense_weight: float | None = None,
                vector=None, reader: bool = True, checks: bool = True,
                history: Sequence[followup.Turn] | None = None) -> Answer:
    """Answer with an already open engine (the chat page and the benchmarks hold one).

    Retrieval finds the candidates; when the engine has a reader (and ``reader`` is True), the
    reader reads the best of them, reorders them by its answer score (with the retrieval score
    beside it), marks the answer span in each passage that answers, and, for a question in
    Indonesian, decides whether the articles answer at all.
    ``dense_weight`` overrides the fusion weight (1.0 dense only, 0.0 lexical only) for evaluation.
    ``vector`` is the cleaned question's embedding when the caller encoded several questions at once.
    ``checks=False`` states what the decision alone would (no verification: :mod:`qa.answering.verify`), only for
    ``bench/selective.py`` to measure the checks against the path without them in one run.
    ``history``: the conversation so far, oldest first, as questions or (question, Answer) pairs; a follow-up
    ("Kalau X?", "Kapan itu?") is answered as :mod:`qa.answering.followup` resolves it, and ``Answer.asked`` keeps
    it as typed.
    """
    text, k, turns = clean_question(question), check_k(k), followup.turns(history, clean_question)
    try:
        if turns:
            understood = followup.understand(text, turns, lambda q: _answer(engine, q, k, None, None, reader, checks))
            if understood.followup:
                answer = _answer(engine, understood.question, k, dense_weight, None, reader, checks)
                return replace(answer, asked=text)
        return _answer(engine, text, k, dense_weight, vector, reader, checks)
    except (QAError, *FATAL):
        raise
    except BaseException as exc:  # whatever else fails inside (a tokenizer's Rust panic is not an Exception)
        raise AnswerError(f"answering failed inside the library ({describe(exc)}); please report it with the "
                          f"question, or answer without the reader (reader=False, qa ask --no-reader)") from exc


def _answer(engine: Engine, text: str, k: int, dense_weight: float | None, vector, reader: bool,
            checks: bool = True) -> Answer:
    """Retrieval's answer; with the reader on, retrieval's and the reader's, and the stated one as
    :mod:`qa.answering.decide` chooses (with ``checks=False``, the reader's decision alone)."""
    active = engine.reader if reader else None
    asked = analyse(text, engine.index.lexical.idf())
    if active is not None and asked.english >= ENGLISH_SHARE:
        active = None  # the reader is calibrated on Indonesian questions: an English one is decided by retrieval
    vector = engine.embedder.encode_queries([standard(text)])[0] if vector is None else vector
    if active is None or not checks:
        return _path(engine, asked, k, dense_weight, vector, active, checks)[0]
    known: dict = {}  # each passage read once
    plain, first = _path(engine, asked, k, dense_weight, vector, None, checks, veto=active, known=known)  # its 1st
    if decide.retrieval_stands(plain, first, asked.decided_as) and not decide.elsewhere(
            plain, marked_span(engine, known, plain.hits[0].passage_id, active.decision_threshold), asked.decided_as):
        return decide.stated_by_retrieval(plain, first, active.fingerprint)  # the reader's span, if any, is in its quote
    read, probabilities = _path(engine, asked, k, dense_weight, vector, active, checks, known=known)
    return decide.checked_by_reader(plain, read, probabilities, asked.decided_as)


def _path(engine: Engine, asked: Analysis, k: int, dense_weight: float | None, vector, active: Reader | None,
          checks: bool, veto: Reader | None = None, known: dict | None = None) -> tuple[Answer, dict[str, float]]:
    """One path's answer (retrieval alone, or the reader's decision) and the reader's probability per passage read
    (retrieval alone with ``veto``: the first passage's, read by that reader)."""
    hits, _, retrieved, probabilities = _retrieve(engine, asked, max(k, 2), dense_weight, vector, active, veto,
                                                  known)  # 2: settle
    on_topic = bool(hits) and decide.on_topic(retrieved, engine.calibration.threshold, probabilities)
    near = bool(hits) and decide.near(retrieved, engine.calibration.threshold)
    if active is None:
        confidence = retrieved
    else:  # the reader decided which hits hold a span (its probability reached the threshold and the span fits)
        spans = [h.reader_probability or 0.0 for h in hits if h.answer]
        unfit = max((h.reader_probability or 0.0 for h in hits), default=0.0)
        confidence = max(spans) if spans else min(unfit, active.decision_threshold * 0.99)
    if checks:
        outcome, reason = settle(engine, asked, hits, on_topic, active is not None, near)
    else:
        said = bool(hits) and (bool(hits[0].answer) if active is not None else on_topic)
        outcome, reason = (verify.ANSWERED, "") if said else (verify.NO_ANSWER, "unverified decision")
    hits = hits[:k]
    if outcome != verify.ANSWERED:  # the evidence is shown unverified: no span, no verdict
        hits = [replace(h, answer="", answer_start=0, answer_end=0, verdict="") for h in hits]
    return Answer(question=asked.text, answered=outcome == verify.ANSWERED, hits=hits, confidence=confidence,
                  reader=active.fingerprint if active is not None else "", outcome=outcome,
                  reason=reason), probabilities


def retrieve_hits(engine: Engine, text: str, k: int, dense_weight: float | None = None,
                  vector=None, reader: Reader | None = None) -> tuple[list[Hit], Signals]:
    """The hits for a cleaned question and the retrieval signals. With a reader, the candidates it read come in
    the order of its score, each quote the sentence holding its answer; otherwise each quote is the passage's
    best sentence for the question."""
    return _retrieve(engine, analyse(text, engine.index.lexical.idf()), k, dense_weight, vector, reader)[:2]


def _retrieve(engine: Engine, asked: Analysis, k: int, dense_weight: float | None, vector,
              reader: Reader | None, veto: Reader | None = None,
              known: dict | None = None) -> tuple[list[Hit], Signals, float, dict[str, float]]:
    """:func:`retrieve_hits`, the retrieval evidence that the first passage in retrieval order (its best sentence as
    the quote) answers (:func:`qa.answering.abstain.confidence`), and the reader's probability per passage read
    (``passage_id`` → 0..1; none without a reader; with ``veto`` and no ``reader``, the first passage's alone);
    ``known``: :func:`qa.answering.read.read_once`'s readings of this question."""
    known = {} if known is None else known
    text = asked.text
    vector = engine.embedder.encode_queries([standard(text)])[0] if vector is None else vector
    weight = DENSE_WEIGHT if dense_weight is None else dense_weight
    wanted = (max(k, READ) if reader else k) + k  # k spare candidates for the hits that fold into others
    candidates, signals = search(engine.index, vector, text, wanted, dense_weight=weight)
    retrieved = retrieval_confidence(engine, asked, candidates, signals, engine.index.lexical.idf())
    readings: list[Reading | None] = [None] * len(candidates)
    if reader is not None:
        read = read_once(engine, reader, asked, candidates[:READ], retrieved, known)
        order = sorted(range(len(read)), key=lambda i: -(read[i].logit + RETRIEVAL_WEIGHT * candidates[i].score))
        order += list(range(len(read), len(candidates)))
        readings = [read[i] if i < len(read) else None for i in order]
        candidates = [candidates[i] for i in order]
    probabilities = {engine.index.passages[c.position].passage_id: r.probability
                     for c, r in zip(candidates, readings) if r is not None}
    if reader is None and veto is not None and candidates:  # retrieval alone marks no span: its probability only
        first = read_once(engine, veto, asked, candidates[:1], retrieved, known)[0]
        probabilities = {engine.index.passages[candidates[0].position].passage_id: first.probability}
    hits: list[Hit] = []
    done = 0
    while True:
        for candidate, reading in zip(candidates[done:], readings[done:]):
            hits = add_distinct(hits, _hit(engine, len(hits) + 1, candidate, reading, asked, reader))
            if len(hits) > k:
                hits.pop()
                break
        if len(hits) == k or len(candidates) < wanted:  # enough distinct hits, or no more candidates
            break
        done, wanted = len(candidates), 2 * wanted  # folding used the spares up: the next candidates, in order
        more, _ = search(engine.index, vector, text, wanted, dense_weight=weight)
        candidates, readings = candidates + more[done:], readings + [None] * (len(more) - done)
    return [replace(hit, rank=rank) for rank, hit in enumerate(hits, start=1)], signals, retrieved, probabilities


def retrieval_confidence(engine: Engine, asked: Analysis, candidates, signals: Signals, idf: dict[str, float]) -> float:
    """The retrieval evidence that the first candidate (in retrieval order, its best sentence as the quote, as
    retrieval alone shows it) answers the question: :func:`qa.answering.abstain.confidence`, 0..1."""
    plain = [_hit(engine, 1, candidates[0], None, asked, None)] if candidates else []
    return abstain.confidence(signals, asked.text, plain, idf, engine.calibration)


def _hit(engine: Engine, rank: int, candidate, reading: Reading | None, asked: Analysis, reader: Reader | None) -> Hit:
    """A retrieved passage as a cited hit: the quote is the sentence holding the reader's answer, if any,
    else the sentence that best matches the question. The reader's span is an answer only when its
    probability reaches the threshold and it fits the question's ``kind`` (:mod:`qa.answering.question_type`)."""
    passage = engine.index.passages[candidate.position]
    article = engine.index.articles[passage.doc_id]
    answer_start = answer_end = 0
    stated = ""
    if (reader is not None and reading is not None and reading.probability >= reader.decision_threshold
            and reading.end > reading.start and fits(asked.kind, passage.text[reading.start:reading.end], asked.text)):
        answer_start, answer_end = passage.start + reading.start, passage.start + reading.end
        holding = [(s, e) for s, e in passage.sentences if s < answer_end and e > answer_start]
        q_start, q_end = holding[0][0], holding[-1][1]
        # the rule word may stand just before the span ("dilarang | menjadi relawan"): the clause from the sentence start
        stated = verdict.stated_verdict(asked, article.text[q_start:q_end], answer_start - q_start)
    else:
        q_start, q_end = widened(asked.kind, article.text, sentences_on(engine, passage.passage_id),
                                 best_sentence(asked.terms, article.text, passage.sentences))
    folded = tuple(_citation(engine, i) for i in candidate.also_in)
    return Hit(rank=rank, score=round(candidate.score, 6), doc_id=article.doc_id, passage_id=passage.passage_id,
               title=article.title, outlet=article.outlet, date=article.date, source=article.source,
               text=article.text[passage.start:max(passage.end, q_end)], start=passage.start,
               end=max(passage.end, q_end), quote=article.text[q_start:q_end],
               quote_start=q_start, quote_end=q_end, place=article.place, also_in=folded,
               answer=article.text[answer_start:answer_end], answer_start=answer_start, answer_end=answer_end,
               reader_probability=None if reading is None else round(reading.probability, 6), verdict=stated,
               page=article.page(q_start), ocr=article.ocr(q_start))


def _citation(engine: Engine, position: int) -> Citation:
    passage = engine.index.passages[position]
    a = engine.index.articles[passage.doc_id]
    return Citation(a.doc_id, passage.passage_id, title=a.title, outlet=a.outlet, date=a.date, source=a.source)


def ask(question: str, k: int = 5, index_dir: str | os.PathLike | None = None, model: str | None = None,
        reader: bool | None = None, history: Sequence[followup.Turn] | None = None) -> Answer:
    """Answer a question from the articles in the index.

    ``index_dir`` None means ``$QA_INDEX`` or ``./index``; when that default index is missing
    or stale and ``./seeds`` exists, it is built from ``./seeds`` first. The model, the reader and
    the index are loaded once per process and index folder. The trained reader is on by default
    (:data:`qa.config.READER_DEFAULT`; :mod:`qa.answering.decide`): ``reader=False`` (``QA_READER=0``) keeps
    retrieval alone. ``history``: the previous questions (or (question, Answer) pairs), oldest first, that a
    follow-up is resolved against (:func:`answer_with`).
    """
    clean_question(question)
    check_k(k)
    followup.turns(history, clean_question)
    return answer_with(engine_from_settings(config.settings(index_dir, model, reader=reader)), question, k,
                       history=history)
