"""Pick the sentence of a passage that best answers a question, verbatim."""

from __future__ import annotations

import re

from qa.lexical import tokenize

_DATE_LIKE = re.compile(r"\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)|\b\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b|\b(?:19|20)\d{2}\b")
_NAME_LIKE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+")
_PLACE_LIKE = re.compile(r"\b(?:di|ke)\s+(?:[A-Z][\w-]*\s*){1,5}")
_CUES = (
    (re.compile(r"\b(siapa|who)\b", re.I), _NAME_LIKE),
    (re.compile(r"\b(kapan|when|tanggal|hari apa)\b", re.I), _DATE_LIKE),
    (re.compile(r"\b(di ?mana|where|lokasi|tempat)\b", re.I), _PLACE_LIKE),
)


def best_sentence(question: str, text: str, sentences: tuple[tuple[int, int], ...], idf: dict[str, float]) -> tuple[int, int]:
    """The (start, end) of the sentence sharing the most informative words with the question.

    Words count by their inverse document frequency; a sentence that holds what the question
    word asks for (a name for *siapa*, a date for *kapan*, a place for *di mana*) gets a bonus.
    Ties go to the earlier sentence.
    """
    wanted = set(tokenize(question))
    cue = next((pattern for asks, pattern in _CUES if asks.search(question)), None)
    best, best_score = sentences[0], -1.0
    for start, end in sentences:
        sentence = text[start:end]
        words = set(tokenize(sentence))
        score = sum(idf.get(w, 1.0) for w in wanted & words)
        if cue is not None and cue.search(sentence):
            score *= 1.25
        if score > best_score:
            best, best_score = (start, end), score
    return best
