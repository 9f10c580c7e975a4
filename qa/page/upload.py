"""A document added from the chat page (``qa serve --allow-upload``): what is taken, where it goes.

An upload is checked before anything is written: its size (:data:`MAX_BYTES`), its type by content
(:func:`qa.corpus.documents.kind_of`: PDF, DOCX, HTML or UTF-8 text; a file named ``.pdf`` that holds no
PDF is refused), and that its reader finds text in it (the reader's one-line reason when not). A file
whose text an article of the index already has (under any name) changes nothing: it is reported as
present, naming that article's file. Otherwise it is saved into the uploads folder (:func:`uploads_folder`,
``uploads`` beside the index, never the seeds) under a safe name (:func:`safe_name`: the last part of the
name only, ASCII letters, digits and hyphens, the suffix its content calls for); the same name again
replaces the earlier upload (:mod:`qa.page.upload_files`). Who may upload is :mod:`qa.page.upload_gate`'s
job, building and swapping in the new index :mod:`qa.page.upload_build`'s; the page is :mod:`qa.page.upload_page`.

Every refusal is an :class:`~qa.errors.UploadError` of one Indonesian line (the page shows it) that
names the file and what to do.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Mapping, Sequence

from qa.config import UPLOADS
from qa.corpus import articles as corpus, documents
from qa.corpus.articles import Article
from qa.errors import DocumentError, InputError, UploadError
from qa.page.upload_files import (ADDED, KIND_OF_SUFFIX, PRESENT, REMOVED, SUFFIX, Change, doc_id_of, listed, place,
                                  take_out)

logger = logging.getLogger(__name__)

MAX_BYTES = 20 << 20  # 20 MB: a long regulation as PDF; also Gradio's own limit for the upload (launch max_file_size)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ACCEPTED = (".pdf", ".docx", ".html", ".htm", ".txt")  # what the file picker offers; the content decides
MAX_STEM = 80
FALLBACK_STEM = "dokumen"




@dataclass(frozen=True)
class UploadPolicy:
    """Whether the page takes documents, into which folder and up to what size."""

    folder: Path
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Saved:
    """A change from the page: the file in the uploads folder, its kind and doc id, how it changed (added, replaced,
    removed, or present: nothing changed), the name the user gave, and the old version until the build settles."""

    path: Path
    kind: str
    doc_id: str
    how: str = ADDED
    original: str = ""
    notes: tuple[str, ...] = ()  # the reader's warnings (pages without a text layer)
    same_as: str = ""  # present: the file of the article that already has this text
    old: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def existed(self) -> bool:
        return self.how == PRESENT

    @property
    def change(self) -> Change:
        return Change(self.how, self.path, self.doc_id, self.old)


def check_host(host: str, allow_upload: bool, password: str | None) -> None:
    """Upload beyond loopback needs a password: refuse to start without one (one line, before the model loads)."""
    if allow_upload and host.strip().lower().strip("[]") not in LOOPBACK and not password:
        raise InputError(f"--allow-upload on --host {host} (beyond this machine) needs a password; set "
                         f"QA_UPLOAD_PASSWORD (or pass --upload-password), or listen on 127.0.0.1")
    if password and not allow_upload:
        logger.info("an upload password is set but --allow-upload is not; the page takes no documents")


def uploads_folder(root: Path) -> Path:
    """Where the page saves documents for the index at ``root``: ``uploads`` beside it (``./uploads`` for ``./index``)."""
    return Path(os.path.normpath(Path(root).parent / UPLOADS))


def sources_with_uploads(sources: Sequence[Path], root: Path) -> list[Path]:
    """The index's sources (all of them must be here, to be built again) and its uploads folder, made if missing."""
    missing = [s for s in sources if not s.exists()]
    if missing:
        raise InputError(f"--allow-upload needs the sources of {root}, and {missing[0]} is not here; "
                         f"run qa serve where the index was built, or rebuild it with `qa build --index {root}`")
    folder = uploads_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    same = [s for s in sources if s.resolve() == folder.resolve()]
    return list(sources) if same else [*sources, folder]


def shown(name: str) -> str:
    """A file name as the page may show it: its last part, no control characters, at most 100 characters."""
    last = re.split(r"[\\/]", name)[-1]
    clean = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    return (clean[:97] + "…" if len(clean) > 100 else clean) or "(tanpa nama)"


def safe_name(original: str, kind: str) -> str:
    """The name an upload is saved under: ASCII letters, digits and hyphens, lower case, and the suffix of its kind.

    Folders are dropped (``../../x.pdf`` and ``C:\\x\\y.pdf`` keep their last part), accents are folded
    (``Surat Édaran`` → ``surat-edaran``), and a name with nothing left is ``dokumen``. No dot inside the stem,
    so a text file's doc id (its stem) never equals a document's (its whole name).
    """
    if kind not in SUFFIX:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(SUFFIX)}")
    last = re.split(r"[\\/]", original)[-1]
    stem = last[: last.rindex(".")] if "." in last.lstrip(".") else last
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:MAX_STEM].strip("-")
    return (slug or FALLBACK_STEM) + SUFFIX[kind]


def kind_checked(path: Path, name: str, max_bytes: int = MAX_BYTES) -> str:
    """The upload's kind by content (``pdf``, ``docx``, ``html``, ``text``), after its size; an UploadError otherwise."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UploadError(f"{name} berukuran {size / (1 << 20):.1f} MB; batasnya {max_bytes >> 20} MB. "
                          f"Pecah berkasnya atau perkecil, lalu unggah lagi.")
    if size == 0:
        raise UploadError(f"{name} kosong (0 byte); pilih berkas yang benar.")
    kind = documents.kind_of(path)
    if kind == "doc":
        raise UploadError(f"{name} adalah berkas Word lama (.doc); simpan sebagai .docx lalu unggah lagi.")
    if kind == "zip":
        raise UploadError(f"{name} adalah ZIP yang bukan DOCX (atau DOCX yang rusak); simpan lagi dari Word.")
    suffix = Path(name).suffix.lower()
    if kind == "text" and suffix in documents.SUFFIXES:
        raise UploadError(f"{name} tidak berisi {suffix.lstrip('.').upper()} (isinya bukan format itu); "
                          f"periksa berkasnya lalu unggah lagi.")
    if kind == "text":
        data = path.read_bytes()
        if b"\0" in data:
            raise UploadError(f"{name} bukan teks, PDF, DOCX atau HTML; unggah dokumen dalam salah satu format itu.")
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UploadError(f"{name} bukan teks UTF-8 (byte {exc.start}); simpan sebagai UTF-8 lalu unggah lagi.") from exc
    return kind


def readable(path: Path, name: str, kind: str) -> tuple[list[Article], tuple[str, ...]]:
    """Read the staged file as the build will: its articles and its reader's warnings, or an UploadError naming ``name``."""
    notes: tuple[str, ...] = ()
    if kind in documents.DOCUMENT_KINDS:
        try:
            notes = documents.read(path, kind).notes
        except DocumentError as exc:
            raise UploadError(f"{name} tidak bisa dibaca: {str(exc).replace(str(path), name)}") from exc
    articles = corpus.read_file(path, path.name)
    if not articles or not any(a.blocks for a in articles):
        raise UploadError(f"{name} tidak berisi teks yang bisa diindeks; periksa berkasnya lalu unggah lagi.")
    return articles, tuple(n.replace(str(path), name) for n in notes)


def fingerprint(article: Article) -> str:
    """What makes two articles the same to the build (:func:`qa.corpus.articles.unique`): their text."""
    return hashlib.sha256(article.text.strip().encode()).hexdigest()


def already_indexed(articles: Sequence[Article], indexed: Mapping[str, Article], doc_id: str) -> Article | None:
    """The indexed article (other than ``doc_id`` itself) that already has the text of one of ``articles``, if any."""
    wanted = {fingerprint(a) for a in articles if a.blocks}
    return next((a for a in indexed.values() if a.doc_id != doc_id and fingerprint(a) in wanted), None)


def accept(upload: Path, original: str, policy: UploadPolicy, indexed: Mapping[str, Article] | None = None) -> Saved:
    """Check an uploaded file (size, content type, readable, not already indexed) and save it into the uploads folder.

    ``original`` is the name the user gave; ``indexed`` the live index's articles by doc id. Uploads (files of the
    folder) may be replaced under their own name; any other doc id is never reused.
    """
    indexed = indexed or {}
    name = shown(original)
    kind = kind_checked(upload, name, policy.max_bytes)
    safe = safe_name(original, kind)
    own = set(listed(policy.folder).values())
    taken = set(indexed) - own
    with tempfile.TemporaryDirectory(prefix="qa-upload-") as tmp:
        staged = Path(tmp) / safe
        shutil.copyfile(upload, staged)
        articles, notes = readable(staged, name, kind)
        target = _first_free(safe, kind, taken)
        twin = already_indexed(articles, indexed, doc_id_of(target, kind))
        if twin is not None:
            logger.info("upload %r has the text of %s already; nothing changes", name, twin.source)
            return Saved(policy.folder / target, kind, twin.doc_id, PRESENT, name, notes, same_as=twin.source)
        change = place(staged, policy.folder, safe, kind, taken)
    logger.info("upload %r saved as %s (%s)", name, change.path, change.how)
    return Saved(change.path, kind, change.doc_id, change.how, name, notes, old=change.old)


def _first_free(name: str, kind: str, taken: Collection[str]) -> str:
    """The name :func:`qa.page.upload_files.place` will use: ``name`` unless its doc id is taken, else ``-2``, ``-3``…"""
    stem, suffix = name[: -len(SUFFIX[kind])], SUFFIX[kind]
    names = (f"{stem}{suffix}", *(f"{stem}-{i}{suffix}" for i in range(2, 1000)))
    return next((n for n in names if doc_id_of(n, kind) not in taken), name)


def removal(folder: Path, name: str) -> Saved:
    """Take the uploaded file ``name`` out of the uploads folder (until the build settles); an UploadError if it is none."""
    change = take_out(folder, name)
    logger.info("upload %s taken out", change.path)
    return Saved(change.path, KIND_OF_SUFFIX[change.path.suffix], change.doc_id, REMOVED, name, old=change.old)
