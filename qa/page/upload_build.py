"""Documents added, replaced or removed from the page built into the index in the background, and the new index
swapped in whole.

One worker thread at a time runs :func:`qa.index.build.build` over the index's sources and its uploads folder
(it embeds only passages it has not embedded before), reporting how many new passages are embedded so far.
When the new build is written (``qa.index.store`` makes it live with one rename) it is loaded and
checked like any index, and only then handed to ``swap``: the server's engine is replaced by one
reference assignment, so a question answered meanwhile uses the old index or the new one, never
half of each; only then are the old versions of replaced or removed files dropped
(:func:`qa.page.upload_files.settle`). If the build fails, every change of that batch is undone (a new file goes,
an old version comes back) and the old index keeps answering: nothing already indexed is lost. Changes that
arrive during a build wait and go into the next one.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.errors import FATAL, QAError, describe
from qa.index import store
from qa.index.build import build
from qa.index.engine import Engine, check
from qa.models.embed import Embedder
from qa.page.upload import Saved
from qa.page.upload_files import ADDED, REMOVED, REPLACED, settle

logger = logging.getLogger(__name__)

CHUNK = 8  # passages embedded between two progress reports


@dataclass(frozen=True)
class Progress:
    """What the background build is doing: ``stage`` in words (Indonesian, for the page) and passages embedded."""

    stage: str
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class Outcome:
    """How one upload ended: added to the live index or not, and the one line the page shows."""

    ok: bool
    message: str


class _Reporting:
    """The engine's embedder, reporting each few passages it embeds (the build's vectors are the same)."""

    def __init__(self, inner: Embedder, report: Callable[[int, int], None]) -> None:
        self._inner, self._report = inner, report

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        parts = []
        self._report(0, len(texts))
        for start in range(0, len(texts), CHUNK):
            parts.append(self._inner.encode_passages(texts[start : start + CHUNK]))
            self._report(min(start + CHUNK, len(texts)), len(texts))
        return np.concatenate(parts) if parts else np.zeros((0, self._inner.dim), dtype=np.float32)


class Builder:
    """Builds uploads into the index at ``root`` from ``sources`` in a background thread; ``swap`` installs the result.

    ``current()`` is the engine answering now; the new engine shares its embedder and reader.
    """

    def __init__(self, root: Path, sources: Sequence[Path], current: Callable[[], Engine],
                 swap: Callable[[Engine], None]) -> None:
        self.root, self.sources = Path(root), list(sources)
        self._current, self._swap = current, swap
        self._lock = threading.Lock()  # guards the fields below
        self._pending: list[tuple[int, Saved]] = []
        self._outcomes: dict[int, Outcome] = {}
        self._tickets = 0
        self._worker: threading.Thread | None = None
        self._progress = Progress("")

    @property
    def progress(self) -> Progress:
        return self._progress

    def outcome(self, ticket: int) -> Outcome | None:
        """How the upload with this ticket ended, or None while it waits or builds."""
        with self._lock:
            return self._outcomes.get(ticket)

    def submit(self, saved: Saved) -> int:
        """Queue a saved upload for the next build (started now unless one runs); its ticket for :meth:`outcome`."""
        with self._lock:
            self._tickets += 1
            ticket = self._tickets
            if saved.existed and saved.doc_id in self._current().index.articles:
                where = f" sebagai {saved.same_as}" if saved.same_as else ""
                self._outcomes[ticket] = Outcome(True, f"{saved.original or saved.name} sudah ada di indeks{where}; "
                                                       f"tidak ada yang berubah.")
                return ticket
            self._pending.append((ticket, saved))
            if self._worker is None:
                self._progress = Progress("Menunggu giliran membangun indeks…")
                self._worker = threading.Thread(target=self._run, name="qa-upload-build", daemon=True)
                self._worker.start()
        return ticket

    def wait(self, ticket: int, timeout: float = 600) -> Outcome | None:
        """Block until the ticket's upload ends (tests and scripts; the page polls :meth:`outcome`)."""
        deadline = time.monotonic() + timeout
        while (outcome := self.outcome(ticket)) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return outcome

    def _run(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._worker = None
                    self._progress = Progress("")
                    return
            outcomes = self._build([saved for _, saved in batch])
            with self._lock:
                for (ticket, _), outcome in zip(batch, outcomes):
                    self._outcomes[ticket] = outcome

    def _report(self, done: int, total: int) -> None:
        self._progress = Progress(f"Menyematkan bagian baru: {done} dari {total}…", done, total)

    def _build(self, batch: list[Saved]) -> list[Outcome]:
        started = time.perf_counter()
        old = self._current()
        try:
            self._progress = Progress("Membaca dokumen dan memotongnya menjadi bagian…")
            result = build(self.sources, self.root, _Reporting(old.embedder, self._report), progress=False)
            self._progress = Progress("Memuat indeks baru…")
            index = store.load(self.root)
            check(index, old.embedder, self.root)
        except FATAL:
            raise
        except BaseException as exc:  # a failed build changes nothing: its changes are undone, the old index answers
            reason = str(exc) if isinstance(exc, QAError) else describe(exc)
            logger.warning("building uploads %s failed: %s", ", ".join(s.name for s in batch), reason)
            for saved in reversed(batch):
                settle(saved.change, built=False)
            return [Outcome(False, f"{s.name} tidak {UNDONE.get(s.how, 'ditambahkan')}: indeks tidak bisa dibangun "
                                   f"({reason}). Indeks lama tetap dipakai.") for s in batch]
        self._swap(replace(old, index=index))
        for saved in batch:
            settle(saved.change, built=True)
        logger.info("uploads %s built in %.1f s (%d passages embedded); %d articles now",
                    ", ".join(s.name for s in batch), time.perf_counter() - started, result.embedded, len(index.articles))
        return [self._outcome(saved, index) for saved in batch]

    @staticmethod
    def _outcome(saved: Saved, index: store.Index) -> Outcome:
        if saved.how == REMOVED:
            if saved.doc_id in index.articles:
                return Outcome(False, f"{saved.name} masih ada di indeks; lihat log server.")
            return Outcome(True, f"{saved.name} dihapus dari indeks; kini {len(index.articles)} artikel di indeks.")
        if saved.doc_id not in index.articles:
            return Outcome(False, f"{saved.name} tidak ditambahkan: isinya sama dengan artikel yang sudah ada di indeks.")
        first = index.first_passage.get(saved.doc_id)
        count = sum(1 for _ in _passages_of(index, saved.doc_id, first))
        notes = "".join(f" Catatan: {n}" for n in saved.notes)
        done = "diganti dengan versi baru; versi lama tidak dipakai lagi" if saved.how == REPLACED else "ditambahkan"
        return Outcome(True, f"{saved.name} {done} ({count} bagian); kini {len(index.articles)} artikel di indeks.{notes}")


UNDONE = {ADDED: "ditambahkan", REPLACED: "diganti", REMOVED: "dihapus"}


def _passages_of(index: store.Index, doc_id: str, first: int | None):
    if first is None:
        return
    for position in range(first, len(index.passages)):
        if index.passages[position].doc_id != doc_id:
            return
        yield position
