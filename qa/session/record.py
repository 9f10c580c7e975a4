"""The question record: every question asked (on the page by default, by ``qa ask --record``) and every thumbs up
or down on an answer, in one SQLite file beside the index (``<index>/../record/record.sqlite3``), for the trainer
(``qa record show``, ``qa record export``).

The schema is versioned (``PRAGMA user_version``): :data:`MIGRATIONS` are applied in order, each in one
transaction, to a new or older file; a file from a newer version is refused. Every write is one transaction in
WAL mode with ``synchronous=NORMAL`` (readers never block the one writer; a committed write survives the process
being killed, and a crash or power loss leaves the file as it was before a write), and each thread writes through
a connection of its own, kept open and opened again when the file was replaced or a write failed. Stdlib
:mod:`sqlite3` only; no import of the page or the app.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
import threading
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from qa.answering.results import Answer
from qa.errors import InputError, RecordError

FOLDER, FILE = "record", "record.sqlite3"
MIGRATIONS = (
    # 1: one row per question asked, one per feedback on an answer
    ("CREATE TABLE questions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, session TEXT NOT NULL, source TEXT NOT NULL, "
     "asked TEXT NOT NULL, question TEXT NOT NULL, outcome TEXT NOT NULL, citation TEXT NOT NULL, "
     "passage_id TEXT NOT NULL, confidence REAL)",
     "CREATE TABLE feedback (id INTEGER PRIMARY KEY, at TEXT NOT NULL, question_id INTEGER NOT NULL "
     "REFERENCES questions(id), vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), note TEXT NOT NULL)",
     "CREATE INDEX feedback_question ON feedback (question_id)"),
)
SCHEMA = len(MIGRATIONS)
MAX_NOTE = 1000  # characters of a feedback note kept
ERROR = "error"  # the outcome recorded for a question that failed (bad input, a failure while answering)


@dataclass(frozen=True)
class Row:
    """One question as the trainer sees it: when, as typed and as understood, its outcome, first citation and
    confidence, the tab (session) it came from, and the feedback on it (``down`` > 0: flagged)."""

    id: int
    at: str
    session: str
    source: str
    asked: str
    question: str
    outcome: str
    citation: str
    passage_id: str
    confidence: float | None
    up: int
    down: int
    notes: str


def record_path(index: str | os.PathLike) -> Path:
    """Where the record of an index folder lives: ``record/record.sqlite3`` beside it (``./record/`` for ``./index``)."""
    return Path(index).parent / FOLDER / FILE


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Record:
    """The record file at ``path``, created (and migrated) on first use."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._local = threading.local()  # per thread: (connection, the file's (device, inode) when it was opened)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                migrate(conn)
        except sqlite3.Error as exc:
            raise RecordError(f"cannot open the question record {self.path} ({exc}); move it aside to start a new one") from exc
        except OSError as exc:
            raise RecordError(f"cannot create the question record {self.path} ({exc.strerror or exc}); "
                              "check the folder's permissions") from exc

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)  # transactions opened explicitly
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _writer(self) -> sqlite3.Connection:
        """This thread's write connection: kept open while the file at :attr:`path` is the one it opened."""
        kept = getattr(self._local, "kept", None)
        stat = self.path.stat()  # FileNotFoundError (an OSError) when the file was moved away: reported by _write
        if kept is not None and kept[1] == (stat.st_dev, stat.st_ino):
            return kept[0]
        if kept is not None:
            kept[0].close()
        conn = self._connect()
        conn.execute("PRAGMA synchronous=NORMAL")
        self._local.kept = (conn, (stat.st_dev, stat.st_ino))
        return conn

    def _drop_writer(self) -> None:
        kept = getattr(self._local, "kept", None)
        self._local.kept = None
        if kept is not None:
            kept[0].close()

    def _write(self, sql: str, values: tuple) -> int:
        try:
            conn = self._writer()
            conn.execute("BEGIN IMMEDIATE")
            try:
                row_id = conn.execute(sql, values).lastrowid
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return int(row_id or 0)
        except (sqlite3.Error, OSError) as exc:
            self._drop_writer()  # the next write opens the file afresh
            if isinstance(exc, OSError):
                raise RecordError(f"cannot write to the question record {self.path} ({exc.strerror or exc}); "
                                  "check the disk and the file") from exc
            raise RecordError(f"cannot write to the question record {self.path} ({exc}); check the disk and the file") from exc

    def add_question(self, asked: str, answer: Answer | None, session: str = "", source: str = "page") -> int:
        """Record a question (as typed) and its answer (None: it failed); its row id, for feedback."""
        first = answer.hits[0] if answer and answer.hits else None
        citation = first.citation().removeprefix("[1] ") + f" · {first.passage_id}" if first else ""
        return self._write(
            "INSERT INTO questions (at, session, source, asked, question, outcome, citation, passage_id, confidence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_now(), session, source, asked, answer.question if answer else asked, answer.outcome if answer else ERROR,
             citation, first.passage_id if first else "", round(answer.confidence, 4) if answer else None))

    def add_feedback(self, question_id: int, vote: int, note: str = "") -> int:
        """Record a thumbs up (1) or down (-1), with an optional note, on a recorded question."""
        if vote not in (1, -1) or not isinstance(question_id, int) or question_id < 1:
            raise InputError(f"feedback {vote!r} on question {question_id!r}: the vote is 1 or -1 on a recorded question")
        try:
            return self._write("INSERT INTO feedback (at, question_id, vote, note) VALUES (?, ?, ?, ?)",
                               (_now(), question_id, vote, " ".join(note.split())[:MAX_NOTE]))
        except RecordError as exc:
            if "FOREIGN KEY" in str(exc):
                raise InputError(f"question {question_id} is not in the record {self.path}; vote on a recorded answer") from exc
            raise

    def rows(self, unanswered: bool = False, flagged: bool = False) -> list[Row]:
        """The recorded questions, oldest first; only those not answered, or only those voted down, when asked."""
        where = ["q.outcome != 'answered'"] * unanswered + ["down > 0"] * flagged
        sql = ("SELECT * FROM (SELECT q.id, q.at, q.session, q.source, q.asked, q.question, q.outcome, q.citation, "
               "q.passage_id, q.confidence, COALESCE(SUM(f.vote = 1), 0) AS up, COALESCE(SUM(f.vote = -1), 0) AS down, "
               "COALESCE(GROUP_CONCAT(NULLIF(f.note, ''), ' | '), '') AS notes FROM questions q "
               "LEFT JOIN feedback f ON f.question_id = q.id GROUP BY q.id) AS q"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY q.id")
        try:
            with closing(self._connect()) as conn:
                return [Row(*values) for values in conn.execute(sql)]
        except sqlite3.Error as exc:
            raise RecordError(f"cannot read the question record {self.path} ({exc}); move it aside to start a new one") from exc


def migrate(conn: sqlite3.Connection) -> int:
    """Bring a record file to :data:`SCHEMA`, one migration per transaction; its version before."""
    before = conn.execute("PRAGMA user_version").fetchone()[0]
    if before > SCHEMA:
        raise RecordError(f"the question record has schema {before}, this version knows {SCHEMA}; "
                          "upgrade qa or move the record aside")
    for version in range(before, SCHEMA):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before


def open_existing(path: Path) -> Record:
    """The record at ``path`` for reading; a one-line error when there is none yet."""
    if not path.is_file():
        raise InputError(f"no question record at {path}; questions are recorded by qa serve (or qa ask --record) "
                         "with the same --index")
    return Record(path)


def format_rows(rows: list[Row]) -> str:
    """One line per question: time, outcome, confidence, votes, the question (and as understood), first citation."""
    lines = []
    for row in rows:
        votes = f"+{row.up}/-{row.down}" if row.up or row.down else "-"
        understood = f" → {row.question}" if row.question != row.asked else ""
        confidence = "-" if row.confidence is None else f"{row.confidence:.2f}"
        lines.append(f"{row.at}  {row.outcome:9}  {confidence:>4}  {votes:6}  {row.asked}{understood}"
                     + (f"  [{row.citation}]" if row.citation else "") + (f"  catatan: {row.notes}" if row.notes else ""))
    return "\n".join(lines + [f"{len(rows)} questions"])


def export(rows: list[Row], target: Path) -> Path:
    """``rows`` written to a ``.csv`` or ``.jsonl`` file, whole or not at all (a temporary file renamed)."""
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputError(f"cannot export to {target.name}: name a .csv or .jsonl file")
    if not target.parent.is_dir():
        raise InputError(f"cannot export to {target}: the folder {target.parent} does not exist; create it first")
    fd, temporary = tempfile.mkstemp(prefix=".record-", suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if suffix == ".csv":
                writer = csv.DictWriter(out, fieldnames=list(Row.__dataclass_fields__))
                writer.writeheader()
                writer.writerows(asdict(row) for row in rows)
            else:
                out.writelines(json.dumps(asdict(row), ensure_ascii=False) + "\n" for row in rows)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
