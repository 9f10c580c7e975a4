"""The vector index: which FAISS index a build makes, how a question searches it, the stored vectors as a view.

Below retrieval and beside the index folder: :mod:`qa.build` makes the index with
:func:`vector_index` and records it with :func:`faiss_record`; :mod:`qa.retrieve` searches it
with :func:`search` and reads stored vectors through :func:`vector_matrix` (no copy).
"""

from __future__ import annotations

import faiss
import numpy as np

from qa.config import CORES

EXACT_SEARCH_BELOW = 20_000  # passages; from here on an HNSW graph replaces exact search (bench/RESULTS.md)
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 128


def vector_index(vectors: np.ndarray) -> faiss.Index:
    """Exact inner product below ``EXACT_SEARCH_BELOW`` passages; an HNSW graph at and above it.

    Below the threshold one exact search of a question costs under about 3 ms on one core; above it
    the graph answers in about 2 ms. Recall@50 against exact search at ``HNSW_EF_SEARCH``: 0.995 on
    3,782 real passages, but only 0.84 on 100k synthetic vectors made of near-duplicate clusters,
    whatever efSearch (bench/RESULTS.md): to be checked on a large real corpus.
    """
    dim = vectors.shape[1]
    if len(vectors) < EXACT_SEARCH_BELOW:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    faiss.omp_set_num_threads(CORES)  # adding to a graph is parallel; searching one question is not (see search)
    try:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    finally:
        faiss.omp_set_num_threads(1)
    return index


def recipe() -> dict:
    """How :func:`vector_index` chooses and sets up the index: the FAISS part of an index's spec."""
    return {"metric": "inner_product", "exact_search_below": EXACT_SEARCH_BELOW,
            "hnsw": {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH}}


def faiss_record(index: faiss.Index) -> dict:
    """What the manifest says about the vector index: its kind and the settings it was made with."""
    common = {"metric": "inner_product", "exact_search_below": EXACT_SEARCH_BELOW, "search_threads": 1}
    if isinstance(index, faiss.IndexHNSWFlat):
        return {"kind": "hnsw", "M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": index.hnsw.efSearch,
                **common}
    return {"kind": "flat", **common}


def search(index: faiss.Index, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``n`` inner products for a batch of questions, on one OpenMP thread.

    One question's search is too small to share: with two threads FAISS waits for the second
    (several times slower on a busy machine), so searches run single-threaded.
    """
    if faiss.omp_get_max_threads() != 1:
        faiss.omp_set_num_threads(1)
    return index.search(np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, index.d), min(n, index.ntotal))


def all_vectors(index: faiss.Index) -> np.ndarray:
    """Every stored vector, in passage order, as a copy (used to reuse embeddings on rebuild)."""
    return index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), np.float32)


def vector_matrix(index: faiss.Index) -> np.ndarray:
    """Every stored vector as a read-only (ntotal, d) float32 view without copying (flat and HNSW storage)."""
    flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
    if not isinstance(flat, faiss.IndexFlat) or flat.ntotal == 0:
        return all_vectors(index)
    raw = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
    view = np.asarray(_Keeper(index, raw))  # the view's base holds the index: its memory cannot be freed under it
    view.flags.writeable = False
    return view


class _Keeper:
    """Array interface of a FAISS-owned buffer plus a reference to the index that owns it."""

    def __init__(self, index: faiss.Index, raw: np.ndarray) -> None:
        self.index = index
        self.__array_interface__ = raw.__array_interface__
