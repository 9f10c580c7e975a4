"""Settings and their environment variables. Read when called, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
DEFAULT_INDEX = "index"
DEFAULT_SOURCES = ("seeds",)
MAX_QUESTION_CHARS = 2000
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)  # usable cores


def model_name(override: str | None = None) -> str:
    """``--model`` wins, then ``QA_MODEL``, then the offline multilingual-e5-small."""
    return override or os.environ.get("QA_MODEL") or DEFAULT_MODEL


def index_dir(override: str | os.PathLike | None = None) -> Path:
    """``--index`` / ``index_dir=`` wins, then ``QA_INDEX``, then ``./index``."""
    return Path(override or os.environ.get("QA_INDEX") or DEFAULT_INDEX)


def cache_dir() -> Path:
    """Where the materialised default model lives: ``QA_CACHE`` or ``~/.cache/qa``."""
    configured = os.environ.get("QA_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa"
