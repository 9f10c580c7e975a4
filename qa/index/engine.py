"""An open index with its embedding model, checked against each other, cached once per process.

``_ENGINES`` (with ``_READERS``) is the one process-wide cache: one :class:`Engine` per (index folder, model
name, backend, reader on or off); engines that share a model and backend share its loaded embedder, and
engines with the reader on share one loaded reader per backend. It is what makes the model, the reader
and the index load once, on the first question, and never again. It is filled under ``_LOCK``, so
threads asking at once share one load.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from qa import config
from qa.config import backend_name
from qa.corpus import articles as corpus
from qa.errors import BadIndexError
from qa.index import spec, store
from qa.index.build import build, built_spec, expected_spec, is_current
from qa.index.store import Index
from qa.models import firstuse
from qa.models.calibration import Calibration, calibration_for
from qa.models.embed import Embedder, make_embedder
from qa.models.onnx_backend import ONNX_BACKENDS, materialise as onnx_materialise
from qa.models.reader import Reader, materialise as reader_materialise

logger = logging.getLogger(__name__)

_ENGINES: dict[tuple[str, str, str, bool], "Engine"] = {}
# The reader runs in fp32 on ONNX Runtime when the encoder runs on ONNX: int8 weights moved its answer logits
# by up to 1.8 on the seeds (tests/test_reader.py compares the backends), the encoder's vectors barely.
READER_BACKEND = {"onnx-int8": "onnx"}
_READERS: dict[str, Reader] = {}  # one loaded reader per reader backend, shared by the engines and `qa eval-reader`
_LOCK = threading.RLock()  # held while an engine is opened: one load per key, whatever the threads


@dataclass(frozen=True)
class Engine:
    """The embedder, the index and (unless turned off) the reader a question needs, already in memory."""

    embedder: Embedder
    index: Index
    reader: Reader | None = None

    @property
    def calibration(self) -> Calibration:
        """The abstention calibration of this engine's model and backend (package data, or the neutral rule)."""
        return calibration_for(self.embedder.name, self.embedder.backend)


def check(index: Index, embedder: Embedder, root: Path) -> str:
    """The index must match what this model and this code would build (:mod:`qa.index.spec`); returns "" when its
    sources are as they were, else a one-line warning (also logged) naming what changed and the command that
    rebuilds it. A stale index still answers, from the articles it holds: a file added to its folder, or a rebuild
    that failed or was interrupted, must not stop the questions."""
    sources = [root / s for s in index.manifest["corpus"]["sources"]]
    relative = [os.path.relpath(s) for s in sources]
    spec.check(built_spec(index.manifest), expected_spec(embedder), root, relative)
    if not all(s.exists() for s in sources):
        logger.info("sources of %s are not here; not checking whether it is stale", root)
        return ""
    files = corpus.source_files(sources)
    if corpus.unchanged(files, index.manifest["corpus"]):
        return ""
    warning = (f"warning: {root} is stale: {changes(files, index.manifest['corpus'])} since it was built; answering "
               f"from the articles it holds; run `{spec.rebuild_command(root, relative)}` to rebuild it")
    logger.warning("%s", warning)
    return warning


def changes(files: list[tuple[Path, str]], recorded: dict, named: int = 3) -> str:
    """What differs between the source files and a manifest's corpus record: ``1 file added (seeds/x.txt)``,
    ``2 files changed (...)``, ``1 file removed (...)``, naming the first ``named`` of each."""
    before = {str(row[0]): row for row in recorded.get("stats") or []}
    if not before:  # built from files then seconds old: no sizes and times recorded, only the content hash
        return "the files changed"
    now = {name: path for path, name in files}
    kinds = (("added", sorted(set(now) - set(before))), ("removed", sorted(set(before) - set(now))),
             ("changed", [n for n in sorted(now) if n in before and _stat(now[n], n) != list(before[n])]))
    said = [f"{len(names)} file{'s' if len(names) > 1 else ''} {kind} ({', '.join(names[:named])}"
            f"{', …' if len(names) > named else ''})" for kind, names in kinds if names]
    return ", ".join(said) or "the files changed"


def _stat(path: Path, name: str) -> list:
    st = path.stat()
    return [name, st.st_size, st.st_mtime_ns]


def open_engine(root: Path, embedder: Embedder, auto_build: Sequence[os.PathLike] | None = None) -> Engine:
    """Load and check the index at ``root``; build it first from ``auto_build`` if missing or stale."""
    if auto_build is not None and not is_current(root, auto_build, embedder):
        with firstuse.step("building the index", f"index built from {', '.join(map(str, auto_build))}", root,
                           hush=("qa.index.build",)) as current:
            built = build(auto_build, root, embedder, progress=current.bars)  # bars only on a terminal, transient
            current.done += f" ({built.articles} articles, {built.passages} passages)"
    index = store.load(root)
    check(index, embedder, root)
    return Engine(embedder=embedder, index=index)


def engine_for(root: Path, model: str, auto_build: Sequence[os.PathLike] | None = None,
               backend: str | None = None, reader: bool = True) -> Engine:
    """The cached engine for an index folder, model, backend (``QA_BACKEND`` when None) and reader on or off,
    opened on first use. The reader runs on ONNX fp32 when the encoder runs on ONNX, on torch with torch.

    Safe from many threads: the first callers wait for one load (and one auto-build), the others reuse it.
    """
    chosen = backend_name(model, backend)
    key = (str(Path(root).resolve()), model, chosen, reader)
    engine = _ENGINES.get(key)
    if engine is not None:
        return engine
    with _LOCK:
        if key not in _ENGINES:
            if auto_build is None and store.read_manifest(Path(root)) is None:
                raise BadIndexError(f"no index at {root}; run `qa build --source seeds --index {root}` to build one")
            embedder = next((e.embedder for (_, name, b, _), e in _ENGINES.items() if (name, b) == (model, chosen)), None)
            if not _ENGINES:
                _export_first(model, chosen, reader)
            engine = open_engine(Path(root), embedder or make_embedder(model, chosen), auto_build)
            if reader:
                engine = replace(engine, reader=reader_for(chosen))
            _ENGINES[key] = engine
        return _ENGINES[key]


def reader_for(backend: str) -> Reader:
    """The reader alone, without an index, for an encoder backend (``qa eval-reader``, and every engine with the
    reader on): ONNX fp32 for the ONNX backends, torch with torch. Loaded once per reader backend and shared."""
    reader_backend = READER_BACKEND.get(backend, backend)
    with _LOCK:
        if reader_backend not in _READERS:
            _READERS[reader_backend] = Reader(reader_backend)
        return _READERS[reader_backend]


def _export_first(model: str, backend: str, reader: bool) -> None:
    """First use: export the encoder and the reader to ONNX (when they run on it), one after the other, before this
    process loads anything: each export runs in child processes that need a few GB, beside a parent that holds
    little yet (bench/RESULTS.md, "First start")."""
    if backend in ONNX_BACKENDS:
        onnx_materialise(model, backend)
    reader_backend = READER_BACKEND.get(backend, backend)
    if reader and reader_backend in ONNX_BACKENDS:
        reader_materialise(reader_backend)


def engine_from_settings(settings: config.Settings) -> Engine:
    """The engine for resolved settings (:func:`qa.config.settings`); the default index is built from ./seeds if needed."""
    return engine_for(settings.index, settings.model, auto_build=settings.auto_build, backend=settings.backend,
                      reader=settings.reader)


def forget() -> None:
    """Empty the cache (tests, and a server that rebuilt its index)."""
    with _LOCK:
        _ENGINES.clear()
        _READERS.clear()
