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
from typing import Iterable, Sequence

import numpy as np

from qa.corpus import articles as corpus, documents
from qa.corpus.articles import Article
from qa.corpus.passages import Passage, split
from qa.corpus.passages import RECIPE as PASSAGES_RECIPE
from qa.errors import QAError
from qa.index import records, store
from qa.index import vectors
from qa.index.bm25 import LexicalIndex
from qa.index.lexical import TOKENS_VERSION, visible
from qa.index.spec import IndexSpec, difference, same_embeddings
from qa.models.calibration import calibration_for
from qa.models.embed import Embedder
from qa.models.reader import identity as reader_identity

logger = logging.getLogger(__name__)

TARGET_WORDS = 120
OVERLAP_WORDS = 50
CONTEXT = "title-outlet-place-date, title once; invisible characters out"  # what indexed_text makes of a passage


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
    return visible(f"{context}\n{passage.text}" if context else passage.text)  # matched without invisible characters


def expected_spec(embedder: Embedder) -> IndexSpec:
    """The spec a build with this embedder and this code writes, and every load compares with (:mod:`qa.index.spec`)."""
    prompts = embedder.prompts()
    return IndexSpec(model=embedder.name, backend=embedder.backend, fingerprint=embedder.fingerprint(), dim=embedder.dim,
                     runtime=embedder.runtime, query_prompt=prompts["query"], passage_prompt=prompts["document"],
                     target_words=TARGET_WORDS, overlap_words=OVERLAP_WORDS, context=CONTEXT, offsets=corpus.TEXT_FORM,
                     lexical_tokens=TOKENS_VERSION, vector_index=vectors.recipe(), passages=PASSAGES_RECIPE,
                     calibration=calibration_for(embedder.name, embedder.backend).identity(),
                     reader=reader_identity(), documents=documents.RECIPE)


def built_spec(manifest: dict) -> IndexSpec:
    """The spec an index was built with, from its manifest."""
    return IndexSpec.from_dict(manifest["spec"])


def source_record(files: list[tuple[Path, str]], sources: Sequence[str | os.PathLike], root: Path) -> dict:
    return {"sources": [os.path.relpath(Path(s).resolve(), root.resolve()) for s in sources],
            "content_hash": corpus.content_hash(files), "stats": corpus.file_stats(files)}


def _versions() -> dict:
    names = ("faiss-cpu", "sentence-transformers", "torch", "transformers", "bm25s", "numpy", "pypdfium2", "trafilatura",
             "python-docx")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _previous_vectors(root: Path, wanted: IndexSpec) -> dict[str, np.ndarray]:
    """Embeddings of the live build by embedded-text hash, when it used the same model, backend and prompts."""
    try:
        stored = store.stored_vectors(root)
        if stored is None or not same_embeddings(stored[0], wanted):
            return {}
    except (QAError, RuntimeError, KeyError, TypeError, ValueError) as exc:  # a broken index: nothing to reuse
        logger.info("not reusing embeddings from %s: %s", root, exc)
        return {}
    _, hashes, index = stored
    return dict(zip(hashes, vectors.all_vectors(index)))


def is_current(root: Path, sources: Sequence[str | os.PathLike], embedder: Embedder) -> bool:
    """True when the live index was built from these exact files with this model and settings (:mod:`qa.index.spec`)."""
    try:
        manifest = store.read_manifest(root)
        if manifest is None:
            return False
        field = difference(built_spec(manifest), expected_spec(embedder))
    except (QAError, KeyError, TypeError):
        return False
    if field is not None:
        logger.info("%s was built with another %s; rebuilding", root, field)
        return False
    files = corpus.source_files(sources)
    return corpus.unchanged(files, manifest.get("corpus", {}))


def up_to_date(root: Path, sources: Sequence[str | os.PathLike], embedder: Embedder) -> BuildResult | None:
    """The live build when it is current and its files check out (nothing to do), else None."""
    if not is_current(root, sources, embedder):
        return None
    manifest, folder = store.read_manifest(root), store.current_folder(root)
    try:
        store.verify_files(root, folder, manifest)
    except QAError as exc:
        logger.warning("rebuilding: %s", exc)
        return None
    logger.info("index %s is up to date; nothing to embed", root)
    counts = manifest["corpus"]
    return BuildResult(folder, counts["articles"], counts["passages"], 0, counts["passages"], True)


def build(sources: Sequence[str | os.PathLike], root: Path, embedder: Embedder, force: bool = False,
          decode_errors: str = "strict", progress: bool = True) -> BuildResult:
    """Build (or keep) the index at ``root`` from the sources. Holds the build lock throughout."""
    root = Path(root)
    with store.build_lock(root):
        kept = None if force else up_to_date(root, sources, embedder)
        if kept is not None:
            return kept
        files = corpus.source_files(sources)
        articles = corpus.load(sources, decode_errors=decode_errors)
        passages, texts = passages_of(articles)
        spec = expected_spec(embedder)
        hashes = [embed_hash(t) for t in texts]
        known = {} if force else _previous_vectors(root, spec)
        todo = [i for i, h in enumerate(hashes) if h not in known]
        logger.info("%d articles, %d passages: embedding %d, reusing %d", len(articles), len(passages), len(todo),
                    len(passages) - len(todo))
        matrix = np.zeros((len(passages), embedder.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            if h in known:
                matrix[i] = known[h]
        started = time.perf_counter()
        if todo:
            matrix[todo] = embedder.encode_passages([texts[i] for i in todo], progress=progress)
        embedded = time.perf_counter() - started
        lexical = LexicalIndex.build(texts, progress=progress)
        folder = finish(root, spec, files, sources, articles,
                        (records.passage_record(p, h) for p, h in zip(passages, hashes)), len(passages), matrix, lexical)
        logger.info("embedded %d passages in %.1f s (%.0f passages/s); indexed and written in %.1f s", len(todo),
                    embedded, len(todo) / embedded if todo and embedded > 0 else 0.0,
                    time.perf_counter() - started - embedded)
        return BuildResult(folder, len(articles), len(passages), len(todo), len(passages) - len(todo), False)


def passages_of(articles: Sequence[Article]) -> tuple[list[Passage], list[str]]:
    """Every article's passages in reading order, and the text embedded and indexed for each."""
    passages: list[Passage] = []
    texts: list[str] = []
    for article in articles:
        for passage in split(article.doc_id, article.text, article.blocks, TARGET_WORDS, OVERLAP_WORDS):
            passages.append(passage)
            texts.append(indexed_text(article, passage))
    return passages, texts


def embed_hash(text: str) -> str:
    """The hash a passage's embedding is reused by: of the exact text embedded."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def finish(root: Path, spec: IndexSpec, files: list[tuple[Path, str]], sources: Sequence[str | os.PathLike],
           articles: list[Article], passage_records: Iterable[dict], passages: int, matrix: np.ndarray,
           lexical: LexicalIndex, engine: dict | None = None) -> Path:
    """Index the embedded passages (FAISS; BM25 comes built), write the manifest and swap the build in; the caller
    holds the lock. ``passage_records`` (:func:`qa.index.records.passage_record`, in index order) are streamed to disk."""
    index = vectors.vector_index(matrix)
    manifest = {"spec": spec.to_dict(), "corpus": {**source_record(files, sources, root), "articles": len(articles),
                                                   "passages": passages},
                "faiss": vectors.faiss_record(index), "engine": engine or {"kind": "local"}, "versions": _versions(),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)
    return store.write(root, build_id, manifest, articles, passage_records, index, lexical)
