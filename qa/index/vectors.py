"""The vector index: which FAISS index a build makes, how a question searches it, the stored vectors as a view.

Below retrieval and beside the index folder: :mod:`qa.index.build` makes the index with
:func:`vector_index` and records it with :func:`faiss_record`; :mod:`qa.index.store` writes and opens
it with :func:`save` and :func:`open_index`; :mod:`qa.answering.retrieve` searches it with :func:`search`
and reads stored vectors through :func:`vector_matrix` (no copy).

Two kinds, chosen by size (bench/RESULTS.md, "Scale"):

- ``flat``: exact inner product over float32 vectors, below ``EXACT_SEARCH_BELOW`` passages (about 17 ms a
  question at 100k on one core);
- ``ivf``: an inverted file over 4-bit product-quantised codes scanned with SIMD ("fast scan",
  ``PQ_M`` / 2 bytes a passage; an HNSW graph finds the nearest lists once there are
  ``HNSW_QUANTIZER_FROM`` of them) proposes ``RESCORE`` candidates, which are re-scored exactly
  from the float16 vectors, memory-mapped from ``vectors.f16.npy``: only the candidates' rows
  are read. At 1M calibrated vectors, recall@10 against exact search was set by the codes and
  the lists probed more than by the candidates: 0.95 with 48-byte codes whatever the probes; with
  96-byte codes and 1,000 candidates 0.986 / 0.993 / 0.997 at 128 / 256 / 512 of 4,096 lists
  (bench/RESULTS.md, "Scale").
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from qa.config import CORES

EXACT_SEARCH_BELOW = 200_000  # passages; exact search costs about 5 ms a question at 100k, 50 ms at 1M (bench/RESULTS.md, "Scale")
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 128  # the coarse quantizer's graph
PQ_M, PQ_BITS = 192, 4  # 192 sub-quantizers of 2 dimensions, 4 bits each: 96 bytes a passage
RESCORE = 1000  # candidates re-scored exactly from the float16 vectors
HNSW_QUANTIZER_FROM = 16384  # lists; fewer are searched exactly (8,192 centroids take about 0.5 ms)
TRAIN_PER_LIST = 40  # training sample: this many vectors a list (FAISS warns below 39)
FAISS_FILE, F16_FILE = "vectors.faiss", "vectors.f16.npy"


def ivf_lists(n: int) -> int:
    """About 4 sqrt(n) lists, a power of two: 512 at 20k, 1,024 at 100k, 4,096 at 1M, 16,384 at 10M
    (never fewer than 39 vectors a list, which k-means needs)."""
    return max(1, min(1 << int(round(np.log2(4 * np.sqrt(max(n, 1))))), n // 39))


def ivf_probes(lists: int) -> int:
    """Lists searched a question: one in 8 (at least 64). e5 questions sit about equally close to many lists, and
    more so in smaller corpora: one list in 16 gave recall@10 0.961 at 100k calibrated vectors and 0.993 at 1M;
    one in 8 gave 0.997 at 1M in 3.4 ms (bench/RESULTS.md, "Scale")."""
    return int(min(lists, max(64, lists // 8)))


class Rescored:
    """An IVF-PQ index whose candidates are re-scored exactly from float16 vectors (``matrix``)."""

    def __init__(self, index: faiss.Index, matrix: np.ndarray) -> None:
        self.index, self.matrix = index, matrix
        self.ntotal, self.d = index.ntotal, index.d

    def search(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.d)
        _, candidates = self.index.search(queries, min(self.ntotal, max(n, RESCORE)))
        scores = np.full((len(queries), n), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), n), -1, dtype=np.int64)
        for row, (query, found) in enumerate(zip(queries, candidates)):
            found = np.sort(found[found >= 0])  # in file order: fewer pages touched
            exact = np.asarray(self.matrix[found], dtype=np.float32) @ query
            best = np.argsort(-exact, kind="stable")[:n]
            scores[row, : len(best)], ids[row, : len(best)] = exact[best], found[best]
        return scores, ids


def vector_index(vectors: np.ndarray) -> faiss.Index | Rescored:
    """Exact inner product below ``EXACT_SEARCH_BELOW`` passages; IVF-PQ with exact re-scoring at and above it."""
    filename = getattr(vectors, "filename", None)  # a memory-mapped input (lost by the view below)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) < EXACT_SEARCH_BELOW:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return index
    faiss.omp_set_num_threads(CORES)  # training and adding are parallel; searching one question is not (see search)
    try:
        return Rescored(_ivf(vectors), _float16(vectors, filename))
    finally:
        faiss.omp_set_num_threads(1)


def _float16(vectors: np.ndarray, filename: str | None) -> np.ndarray:
    """The float16 copy re-scoring reads: in RAM, or beside the memory-mapped input ``filename`` (a Ray build's
    gathered shards), written a chunk at a time so that a build never holds it whole."""
    if filename is None:
        return vectors.astype(np.float16)
    out = np.lib.format.open_memmap(Path(filename).with_suffix(".f16.npy"), mode="w+", dtype=np.float16,
                                    shape=vectors.shape)
    for start in range(0, len(vectors), 1 << 16):
        out[start : start + (1 << 16)] = vectors[start : start + (1 << 16)]
    out.flush()
    return out


def _ivf(vectors: np.ndarray) -> faiss.Index:
    n, dim = vectors.shape
    lists = ivf_lists(n)
    if lists >= HNSW_QUANTIZER_FROM:
        quantizer = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        quantizer.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        quantizer.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * ivf_probes(lists))  # finds the nprobe nearest lists
    else:
        quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFPQFastScan(quantizer, dim, lists, PQ_M, PQ_BITS, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(n, min(n, TRAIN_PER_LIST * lists), replace=False)
    index.train(vectors[np.sort(sample)])
    for start in range(0, n, 1 << 16):
        index.add(vectors[start : start + (1 << 16)])
    index.nprobe = ivf_probes(lists)
    return index


def _codes() -> str:
    return f"pq{PQ_M}x{PQ_BITS}fs"


def recipe() -> dict:
    """How :func:`vector_index` chooses and sets up the index: the FAISS part of an index's spec."""
    return {"metric": "inner_product", "exact_search_below": EXACT_SEARCH_BELOW,
            "ivf": {"lists": "4 sqrt(n), power of two", "codes": _codes(), "rescore": RESCORE, "stored": "float16",
                    "hnsw_quantizer_from": HNSW_QUANTIZER_FROM, "train_per_list": TRAIN_PER_LIST},
            "hnsw": {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH}}


def faiss_record(index: faiss.Index | Rescored) -> dict:
    """What the manifest says about the vector index: its kind and the settings it was made with."""
    common = {"metric": "inner_product", "exact_search_below": EXACT_SEARCH_BELOW, "search_threads": 1}
    if isinstance(index, Rescored):
        ivf = faiss.extract_index_ivf(index.index)
        quantizer = "hnsw" if isinstance(faiss.downcast_index(ivf.quantizer), faiss.IndexHNSW) else "flat"
        return {"kind": "ivf", "lists": ivf.nlist, "nprobe": ivf.nprobe, "codes": _codes(), "quantizer": quantizer,
                "rescore": RESCORE, "rescore_from": F16_FILE, **common}
    return {"kind": "flat", **common}


def save(index: faiss.Index | Rescored, folder: Path) -> None:
    """Write the index's files into ``folder``: the FAISS file, and for IVF the float16 vectors."""
    if isinstance(index, Rescored):
        faiss.write_index(index.index, str(folder / FAISS_FILE))
        np.save(folder / F16_FILE, np.asarray(index.matrix, dtype=np.float16), allow_pickle=False)
    else:
        faiss.write_index(index, str(folder / FAISS_FILE))


def open_index(folder: Path, record: dict) -> faiss.Index | Rescored:
    """The index saved in ``folder`` as the manifest records it; IVF lists and float16 vectors are memory-mapped."""
    if record.get("kind") != "ivf":
        return faiss.read_index(str(folder / FAISS_FILE))
    index = faiss.read_index(str(folder / FAISS_FILE), faiss.IO_FLAG_MMAP)
    faiss.extract_index_ivf(index).nprobe = int(record["nprobe"])  # a search setting FAISS does not save
    matrix = np.load(folder / F16_FILE, mmap_mode="r", allow_pickle=False)
    if matrix.dtype != np.float16 or matrix.shape != (index.ntotal, index.d):
        raise ValueError(f"{F16_FILE} holds {matrix.dtype} {matrix.shape}, not float16 ({index.ntotal}, {index.d})")
    return Rescored(index, matrix)


def search(index: faiss.Index, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``n`` inner products for a batch of questions, on one OpenMP thread.

    One question's search is too small to share: with two threads FAISS waits for the second
    (several times slower on a busy machine), so searches run single-threaded.
    """
    if faiss.omp_get_max_threads() != 1:
        faiss.omp_set_num_threads(1)
    if isinstance(index, Rescored):
        return index.search(queries, min(n, index.ntotal))
    return index.search(np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, index.d), min(n, index.ntotal))


def all_vectors(index: faiss.Index | Rescored) -> np.ndarray:
    """Every stored vector, in passage order, as a float32 copy (used to reuse embeddings on rebuild)."""
    if isinstance(index, Rescored):
        return np.asarray(index.matrix, dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), np.float32)


def vector_matrix(index: faiss.Index | Rescored) -> np.ndarray:
    """Every stored vector as a read-only (ntotal, d) view without copying: float32 for flat and HNSW storage,
    the float16 memory map for IVF."""
    if isinstance(index, Rescored):
        return index.matrix
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
