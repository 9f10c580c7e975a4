"""``qa build --engine ray``: the same build as a Ray Data pipeline, for corpora one machine cannot embed in time.

    source files ─ read + clean (one task per file) ─► the local build's de-duplication (driver)
      ─► split into passages (tasks) ─► embed (a pool of actors, each with its own encoder
      pinned to its CPUs, writing each batch as a shard: vectors and passage records) ─► the
      driver sorts (article, passage) numbers into reading order ─► BM25 shards of
      ``qa.index.bm25.SHARD_PASSAGES`` passages (one task each, texts rebuilt from the articles),
      rescaled to the corpus idf ─► vectors gathered from the shards into one memory map, records
      streamed from the shards ─► the local build's indexing, manifest and atomic swap
      (:func:`qa.index.build.finish`).

Vectors, passage records and passage texts never sit whole on the driver: each actor writes a
float32 ``<id>.npy`` and a ``<id>.jsonl`` shard per batch into ``<index>/.shards-<id>/`` (on a
cluster the index folder must be on storage every node mounts) and returns only where each
passage went; the driver keeps four integers a passage. It still holds the articles (it
de-duplicates them and writes ``articles.jsonl``). Shards are float32 so that a Ray build's
vectors equal the local build's bit for bit.

Every step calls the code a local build runs, so both give the same passages and ids (ids
come from the article's ``doc_id`` and the passage's place in it, never from row order).
An embedding actor that dies is restarted and its batch retried up to ``RESTARTS`` times;
after that the build stops with one line and the live index is untouched. Ray is an optional
extra (``pip install -e .[ray]``); without ``--address`` a local Ray is started for the job.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import time
import uuid
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from qa import config
from qa.config import CORES
from qa.corpus import articles as corpus
from qa.corpus.articles import Article
from qa.errors import InputError, QAError
from qa.index import bm25, records, store
from qa.index.bm25 import LexicalIndex
from qa.index.build import BuildResult, embed_hash, expected_spec, finish, indexed_text, passages_of, up_to_date
from qa.models.embed import Embedder, make_embedder

logger = logging.getLogger(__name__)

RESTARTS = 3  # an embedding actor killed more often than this fails the build
BATCH = 64  # passages per actor call: small enough that both actors stay busy to the end (bench/RESULTS.md, "Scale")
ARTICLES_PER_BLOCK = 16  # Ray Data blocks of this many articles: one block per actor would leave actors idle
Factory = Callable[[int], Embedder]  # threads -> an embedder using that many intra-op threads


class RayBuildError(QAError):
    """The Ray pipeline failed (an actor kept dying, the cluster went away); the live index is intact."""


def _read(row: dict, decode_errors: str) -> dict:
    articles = corpus.read_file(Path(row["path"]), row["name"], decode_errors)
    return {"order": row["order"], "articles": [json.dumps(a.to_dict(), ensure_ascii=False) for a in articles]}


def _split(row: dict) -> list[dict]:
    article = Article.from_dict(json.loads(row["article"]))
    passages, texts = passages_of([article])
    return [{"order": row["order"], "n": n, "passage": json.dumps(records.passage_record(p, "")), "text": text}
            for n, (p, text) in enumerate(zip(passages, texts))]


class _Encoder:
    """One embedding actor: its own encoder, its intra-op and tokenizer threads pinned to its CPUs. It writes each
    batch as a shard (``<id>.npy`` vectors, ``<id>.jsonl`` passage records with their embed hashes) and returns
    only where each passage went."""

    def __init__(self, factory: Factory, threads: int, shards: str) -> None:
        config.pin_threads(threads)  # the tokenizer's pool is sized on first use, so before the encoder loads
        self.embedder = factory(threads)
        self.shards = Path(shards)

    def __call__(self, batch: dict) -> dict:
        texts = [str(t) for t in batch["text"]]
        vectors = np.asarray(self.embedder.encode_passages(texts), dtype=np.float32)
        name = uuid.uuid4().hex  # a retried batch writes a new shard; the lost attempt's is never read
        lines = "".join(json.dumps({**json.loads(record), "embed_hash": embed_hash(text)}, ensure_ascii=False) + "\n"
                        for record, text in zip(batch["passage"], texts))
        (self.shards / f".{name}.jsonl").write_text(lines, encoding="utf-8")
        np.save(self.shards / f".{name}.npy", vectors, allow_pickle=False)
        os.replace(self.shards / f".{name}.jsonl", self.shards / f"{name}.jsonl")
        os.replace(self.shards / f".{name}.npy", self.shards / f"{name}.npy")  # last: a shard with vectors is whole
        return {"order": batch["order"], "n": batch["n"], "shard": np.full(len(texts), name),
                "row": np.arange(len(texts))}


class _Shards:
    """The actors' shards in reading order: ``names[shard[i]]`` holds passage i at ``row[i]``."""

    def __init__(self, folder: Path, names: list[str], shard: np.ndarray, row: np.ndarray) -> None:
        self.folder, self.names, self.shard, self.row = folder, names, shard, row

    def __len__(self) -> int:
        return len(self.row)

    def records(self, start: int = 0, stop: int | None = None) -> Iterator[dict]:
        """Passage records of positions [start, stop), read a shard file at a time (recent ones kept)."""
        cache: OrderedDict[int, list[bytes]] = OrderedDict()
        for s, r in zip(self.shard[start:stop].tolist(), self.row[start:stop].tolist()):
            if s not in cache:
                cache[s] = (self.folder / f"{self.names[s]}.jsonl").read_bytes().splitlines()
                if len(cache) > 64:
                    cache.popitem(last=False)
            yield json.loads(cache[s][r])

    def vectors(self, dim: int) -> np.ndarray:
        """Every vector in reading order, copied into a float32 memory map beside the shards (a shard at a time)."""
        matrix = np.lib.format.open_memmap(self.folder / "vectors.npy", mode="w+", dtype=np.float32,
                                           shape=(len(self), dim))
        by_shard = np.argsort(self.shard, kind="stable")
        bounds = np.flatnonzero(np.diff(self.shard[by_shard])) + 1
        for group in np.split(by_shard, bounds) if len(by_shard) else []:
            stored = np.load(self.folder / f"{self.names[self.shard[group[0]]]}.npy", allow_pickle=False)
            matrix[group] = stored[self.row[group]]
        matrix.flush()
        return matrix


def _python_path() -> str:
    """The driver's ``qa`` first on the workers' import path (same files on a local or loopback cluster)."""
    return config.python_path(str(Path(__file__).resolve().parents[2]))


def _connect(address: str | None, actors: int, threads: int) -> bool:
    """Join the cluster at ``address``, or start a local Ray with a CPU per actor thread plus one for tasks.

    Returns whether this call started Ray (and so must stop it). Actors that hold every CPU stall
    Ray Data's read and split tasks, hence the extra CPU.
    """
    import ray

    runtime_env = {"env_vars": {"PYTHONPATH": _python_path()}}
    if ray.is_initialized():
        return False
    try:
        if address:
            ray.init(address=address, runtime_env=runtime_env, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(num_cpus=actors * threads + 1, runtime_env=runtime_env, include_dashboard=False,
                     logging_level=logging.WARNING, log_to_driver=False)
    except Exception as exc:  # noqa: BLE001 - Ray raises a bare Exception when a node does not start in time
        where = f"the Ray cluster at {address!r}" if address else "a local Ray"
        raise RayBuildError(f"cannot start {where} ({_first_line(exc)}); check `ray status` or drop --address") from exc
    return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _cause(exc: BaseException) -> QAError | None:
    """A QAError raised inside a task, however Ray wrapped it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, QAError):
            return exc
        exc = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
    return None


def _texts(articles: list[dict], rows: list[dict]) -> list[str]:
    """The indexed texts of passage records, from their articles (in a BM25 task: texts never reach the driver)."""
    by_id = {a["doc_id"]: Article.from_dict(a) for a in articles}
    return [indexed_text(by_id[r["doc_id"]], records.passage_of(r, by_id[r["doc_id"]])) for r in rows]


def _bm25_shard(articles: list[dict], rows: list[dict]):
    return bm25.shard(_texts(articles, rows))


def _lexical(shards: _Shards, by_id: dict[str, Article]) -> LexicalIndex:
    """BM25 shards built by Ray tasks, one for each ``SHARD_PASSAGES`` passages, then rescaled on the driver."""
    import ray

    task, refs = ray.remote(_bm25_shard), []
    for start in range(0, len(shards), bm25.SHARD_PASSAGES):
        rows = list(shards.records(start, start + bm25.SHARD_PASSAGES))
        articles = [by_id[d].to_dict() for d in dict.fromkeys(r["doc_id"] for r in rows)]
        refs.append(task.remote(articles, rows))
    return LexicalIndex.from_shards(ray.get(refs))


def _pipeline(files: list[tuple[Path, str]], decode_errors: str, factory: Factory, actors: int, threads: int,
              progress: bool, folder: Path) -> tuple[list[Article], _Shards]:
    import ray
    from ray.data import ActorPoolStrategy, DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = progress
    context.raise_original_map_exception = True
    read = ray.data.from_items([{"order": i, "path": str(p), "name": name} for i, (p, name) in enumerate(files)])
    rows = sorted(read.map(_read, fn_kwargs={"decode_errors": decode_errors}).take_all(), key=lambda r: r["order"])
    articles = corpus.unique((files[r["order"]][1], [Article.from_dict(json.loads(a)) for a in r["articles"]])
                             for r in rows)
    if not articles:
        raise corpus.CorpusError("no articles found in the sources; add UTF-8 .txt files or a .jsonl file")
    items = [{"order": i, "article": json.dumps(a.to_dict(), ensure_ascii=False)} for i, a in enumerate(articles)]
    with warnings.catch_warnings():  # bounded restarts have no named parameter yet (pyproject pins ray < 2.64)
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*", category=DeprecationWarning)
        blocks = min(len(items), max(8 * actors, len(items) // ARTICLES_PER_BLOCK))
        embedded = (ray.data.from_items(items, override_num_blocks=blocks).flat_map(_split)
                    .map_batches(_Encoder, fn_constructor_args=(factory, threads, str(folder)), batch_size=BATCH,
                                 batch_format="numpy", compute=ActorPoolStrategy(size=actors), num_cpus=threads,
                                 max_restarts=RESTARTS, max_task_retries=RESTARTS))
    names: dict[str, int] = {}
    order, n, shard, row = [], [], [], []
    for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
        order.append(batch["order"])
        n.append(batch["n"])
        shard.append(np.array([names.setdefault(str(s), len(names)) for s in batch["shard"]], dtype=np.int64))
        row.append(batch["row"])
    if not order:
        return articles, _Shards(folder, [], np.zeros(0, np.int64), np.zeros(0, np.int64))
    ranked = np.lexsort((np.concatenate(n), np.concatenate(order)))  # reading order, whatever order actors finished in
    return articles, _Shards(folder, list(names), np.concatenate(shard)[ranked], np.concatenate(row)[ranked])


def build(sources: Sequence[str | os.PathLike], root: Path, model: str, backend: str | None = None, *,
          address: str | None = None, actors: int | None = None, threads: int = 1, force: bool = False,
          decode_errors: str = "strict", progress: bool = True, factory: Factory | None = None) -> BuildResult:
    """Build (or keep) the index at ``root`` on Ray; the result equals :func:`qa.index.build.build`'s.

    ``actors`` embedding actors of ``threads`` intra-op threads each (default: one per core here,
    or one per cluster CPU less one with ``address``). ``factory`` makes each actor's encoder
    (default: the model and backend settings); tests pass a fake.
    """
    try:
        import ray
    except ImportError as exc:
        raise InputError("`qa build --engine ray` needs Ray; install it with `pip install -e '.[ray]'`") from exc

    root = Path(root)
    corpus.check_decode_errors(decode_errors)
    factory = factory or functools.partial(make_embedder, model, backend)
    embedder = factory(threads)  # the driver's copy: settings, fingerprint, and the ONNX export made once, here
    files = corpus.source_files(sources)
    with store.build_lock(root), contextlib.ExitStack() as stack:
        kept = None if force else up_to_date(root, sources, embedder)
        if kept is not None:
            return kept
        corpus.warn_skipped(sources)
        started = _connect(address, actors or CORES, threads)
        try:
            if actors is None:
                actors = CORES if not address else max(1, int(ray.cluster_resources().get("CPU", 2)) - 1) // threads
            began = time.perf_counter()
            shards = root / f".shards-{uuid.uuid4().hex[:12]}"  # beside the live build; removed whatever happens
            shards.mkdir(parents=True)
            stack.callback(shutil.rmtree, shards, True)
            try:
                articles, stored = _pipeline(files, decode_errors, factory, actors, threads, progress, shards)
                seconds = time.perf_counter() - began  # reading to the last vector
                lexical = _lexical(stored, {a.doc_id: a for a in articles})
            except QAError:
                raise
            except Exception as exc:  # Ray wraps task failures in many types; one line, live index untouched
                cause = _cause(exc)
                if cause is not None:
                    raise cause from exc
                raise RayBuildError(f"the Ray build failed ({type(exc).__name__}: {_first_line(exc)}); the live index "
                                    f"in {root} is untouched; run `qa build --engine ray` again") from exc
            nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
        finally:
            if started:
                ray.shutdown()
        logger.info("%d articles, %d passages embedded by %d actors on %d node(s) in %.1f s", len(articles),
                    len(stored), actors, nodes, seconds)
        engine = {"kind": "ray", "actors": actors, "threads_per_actor": threads, "nodes": nodes,
                  "pipeline_seconds": round(seconds, 2), "ray": ray.__version__}
        folder = finish(root, expected_spec(embedder), files, sources, articles, stored.records(), len(stored),
                        stored.vectors(embedder.dim), lexical, engine)
        return BuildResult(folder, len(articles), len(stored), len(stored), 0, False)
