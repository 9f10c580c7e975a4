"""Tanya Netralitas: retrieval question answering over news articles, with citations."""

from qa.answer import Answer, Citation, Hit, ask
from qa.build import BuildResult, build
from qa.errors import BadIndexError, CorpusError, IndexBusyError, InputError, ModelError, QAError

__all__ = ["ask", "Answer", "Hit", "Citation", "build", "BuildResult", "QAError", "InputError", "CorpusError",
           "ModelError", "BadIndexError", "IndexBusyError"]
