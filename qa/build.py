"""Build an index: articles → passages → embeddings (reused when unchanged) → FAISS + BM25 → disk."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np

from qa import corpus, store
from qa.corpus import Article
from qa.embed import Embedder
from qa.errors import QAError
from qa.lexical import TOKENS_VERSION, LexicalIndex
from qa.passages import Passage, split

logger = logging.getLogger(__name__)

TARGET_WORDS = 120
OVERLAP_WORDS = 50
EXACT_SEARCH_BELOW = 20_000  # passages; from here on an HNSW graph replaces exact search (bench/RESULTS.md)
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 128
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the live folder, counts, and how many passages were embedded anew."""

    folder: Path
    articles: int
    passages: int
    embedded: int
    reused: int
    skipped: bool  # True when the index was already up to date and nothing was written


def context_line(article: Article, passage: Passage | None = None) -> str:
    """The article context carried into a passage's embedded and lexical text: title, outlet, place, date.

    The title is left out when the passage already holds it (a title taken from the lead
    sentence, or a headline the text repeats): said twice, it drowns the passage's own words.
    """
    title = article.title
    if passage is not None and title.rstrip("…").strip() in passage.text:
        title = ""
    where = ", ".join(p for p in (article.outlet, article.place, article.date) if p)
    return " — ".join(p for p in (title, where) if p)


def indexed_text(article: Article, passage: Passage) -> str:
    """What is embedded and indexed for a passage: its article's context, then its text."""
    context = context_line(article, passage)
    return f"{context}\n{passage.text}" if context else passage.text


def settings(embedder: Embedder) -> dict:
    backend = {"backend": embedder.backend} if getattr(embedder, "backend", None) else {}
    return {"model": {"name": embedder.name, **backend, "fingerprint": embedder.fingerprint(), "dim": embedder.dim,
                      "prompts": embedder.prompts()},
            "passages": {"target_words": TARGET_WORDS, "overlap_words": OVERLAP_WORDS, "context": "title-outlet-place-date, title once",
                         "lexical_tokens": TOKENS_VERSION}}


def source_record(files: list[tuple[Path, str]], sources: Sequence[str | os.PathLike], root: Path) -> dict:
    return {"sources": [os.path.relpath(Path(s).resolve(), root.resolve()) for s in sources],
            "content_hash": corpus.content_hash(files)}


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


def faiss_record(index: faiss.Index) -> dict:
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


def vector_matrix(index: faiss.Index) -> np.ndarray:
    """Every stored vector as a read-only (ntotal, d) float32 view without copying (flat and HNSW storage)."""
    flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
    if not isinstance(flat, faiss.IndexFlat) or flat.ntotal == 0:
        return store.all_vectors(index)
    raw = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
    view = np.asarray(_Keeper(index, raw))  # the view's base holds the index: its memory cannot be freed under it
    view.flags.writeable = False
    return view


class _Keeper:
    """Array interface of a FAISS-owned buffer plus a reference to the index that owns it."""

    def __init__(self, index: faiss.Index, raw: np.ndarray) -> None:
        self.index = index
        self.__array_interface__ = raw.__array_interface__


def _versions() -> dict:
    names = ("faiss-cpu", "sentence-transformers", "torch", "transformers", "bm25s", "numpy")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _previous_vectors(root: Path, model: dict) -> dict[str, np.ndarray]:
    """Embeddings of the live build by embedded-text hash, when it used the same model and prompts."""
    try:
        manifest = store.read_manifest(root)
        if manifest is None or manifest["model"] != model:
            return {}
        old = store.load(root)
    except (QAError, RuntimeError) as exc:  # a broken previous index only means nothing can be reused
        logger.info("not reusing embeddings from %s: %s", root, exc)
        return {}
    return dict(zip(old.embed_hashes, store.all_vectors(old.vectors)))


def is_current(root: Path, sources: Sequence[str | os.PathLike], embedder: Embedder) -> bool:
    """True when the live index was built from these exact files with this model and settings."""
    try:
        manifest = store.read_manifest(root)
    except QAError:
        return False
    if manifest is None:
        return False
    wanted = settings(embedder)
    same_settings = manifest.get("model") == wanted["model"] and manifest.get("passages") == wanted["passages"]
    files = corpus.source_files(sources)
    return same_settings and manifest.get("corpus", {}).get("content_hash") == corpus.content_hash(files)


def build(sources: Sequence[str | os.PathLike], root: Path, embedder: Embedder, force: bool = False,
          decode_errors: str = "strict", progress: bool = True) -> BuildResult:
    """Build (or keep) the index at ``root`` from the sources. Holds the build lock throughout."""
    root = Path(root)
    with store.build_lock(root):
        if not force and is_current(root, sources, embedder):
            manifest, folder = store.read_manifest(root), store.current_folder(root)
            try:
                store.verify_files(root, folder, manifest)
            except QAError as exc:
                logger.warning("rebuilding: %s", exc)
            else:
                logger.info("index %s is up to date; nothing to embed", root)
                counts = manifest["corpus"]
                return BuildResult(folder, counts["articles"], counts["passages"], 0, counts["passages"], True)
        files = corpus.source_files(sources)
        articles = corpus.load(sources, decode_errors=decode_errors)
        passages: list[Passage] = []
        texts: list[str] = []
        for article in articles:
            for passage in split(article.doc_id, article.text, article.blocks, TARGET_WORDS, OVERLAP_WORDS):
                passages.append(passage)
                texts.append(indexed_text(article, passage))
        config = settings(embedder)
        hashes = [hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
        known = {} if force else _previous_vectors(root, config["model"])
        todo = [i for i, h in enumerate(hashes) if h not in known]
        logger.info("%d articles, %d passages: embedding %d, reusing %d", len(articles), len(passages), len(todo),
                    len(passages) - len(todo))
        vectors = np.zeros((len(passages), embedder.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            if h in known:
                vectors[i] = known[h]
        if todo:
            vectors[todo] = embedder.encode_passages([texts[i] for i in todo], progress=progress)
        index = vector_index(vectors)
        lexical = LexicalIndex.build(texts)
        manifest = {**config, "corpus": {**source_record(files, sources, root), "articles": len(articles),
                                         "passages": len(passages)},
                    "faiss": faiss_record(index), "versions": _versions(),
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)
        folder = store.write(root, build_id, manifest, articles, passages, hashes, index, lexical)
        return BuildResult(folder, len(articles), len(passages), len(todo), len(passages) - len(todo), False)
