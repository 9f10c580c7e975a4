"""Hybrid retrieval: dense (FAISS) and lexical (BM25) scores fused, then near-duplicates folded.

Fusion is a weighted sum of the dense cosine and the BM25 score divided by the question's
best BM25 score, over the union of both retrievers' candidates. The weight was chosen on the
dev sets (see bench/RESULTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa.build import search as vector_search
from qa.build import vector_matrix
from qa.store import Index

DENSE_WEIGHT = 0.5
CANDIDATES = 50  # per retriever, before fusion
OVERLAP_SAME_ARTICLE = 0.5  # share of the shorter passage that makes two passages one result
NEAR_DUPLICATE_COSINE = 0.97  # two passages this close are one story told twice


@dataclass(frozen=True)
class Candidate:
    """One retrieved passage with its scores and the passages folded into it."""

    position: int  # index into Index.passages
    score: float
    dense: float
    lexical: float
    also_in: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Signals:
    """Question-level evidence used to decide whether the articles answer at all."""

    dense_top: float
    lexical_top: float
    dense_gap: float


def _dense(index: Index, query: np.ndarray, n: int) -> dict[int, float]:
    scores, ids = vector_search(index.vectors, query.reshape(1, -1), n)  # one thread: faster for one question
    return {int(i): float(s) for s, i in zip(scores[0], ids[0]) if i >= 0}


def _overlap(a, b) -> float:
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(0, shared) / max(1, min(a.end - a.start, b.end - b.start))


def search(index: Index, query_vector: np.ndarray, question: str, k: int,
           dense_weight: float = DENSE_WEIGHT) -> tuple[list[Candidate], Signals]:
    """The k best distinct passages for a question, best first, and the question's signals."""
    dense = _dense(index, query_vector, CANDIDATES)
    lexical_all = index.lexical.scores(question)
    if lexical_all.size > CANDIDATES:  # partial sort: only the best CANDIDATES are needed, not all N in order
        top_lexical = np.argpartition(-lexical_all, CANDIDATES - 1)[:CANDIDATES]
    else:
        top_lexical = np.arange(lexical_all.size)
    lexical_max = float(lexical_all.max()) if lexical_all.size else 0.0
    pool = set(dense) | {int(i) for i in top_lexical if lexical_all[i] > 0}
    missing = [i for i in pool if i not in dense]
    matrix = vector_matrix(index.vectors)  # a view of the stored vectors, not a copy per passage
    if missing:  # exact cosine for lexical-only candidates
        stored = matrix[missing]
        dense.update(zip(missing, (stored @ query_vector.reshape(-1)).tolist()))
    scored = []
    for i in pool:
        lex = float(lexical_all[i]) / lexical_max if lexical_max > 0 else 0.0
        scored.append((dense_weight * dense[i] + (1 - dense_weight) * lex, i, lex))
    scored.sort(reverse=True)
    dense_sorted = sorted(dense.values(), reverse=True)
    signals = Signals(dense_top=dense_sorted[0] if dense_sorted else 0.0, lexical_top=lexical_max,
                      dense_gap=(dense_sorted[0] - dense_sorted[1]) if len(dense_sorted) > 1 else 0.0)
    return _distinct(index, matrix, scored, dense, k), signals


def _distinct(index: Index, matrix: np.ndarray, scored: list[tuple[float, int, float]], dense: dict[int, float],
              k: int) -> list[Candidate]:
    """Keep the best of overlapping or near-identical passages; fold the others into ``also_in``."""
    kept: list[tuple[float, int, float, list[int]]] = []
    kept_vectors: list[np.ndarray] = []
    for score, i, lex in scored:
        passage = index.passages[i]
        vector = matrix[i]
        home = None
        for slot, (_, j, _, folded) in enumerate(kept):
            if _overlap(passage, index.passages[j]) >= OVERLAP_SAME_ARTICLE:
                home = slot
                break
            if float(vector @ kept_vectors[slot]) >= NEAR_DUPLICATE_COSINE:
                home = slot
                if passage.doc_id != index.passages[j].doc_id:
                    folded.append(i)
                break
        if home is None:
            if len(kept) == k:
                break
            kept.append((score, i, lex, []))
            kept_vectors.append(vector)
    return [Candidate(position=i, score=score, dense=dense[i], lexical=lex, also_in=tuple(folded))
            for score, i, lex, folded in kept]
