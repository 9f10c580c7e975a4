"""``qa build --engine ray``: the same build as a Ray Data pipeline, for corpora one machine cannot embed in time.

    source files ─ read + clean (one task per file) ─► the local build's de-duplication (driver)
      ─► split into passages (tasks) ─► embed (a pool of actors, each with its own encoder
      pinned to its CPUs, writing its vectors as shard files) ─► passages back in reading order,
      vectors gathered from the shards into one memory-mapped file ─► BM25 shards of
      ``qa.bm25.SHARD_PASSAGES`` passages (one task each), rescaled to the corpus idf ─► the
      local build's indexing, manifest and atomic swap (:func:`qa.build.finish`).

Vectors never travel through the driver: each actor writes a float32 shard per batch into
``<index>/.shards-<id>/`` (on a cluster the index folder must be on storage every node
mounts), and the driver copies them in reading order into a memory map that the index is
built from, so a build holds no vector matrix in RAM. The shards are float32 so that a Ray
build's vectors equal the local build's bit for bit.

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
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa import bm25, config, corpus, store
from qa.bm25 import LexicalIndex
from qa.build import BuildResult, expected_spec, finish, passages_of, up_to_date
from qa.config import CORES
from qa.corpus import Article
from qa.embed import Embedder, make_embedder
from qa.errors import InputError, QAError
from qa.passages import Passage

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
    return [{"order": row["order"], "n": n, "passage": json.dumps(store.passage_record(p, "")), "text": text}
            for n, (p, text) in enumerate(zip(passages, texts))]


class _Encoder:
    """One embedding actor: its own encoder, its intra-op and tokenizer threads pinned to its CPUs; it writes each
    batch's vectors to a shard file and returns where they are."""

    def __init__(self, factory: Factory, threads: int, shards: str) -> None:
        config.pin_threads(threads)  # the tokenizer's pool is sized on first use, so before the encoder loads
        self.embedder = factory(threads)
        self.shards = Path(shards)

    def __call__(self, batch: dict) -> dict:
        vectors = np.asarray(self.embedder.encode_passages([str(t) for t in batch["text"]]), dtype=np.float32)
        name = f"{uuid.uuid4().hex}.npy"  # a retried batch writes a new shard; the lost attempt's is never read
        tmp = self.shards / f".{name}"
        np.save(tmp, vectors, allow_pickle=False)
        os.replace(tmp, self.shards / name)
        batch["shard"] = np.full(len(vectors), name)
        batch["row"] = np.arange(len(vectors))
        return batch


def _python_path() -> str:
    """The driver's ``qa`` first on the workers' import path (same files on a local or loopback cluster)."""
    return config.python_path(str(Path(__file__).resolve().parent.parent))


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


def _gather(found: list[tuple[int, int, str, str, str, int]], shards: Path, dim: int) -> np.ndarray:
    """The shards' vectors in reading order, copied into a float32 memory map in ``shards`` (one shard read at a time)."""
    matrix = np.lib.format.open_memmap(shards / "vectors.npy", mode="w+", dtype=np.float32, shape=(len(found), dim))
    by_shard: dict[str, list[tuple[int, int]]] = {}
    for position, f in enumerate(found):
        by_shard.setdefault(f[4], []).append((position, f[5]))
    for name, rows in by_shard.items():
        vectors = np.load(shards / name, allow_pickle=False)
        positions, taken = zip(*rows)
        matrix[list(positions)] = vectors[list(taken)]
    matrix.flush()
    return matrix


def _lexical(texts: list[str]) -> LexicalIndex:
    """BM25 shards built by Ray tasks, one for each ``SHARD_PASSAGES`` passages, then rescaled on the driver."""
    import ray

    task = ray.remote(bm25.shard)
    return LexicalIndex.from_shards(ray.get([task.remote(texts[start : start + bm25.SHARD_PASSAGES])
                                             for start in range(0, len(texts), bm25.SHARD_PASSAGES)]))


def _pipeline(files: list[tuple[Path, str]], decode_errors: str, factory: Factory, actors: int, threads: int,
              progress: bool, shards: Path, dim: int) -> tuple[list[Article], list[Passage], list[str], np.ndarray]:
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
                    .map_batches(_Encoder, fn_constructor_args=(factory, threads, str(shards)), batch_size=BATCH,
                                 batch_format="numpy", compute=ActorPoolStrategy(size=actors), num_cpus=threads,
                                 max_restarts=RESTARTS, max_task_retries=RESTARTS))
    found: list[tuple[int, int, str, str, str, int]] = []
    for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
        found.extend(zip(batch["order"].tolist(), batch["n"].tolist(), batch["passage"], batch["text"],
                         batch["shard"].tolist(), batch["row"].tolist()))
    found.sort(key=lambda f: (f[0], f[1]))  # reading order, whatever order the actors finished in
    by_id = {a.doc_id: a for a in articles}
    passages = []
    for _, _, record, _, _, _ in found:
        r = json.loads(record)
        text = by_id[r["doc_id"]].text[r["start"] : r["end"]]
        passages.append(Passage(passage_id=r["passage_id"], doc_id=r["doc_id"], start=r["start"], end=r["end"],
                                text=text, sentences=tuple(tuple(s) for s in r["sentences"])))
    texts = [str(f[3]) for f in found]
    return articles, passages, texts, _gather(found, shards, dim)


def build(sources: Sequence[str | os.PathLike], root: Path, model: str, backend: str | None = None, *,
          address: str | None = None, actors: int | None = None, threads: int = 1, force: bool = False,
          decode_errors: str = "strict", progress: bool = True, factory: Factory | None = None) -> BuildResult:
    """Build (or keep) the index at ``root`` on Ray; the result equals :func:`qa.build.build`'s.

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
        started = _connect(address, actors or CORES, threads)
        try:
            if actors is None:
                actors = CORES if not address else max(1, int(ray.cluster_resources().get("CPU", 2)) - 1) // threads
            began = time.perf_counter()
            shards = root / f".shards-{uuid.uuid4().hex[:12]}"  # beside the live build; removed whatever happens
            shards.mkdir(parents=True)
            stack.callback(shutil.rmtree, shards, True)
            try:
                articles, passages, texts, vectors = _pipeline(files, decode_errors, factory, actors, threads, progress,
                                                               shards, embedder.dim)
                seconds = time.perf_counter() - began  # reading to the last vector
                lexical = _lexical(texts)
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
                    len(passages), actors, nodes, seconds)
        engine = {"kind": "ray", "actors": actors, "threads_per_actor": threads, "nodes": nodes,
                  "pipeline_seconds": round(seconds, 2), "ray": ray.__version__}
        folder = finish(root, expected_spec(embedder), files, sources, articles, passages, texts, vectors, engine,
                        progress=progress, lexical=lexical)
        return BuildResult(folder, len(articles), len(passages), len(passages), 0, False)
