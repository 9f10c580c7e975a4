"""``ask()``: a question in, the best passages with citations out, and an honest "no answer"."""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import asdict, dataclass, field

from qa import abstain, cite, config
from qa.engine import Engine, engine_from_settings
from qa.errors import InputError
from qa.quote import best_sentence
from qa.retrieve import DENSE_WEIGHT, Signals, search

logger = logging.getLogger(__name__)

MAX_K = 100
NO_ANSWER = "Tidak ada jawaban di artikel yang tersedia."


@dataclass(frozen=True)
class Citation:
    """An article that tells the same story as a hit (folded into it as "also in")."""

    doc_id: str
    passage_id: str
    title: str
    outlet: str
    date: str
    source: str


@dataclass(frozen=True)
class Hit:
    """One passage that may answer the question, with everything needed to cite and check it."""

    rank: int
    score: float
    doc_id: str
    passage_id: str
    title: str
    outlet: str
    date: str
    source: str
    text: str
    start: int  # offsets into the article text as loaded: article[start:end] == text
    end: int
    quote: str  # the sentence of the passage that best answers the question, verbatim
    quote_start: int
    quote_end: int
    place: str = ""
    also_in: tuple[Citation, ...] = field(default=())
    answer: str = ""  # the shortest span that answers, verbatim (the trained reader); "" when the passage does not answer
    answer_start: int = 0  # offsets into the article: article[answer_start:answer_end] == answer
    answer_end: int = 0

    def citation(self) -> str:
        """``[1] Title — Outlet, date (source)``: the one citation format (:mod:`qa.cite`)."""
        return cite.citation(self.title, self.outlet, self.date, rank=self.rank, source=self.source)


@dataclass(frozen=True)
class Answer:
    """The result of :func:`ask`. ``answered`` is False when the articles hold no answer."""

    question: str
    answered: bool
    hits: list[Hit]
    confidence: float = 0.0

    def to_dict(self) -> dict:
        return {"question": self.question, "answered": self.answered, "confidence": round(self.confidence, 4),
                "hits": [asdict(hit) for hit in self.hits]}

    def format(self) -> str:
        """A readable answer: the quote, then numbered citations."""
        lines = []
        if not self.answered:
            lines.append(NO_ANSWER)
            if self.hits:
                lines.append("Bagian artikel yang paling dekat:")
        if self.hits:
            lines.append(f"“{self.hits[0].quote}”" if self.answered else "")
        lines += [hit.citation() + ("" if self.answered else f": “{hit.quote}”") for hit in self.hits]
        return "\n".join(line for line in lines if line)


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
                vector=None) -> Answer:
    """Answer with an already open engine (the chat page and the benchmarks hold one).

    ``dense_weight`` overrides the fusion weight (1.0 dense only, 0.0 lexical only) for evaluation.
    ``vector`` is the cleaned question's embedding when the caller encoded several questions at once.
    """
    text, k = clean_question(question), check_k(k)
    hits, signals = retrieve_hits(engine, text, k, dense_weight, vector)
    calibration = engine.calibration
    confidence = abstain.confidence(signals, text, hits, engine.index.lexical.idf(), calibration)
    return Answer(question=text, answered=bool(hits) and confidence >= calibration.threshold, hits=hits,
                  confidence=confidence)


def retrieve_hits(engine: Engine, text: str, k: int, dense_weight: float | None = None,
                  vector=None) -> tuple[list[Hit], Signals]:
    """The hits for a cleaned question, each with its best sentence as the quote, and the retrieval signals."""
    if vector is None:
        vector = engine.embedder.encode_queries([text])[0]
    weight = DENSE_WEIGHT if dense_weight is None else dense_weight
    candidates, signals = search(engine.index, vector, text, k, dense_weight=weight)
    idf = engine.index.lexical.idf()
    hits = []
    for rank, candidate in enumerate(candidates, start=1):
        passage = engine.index.passages[candidate.position]
        article = engine.index.articles[passage.doc_id]
        q_start, q_end = best_sentence(text, article.text, passage.sentences, idf)
        folded = tuple(_citation(engine, i) for i in candidate.also_in)
        hits.append(Hit(rank=rank, score=round(candidate.score, 6), doc_id=article.doc_id, passage_id=passage.passage_id,
                        title=article.title, outlet=article.outlet, date=article.date, source=article.source,
                        text=passage.text, start=passage.start, end=passage.end, quote=article.text[q_start:q_end],
                        quote_start=q_start, quote_end=q_end, place=article.place, also_in=folded))
    return hits, signals


def _citation(engine: Engine, position: int) -> Citation:
    passage = engine.index.passages[position]
    article = engine.index.articles[passage.doc_id]
    return Citation(doc_id=article.doc_id, passage_id=passage.passage_id, title=article.title, outlet=article.outlet,
                    date=article.date, source=article.source)


def ask(question: str, k: int = 5, index_dir: str | os.PathLike | None = None, model: str | None = None) -> Answer:
    """Answer a question from the articles in the index.

    ``index_dir`` None means ``$QA_INDEX`` or ``./index``; when that default index is missing
    or stale and ``./seeds`` exists, it is built from ``./seeds`` first. The model and the
    index are loaded once per process and index folder.
    """
    clean_question(question)
    check_k(k)
    return answer_with(engine_from_settings(config.settings(index_dir, model)), question, k)
