"""The reader's reading of retrieved candidates: each passage's best stretch, read once, offsets into the passage."""

from __future__ import annotations

from dataclasses import replace

from qa.answering.question import Analysis
from qa.answering.quote import reading_window
from qa.index.engine import Engine
from qa.models.reader import Reader, Reading

READ_CHARS = 600  # the reader reads each candidate's best sentence and its neighbours up to this many characters


def read_candidates(engine: Engine, reader: Reader, asked: Analysis, candidates) -> list[Reading]:
    """The reader's reading of each candidate passage, from its best stretch of ``READ_CHARS`` characters (about
    130 tokens: fewer tokens read, a faster answer); offsets are into the passage text."""
    windows = []
    for candidate in candidates:
        passage = engine.index.passages[candidate.position]
        article_text = engine.index.articles[passage.doc_id].text
        start, end = reading_window(asked.terms, article_text, passage.sentences, READ_CHARS)
        windows.append((passage.start, start, article_text[start:end]))
    readings = reader.read(asked.text, [text for _, _, text in windows])
    return [replace(r, start=r.start + start - base, end=r.end + start - base) if r.end > r.start else r
            for r, (base, start, _) in zip(readings, windows)]


def read_once(engine: Engine, reader: Reader, asked: Analysis, candidates, retrieved: float,
              known: dict[tuple[int, float], Reading]) -> list[Reading]:
    """:func:`read_candidates` with each reading's probability (:meth:`Reader.decide` with the retrieval evidence
    ``retrieved``), each passage read at most once per question: ``known`` ((passage position, ``retrieved``) →
    Reading) keeps the readings of earlier calls for the same question and takes the new ones."""
    todo = [c for c in candidates if (c.position, retrieved) not in known]
    for candidate, r in zip(todo, read_candidates(engine, reader, asked, todo)):
        known[candidate.position, retrieved] = replace(r, probability=reader.decide(r.logit, r.margin, retrieved))
    return [known[c.position, retrieved] for c in candidates]


def marked_span(engine: Engine, known: dict[tuple[int, float], Reading], passage_id: str,
                threshold: float) -> tuple[int, int] | None:
    """The span (article character offsets) marked in passage ``passage_id`` by a reading in ``known``
    (:func:`read_once`'s) whose probability reaches ``threshold``; None when there is none."""
    for (position, _), reading in known.items():
        passage = engine.index.passages[position]
        if passage.passage_id == passage_id and reading.end > reading.start and reading.probability >= threshold:
            return passage.start + reading.start, passage.start + reading.end
    return None
