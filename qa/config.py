"""Settings and their environment variables: read here only, once per call of :func:`settings`, never at import.

Flags (or keyword arguments) win, then the ``QA_*`` environment, then the defaults. A caller
resolves one :class:`Settings` and passes it down; no other module reads the environment.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from qa.errors import InputError, ModelError

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
DEFAULT_INDEX = "index"
DEFAULT_SOURCES = ("seeds",)
UPLOADS = "uploads"  # documents added from the chat page, beside the index (./uploads for ./index); git ignores it
MAX_QUESTION_CHARS = 2000
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)  # usable cores
BACKENDS = ("onnx-int8", "onnx", "torch")
DEFAULT_BACKEND = "onnx-int8"  # R@5 within 0.005 of fp32 on FacQA and IDK-MRC dev, same run: bench/RESULTS.md


# Whether the trained reader reads the candidates unless told otherwise: on, because with it (retrieval states, the
# reader vetoes and fills in: qa/answering/decide.py) more right answers and no more wrong ones are stated than by
# retrieval alone on the seed questions and the FacQA and IDK-MRC dev sets, in one run (bench/selective.py, README
# "Which path users get").
READER_DEFAULT = True


@dataclass(frozen=True)
class Settings:
    """Where the index is, which model and backend embed questions, what the default index is built from, and
    whether the trained reader reads the candidates."""

    index: Path
    model: str
    backend: str
    auto_build: tuple[Path, ...] | None  # ./seeds (and ./uploads) when the default index may be built from them, else None
    reader: bool = READER_DEFAULT


def settings(index: str | os.PathLike | None = None, model: str | None = None, backend: str | None = None,
             reader: bool | None = None) -> Settings:
    """Resolve every setting once. Only the default index (no folder given, no ``QA_INDEX``) is built from ``./seeds``,
    and from ``./uploads`` when documents were added from the chat page."""
    chosen_model = model_name(model)
    env_index = os.environ.get("QA_INDEX")
    seeds, uploads = Path(DEFAULT_SOURCES[0]), Path(DEFAULT_INDEX).parent / UPLOADS
    default = index is None and not env_index and seeds.is_dir()
    auto = (seeds, *((uploads,) if uploads.is_dir() else ())) if default else None
    return Settings(index=Path(index or env_index or DEFAULT_INDEX), model=chosen_model,
                    backend=backend_name(chosen_model, backend), auto_build=auto, reader=reader_enabled(reader))


def model_name(override: str | None = None) -> str:
    """``--model`` wins, then ``QA_MODEL``, then the offline multilingual-e5-small."""
    return override or os.environ.get("QA_MODEL") or DEFAULT_MODEL


def backend_name(model: str, override: str | None = None) -> str:
    """``--backend`` wins, then ``QA_BACKEND``; otherwise onnx-int8 for the default model, torch for others."""
    chosen = override or os.environ.get("QA_BACKEND") or (DEFAULT_BACKEND if model == DEFAULT_MODEL else "torch")
    if chosen not in BACKENDS:
        raise InputError(f"backend {chosen!r} is unknown; set --backend or QA_BACKEND to one of {', '.join(BACKENDS)}")
    return chosen


def reader_enabled(override: bool | None = None) -> bool:
    """``reader=`` / ``--reader`` / ``--no-reader`` wins, then ``QA_READER`` (``1``/``true``/``yes``/``on`` or
    ``0``/``false``/``no``/``off``), then :data:`READER_DEFAULT`."""
    if override is not None:
        return override
    value = os.environ.get("QA_READER", "").strip().lower()
    return READER_DEFAULT if not value else value not in {"0", "false", "no", "off"}


def upload_password(override: str | None = None) -> str | None:
    """The password the chat page asks before it takes a document: ``--upload-password`` wins, then
    ``QA_UPLOAD_PASSWORD``; None when neither is set (or both are empty)."""
    return override or os.environ.get("QA_UPLOAD_PASSWORD") or None


def cache_dir() -> Path:
    """Where the materialised default model lives: ``QA_CACHE`` or ``~/.cache/qa``."""
    configured = os.environ.get("QA_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa"


def write_cache_folder(target: Path, marker: str, write: Callable[[Path], None], label: str = "") -> Path:
    """Write a cache folder once: ``write`` fills a new folder beside ``target``, which is then renamed into place,
    so no reader sees half of it and a killed run leaves only a temp folder. A process that loses the race to
    another keeps the winner's folder (it holds ``marker``); any other failure to write is a one-line ModelError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        (tmp / "folder").mkdir()
        write(tmp / "folder")
        os.replace(tmp / "folder", target)
    except OSError as exc:
        if not (target / marker).is_file():  # another process may have won the race
            raise ModelError(f"cannot write {label}{target}: {exc}; set QA_CACHE to a writable folder") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def pin_threads(threads: int) -> None:
    """Pin this process's thread pools that read the environment (the tokenizer's Rayon pool, OpenMP), e.g. in a Ray actor."""
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)


def python_path(first: str) -> str:
    """``first`` ahead of this process's PYTHONPATH: the import path handed to Ray workers."""
    return os.pathsep.join(p for p in (first, os.environ.get("PYTHONPATH", "")) if p)


def child_env(first: str) -> dict[str, str]:
    """The environment for a child ``python -m qa…`` process: this one's, with ``first`` leading PYTHONPATH and
    unbuffered output."""
    return dict(os.environ, PYTHONPATH=python_path(first), PYTHONUNBUFFERED="1")
