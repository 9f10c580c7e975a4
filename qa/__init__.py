"""Tanya Netralitas: retrieval question answering over news articles, with citations.

Re-exports only, resolved on first use (PEP 562): ``import qa`` (and ``qa --help``) loads no
FAISS, torch or model. ``qa.build`` is the module; building is ``qa.build.build``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from qa.errors import AnswerError, BadIndexError, CorpusError, IndexBusyError, InputError, ModelError, QAError

if TYPE_CHECKING:
    from qa.answer import Answer, Citation, Hit, ask
    from qa.build import BuildResult

_LAZY = {"ask": "qa.answer", "Answer": "qa.answer", "Hit": "qa.answer", "Citation": "qa.answer",
         "BuildResult": "qa.build"}

__all__ = ["ask", "Answer", "Hit", "Citation", "BuildResult", "QAError", "InputError", "CorpusError",
           "ModelError", "BadIndexError", "IndexBusyError", "AnswerError"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
