"""Errors a user can act on. Each message is one line that names the value and the fix."""

from __future__ import annotations


class QAError(Exception):
    """Base class: the CLI prints the message on one line and exits with code 2."""


class InputError(QAError):
    """A question, a setting or an argument is not usable."""


class BankError(InputError):
    """A training-session question bank is malformed (the message names the file and the line)."""


class UploadError(InputError):
    """A document added from the chat page is refused (too large, wrong type, unreadable, wrong password)."""


class RecordError(QAError):
    """The question record (``record/record.sqlite3``) cannot be opened, read or written."""


class CorpusError(QAError):
    """An article source cannot be read (missing, not UTF-8, malformed JSONL...)."""


class DocumentError(CorpusError):
    """One PDF, HTML or DOCX file cannot be read (encrypted, corrupt, over a limit); the rest of the corpus builds."""


class ModelError(QAError):
    """The embedding model cannot be found, materialised or loaded."""


class BadIndexError(QAError):
    """The index is missing, stale, corrupt or was built with another model."""


class IndexWriteError(QAError):
    """The index could not be written (disk full, permissions); the previous index is intact."""


class IndexBusyError(QAError):
    """Another build holds the index lock."""


class AnswerError(QAError):
    """Answering failed inside the library for a reason that is not the user's (a bug, a failing model library)."""


# What no handler turns into a message: the user or the interpreter ending the process, a closed generator.
FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit)


def describe(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    first = lines[0] if lines else ""
    first = first if len(first) <= 200 else first[:200] + "…"
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


__all__ = ["QAError", "InputError", "BankError", "UploadError", "RecordError", "CorpusError", "DocumentError", "ModelError", "BadIndexError", "IndexWriteError",
           "IndexBusyError", "AnswerError", "FATAL", "describe"]
