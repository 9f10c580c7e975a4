"""Indexes larger than can be embedded here, for latency and recall of the search part (bench/speed.py).

A real index (IDK-MRC, 2,464 passages, embedded by onnx-int8) is repeated up to N passages under new article ids. The
lexical side is real BM25 over the repeated passages' tokens (so posting lists grow as they
would); the vectors are SYNTHETIC: each is its base passage's real vector plus Gaussian noise
(cosine about 0.9 to it), normalised, so they keep the real embeddings' geometry without
being embeddings of any text. The FAISS index is chosen and built by ``qa.index.vectors.vector_index``
and cached on disk, keyed by its size and parameters.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import time
from pathlib import Path

import faiss
import numpy as np

from qa.config import CORES
from qa.index import build as build_module
from qa.index import vectors as qa_vectors
from qa.index.bm25 import LexicalIndex
from qa.index.lexical import tokenize
from qa.index.store import Index

NOISE = 0.0247  # per component: cosine to the base vector about 1/sqrt(1 + 384 * NOISE**2) = 0.9


def synthetic_vectors(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 65536):
        rows = np.arange(start, min(n, start + 65536))
        chunk = base[rows % len(base)] + rng.standard_normal((len(rows), base.shape[1]), dtype=np.float32) * NOISE
        if start < len(base):  # the first copy keeps the real vectors
            real = rows < len(base)
            chunk[real] = base[rows[real]]
        out[rows] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return out


def _cached_index(vectors: np.ndarray, cache: Path, key: str) -> tuple[faiss.Index, float | None]:
    """The FAISS index for these vectors from the cache, or built now, and the seconds its build took."""
    path = cache / f"synthetic-{key}"
    cache.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "a") as lock:  # two runs wait for one build instead of building twice
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _read_or_build(vectors, path)


def _read_or_build(vectors: np.ndarray, path: Path) -> tuple[faiss.Index | qa_vectors.Rescored, float | None]:
    """The index saved in the folder ``path`` (its FAISS file, and float16 vectors for IVF), or built and saved now."""
    timing = path / "build.json"
    if timing.is_file():
        info = json.loads(timing.read_text())
        return qa_vectors.open_index(path, info["record"]), info["build_seconds"]
    started = time.perf_counter()
    index = qa_vectors.vector_index(vectors)
    seconds = time.perf_counter() - started
    tmp = Path(str(path) + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    qa_vectors.save(index, tmp)
    (tmp / "build.json").write_text(json.dumps({"build_seconds": seconds, "load_average": os.getloadavg(),
                                                "record": qa_vectors.faiss_record(index)}))
    tmp.replace(path)
    return qa_vectors.open_index(path, qa_vectors.faiss_record(index)), seconds


def replicate(base: Index, n: int, cache: Path, exact: bool = False,
              prebuilt: tuple[np.ndarray, object] | None = None) -> tuple[Index, np.ndarray, float | None]:
    """An in-memory index of ``n`` passages built from ``base`` (see the module docstring).

    ``exact`` forces exact (flat) search whatever the size: for a size whose graph takes too long to build here.
    ``prebuilt`` (vectors, vector index) replaces the synthetic vectors and their index (bench/scale.py).
    Returns the index, its synthetic vectors (for exact-search recall) and the FAISS build seconds.
    """
    nb = len(base.passages)
    base_vectors = np.array(qa_vectors.vector_matrix(base.vectors))
    vectors = synthetic_vectors(base_vectors, n) if prebuilt is None else prebuilt[0]
    key = hashlib.sha256(f"{base.manifest['corpus']['content_hash']}:{n}:{NOISE}:{qa_vectors.EXACT_SEARCH_BELOW}:"
                         f"{qa_vectors.HNSW_M}:{qa_vectors.HNSW_EF_CONSTRUCTION}:ivf-pq{qa_vectors.PQ_M}".encode()).hexdigest()[:12]
    if prebuilt is not None:
        index, seconds = prebuilt[1], None
    elif exact:
        index, seconds = faiss.IndexFlatIP(vectors.shape[1]), None
        index.add(vectors)
    else:
        index, seconds = _cached_index(vectors, cache, f"{n}-{key}")
    vocab: dict[str, int] = {}
    base_ids = []
    for passage in base.passages:
        article = base.articles[passage.doc_id]
        tokens = tokenize(build_module.indexed_text(article, passage)) or ["_"]
        base_ids.append([vocab.setdefault(t, len(vocab)) for t in tokens])
    import bm25s
    from bm25s.tokenization import Tokenized

    bm25 = bm25s.BM25(k1=1.2, b=0.75)
    bm25.index(Tokenized(ids=[base_ids[i % nb] for i in range(n)], vocab=vocab), show_progress=False)
    articles = dict(base.articles)
    passages = list(base.passages)
    for copy in range(1, (n + nb - 1) // nb):
        for passage in base.passages[: n - copy * nb]:
            doc_id = f"{passage.doc_id}~{copy}"
            if doc_id not in articles:
                articles[doc_id] = dataclasses.replace(base.articles[passage.doc_id], doc_id=doc_id)
            passages.append(dataclasses.replace(passage, doc_id=doc_id, passage_id=f"{passage.passage_id}~{copy}"))
    manifest = {**base.manifest, "faiss": qa_vectors.faiss_record(index),
                "corpus": {**base.manifest["corpus"], "passages": n, "articles": len(articles)}}
    first: dict[str, int] = {}
    for position, passage in enumerate(passages):
        first.setdefault(passage.doc_id, position)
    synthetic = Index(folder=base.folder, manifest=manifest, articles=articles, passages=passages,
                      first_passage=first, vectors=index, lexical=LexicalIndex([bm25]))
    return synthetic, vectors, seconds


def recall(index: faiss.Index, vectors: np.ndarray, queries: np.ndarray) -> list[list]:
    """Rows of (efSearch, recall@10, recall@50, ms per one-question search) against brute force over ``vectors``."""
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    faiss.omp_set_num_threads(CORES)
    _, want = exact.search(queries, 50)
    faiss.omp_set_num_threads(1)
    del exact
    if not isinstance(index, faiss.IndexHNSW):
        return []
    rows, configured = [], index.hnsw.efSearch
    for ef in sorted({64, 128, 256, configured}):
        index.hnsw.efSearch = ef
        started = time.perf_counter()
        got = np.vstack([qa_vectors.search(index, q.reshape(1, -1), 50)[1] for q in queries])
        ms = (time.perf_counter() - started) / len(queries) * 1000
        rows.append([ef] + [round(float(np.mean([len(set(w[:k]) & set(g[:k])) / k for w, g in zip(want, got)])), 4)
                            for k in (10, 50)] + [round(ms, 3)])
    index.hnsw.efSearch = configured
    return rows
