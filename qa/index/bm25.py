"""BM25 over the passages' lexical tokens (:mod:`qa.index.lexical`), in shards of at most ``SHARD_PASSAGES`` passages.

Each shard is a bm25s index of a contiguous run of passages, saved as its plain arrays and JSON
vocabulary (no pickle) in ``lexical/<n>/`` and memory-mapped on load. Shards bound the memory
of a build (bm25s needs several kB a passage while indexing) and can be built apart; a question
is scored by every shard and the scores are laid end to end, one per passage.

bm25s folds each token's idf into its stored scores. A shard's idf would come from its own
passages, so after all shards are built each shard's scores are rescaled to the idf of the
whole corpus (``lucene`` idf: log(1 + (N - df + 0.5) / (df + 0.5))): a passage scores the same
whichever shard holds it, but for document-length normalisation, which uses the shard's own
mean length (shards are large, so their means differ little).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.index.lexical import tokenize

SHARD_PASSAGES = 250_000  # passages a shard, at most
K1, B = 1.2, 0.75
SHARDS_FILE = "shards.json"


def _idf(n: int, df: np.ndarray) -> np.ndarray:
    return np.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _document_frequencies(shards: Sequence) -> dict[str, int]:
    """Passages holding each token, over all the shards."""
    found: dict[str, int] = {}
    for one in shards:
        df = np.diff(np.asarray(one.scores["indptr"]))
        for token, i in one.vocab_dict.items():
            if i < len(df):
                found[token] = found.get(token, 0) + int(df[i])
    return found


def shard(texts: Sequence[str]):
    """One shard: a bm25s index of these passages' lexical tokens, with its own idf until :meth:`LexicalIndex.from_shards`."""
    import bm25s

    bm25 = bm25s.BM25(k1=K1, b=B)  # method and idf "lucene", as _idf assumes
    bm25.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
    return bm25


def _rescale(bm25, df: dict[str, int], n: int) -> None:
    """Multiply each token's stored scores by the corpus idf over the shard's own."""
    indptr, data = np.asarray(bm25.scores["indptr"]), bm25.scores["data"]
    own = np.diff(indptr)
    tokens = sorted(((i, t) for t, i in bm25.vocab_dict.items() if i < len(own)))
    ratio = _idf(n, np.array([df[t] for _, t in tokens], dtype=np.float64)) / _idf(bm25.scores["num_docs"], own)
    bm25.scores["data"] = data * np.repeat(ratio, own).astype(data.dtype)  # a new array: Ray hands shards read-only


class LexicalIndex:
    """BM25 over passages' lexical text, in shards laid end to end."""

    def __init__(self, shards: Sequence) -> None:
        self._shards = list(shards)
        self._idf: dict[str, float] | None = None
        self._idf_lock = threading.Lock()

    @property
    def passages(self) -> int:
        return sum(s.scores["num_docs"] for s in self._shards)

    @classmethod
    def build(cls, texts: Sequence[str], progress: bool = False, shard_passages: int | None = None) -> "LexicalIndex":
        """Shards of ``shard_passages`` passages (default ``SHARD_PASSAGES``), rescaled to the corpus idf."""
        from tqdm.auto import tqdm

        shard_passages = shard_passages or SHARD_PASSAGES
        shards = []
        with tqdm(total=len(texts), desc="lexical index", unit="passage", disable=not progress, leave=False) as bar:
            for start in range(0, len(texts), shard_passages):
                chunk = texts[start : start + shard_passages]
                shards.append(shard(chunk))
                bar.update(len(chunk))
        return cls.from_shards(shards)

    @classmethod
    def from_shards(cls, shards: Sequence) -> "LexicalIndex":
        """Shards built apart (:func:`shard`, e.g. by Ray tasks), in passage order, rescaled to the corpus idf."""
        if len(shards) > 1:
            df = _document_frequencies(shards)
            total = sum(one.scores["num_docs"] for one in shards)
            for one in shards:
                _rescale(one, df, total)
        return cls(shards)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for n, shard in enumerate(self._shards):
            shard.save(str(folder / f"{n:03d}"), allow_pickle=False)
        (folder / SHARDS_FILE).write_text(json.dumps({"shards": len(self._shards), "k1": K1, "b": B,
                                                      "passages": [s.scores["num_docs"] for s in self._shards]}))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        """Open every shard with its arrays memory-mapped."""
        import bm25s

        info = json.loads((folder / SHARDS_FILE).read_text())
        shards = [bm25s.BM25.load(str(folder / f"{n:03d}"), allow_pickle=False, load_corpus=False, mmap=True)
                  for n in range(int(info["shards"]))]
        if [s.scores["num_docs"] for s in shards] != info["passages"]:
            raise ValueError(f"{folder / SHARDS_FILE} does not match the shards' passage counts")
        return cls(shards)

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every passage for the question (zeros when no word is known)."""
        tokens = tokenize(question)
        parts = []
        for shard in self._shards:
            ids = shard.get_tokens_ids(tokens)
            parts.append(np.asarray(shard.get_scores_from_ids(ids), dtype=np.float32) if ids
                         else np.zeros(shard.scores["num_docs"], dtype=np.float32))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of every known token over the whole corpus (computed once)."""
        with self._idf_lock:  # one dictionary per index, however many threads ask first
            if self._idf is None:
                df = _document_frequencies(self._shards)
                tokens = list(df)
                values = _idf(self.passages, np.array([df[t] for t in tokens], dtype=np.float64))
                self._idf = dict(zip(tokens, values.tolist()))
        return self._idf
