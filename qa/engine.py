"""An open index with its embedding model, checked against each other, cached once per process.

``_ENGINES`` is the one process-wide cache: one :class:`Engine` per (index folder, model
name, backend), and engines that share a model and backend share its loaded embedder. It is what makes the
model and the index load once, on the first question, and never again.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from qa import config, corpus, store
from qa.build import build, is_current
from qa.embed import Embedder, backend_name, make_embedder
from qa.errors import BadIndexError
from qa.store import Index

logger = logging.getLogger(__name__)

_ENGINES: dict[tuple[str, str, str], "Engine"] = {}


@dataclass(frozen=True)
class Engine:
    """The embedder and the index a question needs, already in memory."""

    embedder: Embedder
    index: Index


def check(index: Index, embedder: Embedder, root: Path) -> None:
    """The index must have been built by this model from the sources as they are now."""
    built = index.manifest["model"]
    if built["name"] != embedder.name:
        raise BadIndexError(f"{root} was built with model {built['name']!r}, not {embedder.name!r}; run "
                            f"`qa build --index {root} --model {embedder.name}` or set QA_MODEL={built['name']}")
    backend = getattr(embedder, "backend", "torch")
    if built.get("backend", "torch") != backend:
        raise BadIndexError(f"{root} was built with the {built.get('backend', 'torch')} backend, not {backend}; run "
                            f"`qa build --index {root} --backend {backend}` or set QA_BACKEND={built.get('backend', 'torch')}")
    if built["fingerprint"] != embedder.fingerprint() or built["dim"] != embedder.dim:
        raise BadIndexError(f"the weights of model {embedder.name!r} changed since {root} was built; "
                            f"run `qa build --index {root}`")
    sources = [root / s for s in index.manifest["corpus"]["sources"]]
    if all(s.exists() for s in sources):
        files = corpus.source_files(sources)
        if corpus.content_hash(files) != index.manifest["corpus"]["content_hash"]:
            raise BadIndexError(f"{root} is stale: the articles in {', '.join(map(str, sources))} changed since it "
                                f"was built; run `qa build --index {root}`")
    else:
        logger.info("sources of %s are not here; not checking whether it is stale", root)


def open_engine(root: Path, embedder: Embedder, auto_build: Sequence[os.PathLike] | None = None) -> Engine:
    """Load and check the index at ``root``; build it first from ``auto_build`` if missing or stale."""
    if auto_build is not None and not is_current(root, auto_build, embedder):
        logger.info("building %s from %s", root, ", ".join(map(str, auto_build)))
        build(auto_build, root, embedder)
    index = store.load(root)
    check(index, embedder, root)
    return Engine(embedder=embedder, index=index)


def engine_for(root: Path, model: str, auto_build: Sequence[os.PathLike] | None = None,
               backend: str | None = None) -> Engine:
    """The cached engine for an index folder, model and backend (``QA_BACKEND`` when None), opened on first use."""
    chosen = backend_name(model, backend)
    key = (str(Path(root).resolve()), model, chosen)
    if key not in _ENGINES:
        if auto_build is None and store.read_manifest(Path(root)) is None:
            raise BadIndexError(f"no index at {root}; run `qa build --source seeds --index {root}` to build one")
        embedder = next((e.embedder for (_, name, b), e in _ENGINES.items() if (name, b) == (model, chosen)), None)
        _ENGINES[key] = open_engine(Path(root), embedder or make_embedder(model, chosen), auto_build)
    return _ENGINES[key]


def default_sources() -> list[Path] | None:
    """``./seeds`` when the default index may be built from it (no ``QA_INDEX`` set), else None."""
    seeds = Path(config.DEFAULT_SOURCES[0])
    return [seeds] if seeds.is_dir() and not os.environ.get("QA_INDEX") else None


def engine_from_settings(index: str | os.PathLike | None = None, model: str | None = None,
                         backend: str | None = None) -> Engine:
    """The engine for the user's settings: ``--index``/``QA_INDEX``/``./index`` and ``--model``/``QA_MODEL``.

    Only the default index (no folder given) is built from ``./seeds`` when missing or stale.
    """
    return engine_for(config.index_dir(index), config.model_name(model),
                      auto_build=None if index is not None else default_sources(), backend=backend)


def forget() -> None:
    """Empty the cache (tests, and a server that rebuilt its index)."""
    _ENGINES.clear()
