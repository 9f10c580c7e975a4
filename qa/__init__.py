"""Tanya Netralitas: retrieval question answering over news articles, with citations.

Re-exports only, resolved on first use (PEP 562): ``import qa`` (and ``qa --help``) loads no
FAISS, torch or model. ``qa.index.build`` is the module; building is ``qa.index.build.build``.

The subpackages follow the data, each importing only those before it: :mod:`qa.corpus` (articles,
passages) → :mod:`qa.models` (embedding model, reader) → :mod:`qa.index` → :mod:`qa.answering`
(``ask()``) → :mod:`qa.page` (the chat page's parts) → :mod:`qa.session` (the training-session kit);
:mod:`qa.app` and :mod:`qa.cli` compose them; :mod:`qa.config` and :mod:`qa.errors` sit below all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from qa.errors import AnswerError, BadIndexError, CorpusError, IndexBusyError, InputError, ModelError, QAError

if TYPE_CHECKING:
    from qa.answering.ask import ask
    from qa.answering.results import Answer, Citation, Hit
    from qa.index.build import BuildResult

_LAZY = {"ask": "qa.answering.ask", "Answer": "qa.answering.results", "Hit": "qa.answering.results",
         "Citation": "qa.answering.results", "BuildResult": "qa.index.build"}

__all__ = ["ask", "Answer", "Hit", "Citation", "BuildResult", "QAError", "InputError", "CorpusError",
           "ModelError", "BadIndexError", "IndexBusyError", "AnswerError"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
