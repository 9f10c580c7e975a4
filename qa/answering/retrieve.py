"""Hybrid retrieval: dense (FAISS) and lexical (BM25) scores fused, sentence-level rerank, near-duplicates folded.

1. Candidates: the ``CANDIDATES`` best passages of each retriever (exact cosine is filled in
   for lexical-only candidates).
2. Fusion: ``dense_weight`` × cosine + (1 − ``dense_weight``) × BM25 / the question's best BM25.
3. Sentence rerank (hybrid only): the ``RERANK`` best fused passages gain ``SENTENCE_WEIGHT`` ×
   the score of their best sentence (:class:`qa.answering.quote.Question`: idf-weighted share of the
   question's words in one sentence, plus a bonus when the sentence holds the kind of answer
   asked for). This is what tells apart passages of one article that all share its topic.
4. Distinct results: overlapping passages of one article, and near-identical passages of
   different articles (one story in several outlets), become one result with "also in". Near-identical
   is not enough: where the two passages' words are aligned (:class:`difflib.SequenceMatcher`), no name,
   number, date or place of one may stand where the other has other words. Articles from one template
   that name another chair or town are other stories; a reprint with a dateline or a sentence added is not.

``dense_weight`` 1.0 is dense only and 0.0 lexical only, without the rerank (for evaluation).
The weights were chosen on the dev sets (bench/quality.py; see bench/RESULTS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from qa.answering.quote import Question, best_span, prepare, sentence_tokens
from qa.index.lexical import visible
from qa.index.store import Index
from qa.index.vectors import search as vector_search
from qa.index.vectors import vector_matrix

DENSE_WEIGHT = 0.93  # cosines of the candidates spread little (about 0.05): this balances them with BM25
SENTENCE_WEIGHT = 0.1
CANDIDATES = 50  # per retriever, before fusion
RERANK = 30  # fused candidates rescored by their best sentence
OVERLAP_SAME_ARTICLE = 0.5  # share of the shorter passage that makes two passages one result
NEAR_DUPLICATE_COSINE = 0.97  # two passages this close are one story told twice
NEAR_DUPLICATE_WORDS = 0.8  # ... and so are two passages sharing this share of their words (Jaccard)


@dataclass(frozen=True)
class Candidate:
    """One retrieved passage with its scores and the passages folded into it."""

    position: int  # index into Index.passages
    score: float
    dense: float
    lexical: float
    also_in: tuple[int, ...] = field(default=())
    sentence: float = 0.0  # score of the passage's best sentence


@dataclass(frozen=True)
class Signals:
    """Question-level evidence used to decide whether the articles answer at all."""

    dense_top: float
    lexical_top: float
    dense_gap: float
    dense_mean: float = 0.0  # mean cosine of the dense candidates: what the best stands out from


def _dense(index: Index, query: np.ndarray, n: int) -> dict[int, float]:
    scores, ids = vector_search(index.vectors, query.reshape(1, -1), n)  # one thread: faster for one question
    return {int(i): float(s) for s, i in zip(scores[0], ids[0]) if i >= 0}


def _overlap(a, b) -> float:
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(0, shared) / max(1, min(a.end - a.start, b.end - b.start))


def _same_words(a, b) -> bool:
    """Near-identical wording, whatever the articles' titles and outlets (which the vectors also carry)."""
    words_a, words_b = sentence_tokens(a.text), sentence_tokens(b.text)
    union = len(words_a | words_b)
    return bool(union) and len(words_a & words_b) / union >= NEAR_DUPLICATE_WORDS


_WORD = re.compile(r"\w+")


def _particular(word: str) -> bool:
    """A name, place, number or date word: capitalised or holding a digit."""
    return word[:1].isupper() or any(ch.isdigit() for ch in word)


def same_particulars(a: str, b: str) -> bool:
    """True when no name, number, date or place of one text stands where the other has other words
    (words added or left out on one side are no conflict: a dateline, one more sentence)."""
    words_a, words_b = _WORD.findall(visible(a)), _WORD.findall(visible(b))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes():
        if tag == "replace" and any(_particular(w) for w in words_a[i1:i2] + words_b[j1:j2]):
            return False
    return True


def sentence_score(index: Index, position: int, question: Question) -> float:
    """The score of the passage's best sentence for the question."""
    passage = index.passages[position]
    return best_span(question, index.articles[passage.doc_id].text, passage.sentences)[1]


def search(index: Index, query_vector: np.ndarray, question: str, k: int,
           dense_weight: float = DENSE_WEIGHT) -> tuple[list[Candidate], Signals]:
    """The k best distinct passages for a question, best first, and the question's signals."""
    dense = _dense(index, query_vector, CANDIDATES)
    lexical_all = index.lexical.scores(question)
    matched = np.flatnonzero(lexical_all > 0)  # only passages sharing a word can be lexical candidates
    if matched.size > CANDIDATES:  # partial sort of those: only the best CANDIDATES are needed, not all in order
        top_lexical = matched[np.argpartition(-lexical_all[matched], CANDIDATES - 1)[:CANDIDATES]]
    else:
        top_lexical = matched
    lexical_max = float(lexical_all.max()) if lexical_all.size else 0.0
    pool = set(dense) | {int(i) for i in top_lexical if lexical_all[i] > 0}
    missing = [i for i in pool if i not in dense]
    matrix = vector_matrix(index.vectors)  # a view of the stored vectors, not a copy per passage
    if missing:  # exact cosine for lexical-only candidates
        stored = matrix[missing]
        dense.update(zip(missing, (stored @ query_vector.reshape(-1)).tolist()))
    lexical = {i: float(lexical_all[i]) / lexical_max if lexical_max > 0 else 0.0 for i in pool}
    fused = sorted(((dense_weight * dense[i] + (1 - dense_weight) * lexical[i], i) for i in pool), reverse=True)
    sentences: dict[int, float] = {}
    if 0.0 < dense_weight < 1.0:
        prepared = prepare(question, index.lexical.idf())
        head = [(score + SENTENCE_WEIGHT * sentences.setdefault(i, sentence_score(index, i, prepared)), i)
                for score, i in fused[:RERANK]]
        fused = sorted(head, reverse=True) + fused[RERANK:]
    dense_sorted = sorted(dense.values(), reverse=True)
    signals = Signals(dense_top=dense_sorted[0] if dense_sorted else 0.0, lexical_top=lexical_max,
                      dense_gap=(dense_sorted[0] - dense_sorted[1]) if len(dense_sorted) > 1 else 0.0,
                      dense_mean=float(np.mean(dense_sorted[:CANDIDATES])) if dense_sorted else 0.0)
    return _distinct(index, matrix, fused, dense, lexical, sentences, k), signals


def _distinct(index: Index, matrix: np.ndarray, scored: list[tuple[float, int]], dense: dict[int, float],
              lexical: dict[int, float], sentences: dict[int, float], k: int) -> list[Candidate]:
    """Keep the best of overlapping or near-identical passages; fold the others into ``also_in``."""
    kept: list[tuple[float, int, list[int]]] = []
    kept_vectors: list[np.ndarray] = []
    for score, i in scored:
        passage = index.passages[i]
        vector = np.asarray(matrix[i], dtype=np.float32)  # float16 rows for an IVF index
        home = None
        for slot, (_, j, folded) in enumerate(kept):
            other = index.passages[j]
            if passage.doc_id == other.doc_id:
                if _overlap(passage, other) >= OVERLAP_SAME_ARTICLE:
                    home = slot
                    break
            elif ((float(vector @ kept_vectors[slot]) >= NEAR_DUPLICATE_COSINE or _same_words(passage, other))
                  and same_particulars(passage.text, other.text)):
                home = slot
                folded.append(i)
                break
        if home is None:
            if len(kept) == k:
                break
            kept.append((score, i, []))
            kept_vectors.append(vector)
    return [Candidate(position=i, score=score, dense=dense[i], lexical=lexical[i], also_in=tuple(folded),
                      sentence=sentences.get(i, 0.0))
            for score, i, folded in kept]
