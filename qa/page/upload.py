"""A document added from the chat page (``qa serve --allow-upload``): who may, what is taken, where it goes.

An upload is checked before anything is written: its size (:data:`MAX_BYTES`), its type by content
(:func:`qa.corpus.documents.kind_of`: PDF, DOCX, HTML or UTF-8 text; a file named ``.pdf`` that holds no
PDF is refused), and that its reader finds text in it (the reader's one-line reason when not). It
is then saved into the corpus folder the index was built from, under a safe name
(:func:`safe_name`: the last part of the name only, ASCII letters, digits and hyphens, the suffix
its content calls for), never over another file: a file with the same name and the same bytes is
"already there", one with other bytes gets ``-2``, ``-3``… The new file is linked into place in
one step (no reader of the folder sees half of it). Building and swapping in the new index is
:mod:`qa.page.upload_build`'s job; the page is :mod:`qa.page.upload_page`.

Every refusal is an :class:`~qa.errors.UploadError` of one Indonesian line (the page shows it) that
names the file and what to do.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Collection

from qa.corpus import articles as corpus, documents
from qa.errors import DocumentError, InputError, UploadError

logger = logging.getLogger(__name__)

MAX_BYTES = 20 << 20  # 20 MB: a long regulation as PDF; also Gradio's own limit for the upload (launch max_file_size)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "text": ".txt"}
ACCEPTED = (".pdf", ".docx", ".html", ".htm", ".txt")  # what the file picker offers; the content decides
MAX_STEM = 80
FALLBACK_STEM = "dokumen"


@dataclass(frozen=True)
class UploadPolicy:
    """Whether the page takes documents, into which folder, up to what size, and the password it asks for (or None)."""

    folder: Path
    password: str | None = None
    max_bytes: int = MAX_BYTES

    def check_password(self, given: object) -> None:
        """Nothing when no password is set or ``given`` is it (compared in constant time); else an UploadError."""
        if self.password is None:
            return
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), self.password.encode()):
            raise UploadError("Kata sandi unggah salah; minta kata sandinya kepada penyelenggara lalu unggah lagi.")


@dataclass(frozen=True)
class Saved:
    """A checked upload in the corpus folder: its file, its kind, its doc id, and whether it was there already."""

    path: Path
    kind: str
    doc_id: str
    existed: bool
    notes: tuple[str, ...] = ()  # the reader's warnings (pages without a text layer)

    @property
    def name(self) -> str:
        return self.path.name


def check_host(host: str, allow_upload: bool, password: str | None) -> None:
    """Upload beyond loopback needs a password: refuse to start without one (one line, before the model loads)."""
    if allow_upload and host.strip().lower().strip("[]") not in LOOPBACK and not password:
        raise InputError(f"--allow-upload on --host {host} (beyond this machine) needs a password; set "
                         f"QA_UPLOAD_PASSWORD (or pass --upload-password), or listen on 127.0.0.1")
    if password and not allow_upload:
        logger.info("an upload password is set but --allow-upload is not; the page takes no documents")


def corpus_folder(sources: Collection[Path], root: Path) -> Path:
    """The folder uploads go into: the first folder among the index's sources (all of them must be here)."""
    missing = [s for s in sources if not s.exists()]
    if missing:
        raise InputError(f"--allow-upload needs the sources of {root}, and {missing[0]} is not here; "
                         f"run qa serve where the index was built, or rebuild it with `qa build --index {root}`")
    folders = [s for s in sources if s.is_dir()]
    if not folders:
        raise InputError(f"--allow-upload needs an index built from a folder, and {root} was built from "
                         f"{', '.join(map(str, sources))}; build it with `qa build --source FOLDER --index {root}`")
    return folders[0]


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


def doc_id_of(name: str, kind: str) -> str:
    """The doc id a file in the corpus folder gets: a document's whole name, a text file's stem (:mod:`qa.corpus.articles`)."""
    return Path(name).stem if kind == "text" else name


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


def readable(path: Path, name: str, kind: str) -> tuple[str, ...]:
    """Read the staged file as the build will; its reader's warnings, or an UploadError naming ``name``."""
    notes: tuple[str, ...] = ()
    if kind in documents.DOCUMENT_KINDS:
        try:
            notes = documents.read(path, kind).notes
        except DocumentError as exc:
            raise UploadError(f"{name} tidak bisa dibaca: {str(exc).replace(str(path), name)}") from exc
    articles = corpus.read_file(path, path.name)
    if not articles or not any(a.blocks for a in articles):
        raise UploadError(f"{name} tidak berisi teks yang bisa diindeks; periksa berkasnya lalu unggah lagi.")
    return tuple(n.replace(str(path), name) for n in notes)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as x, open(b, "rb") as y:
        return all(p == q for p, q in zip(iter(lambda: x.read(1 << 20), b""), iter(lambda: y.read(1 << 20), b"")))


def place(staged: Path, folder: Path, name: str, kind: str, taken: Collection[str] = ()) -> tuple[Path, bool]:
    """Link ``staged`` into ``folder`` under ``name`` (or ``name-2``, ``-3``…): never over another file, never under
    a doc id in ``taken``. An identical file already there is returned as it is (``True``: it existed)."""
    stem, suffix = name[: -len(SUFFIX[kind])], SUFFIX[kind]
    part = folder / f".upload-{secrets.token_hex(6)}.part"  # not a corpus file: the build never reads it
    shutil.copyfile(staged, part)
    try:
        for n in range(1, 1000):
            target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            if target.exists():
                if target.is_file() and _same_bytes(target, part):
                    return target, True
                continue
            if doc_id_of(target.name, kind) in taken:
                continue
            try:
                os.link(part, target)  # fails if the name appeared meanwhile: no overwrite, even in a race
            except FileExistsError:
                continue
            return target, False
    finally:
        part.unlink(missing_ok=True)
    raise UploadError(f"{name}: terlalu banyak berkas bernama sama di {folder.name}; ganti nama berkasnya.")


def accept(upload: Path, original: str, policy: UploadPolicy, taken: Collection[str] = ()) -> Saved:
    """Check an uploaded file (size, content type, readable) and save it into the policy's corpus folder.

    ``original`` is the name the user gave; ``taken`` the doc ids the index already holds.
    """
    name = shown(original)
    kind = kind_checked(upload, name, policy.max_bytes)
    safe = safe_name(original, kind)
    with tempfile.TemporaryDirectory(prefix="qa-upload-") as tmp:
        staged = Path(tmp) / safe
        shutil.copyfile(upload, staged)
        notes = readable(staged, name, kind)
        target, existed = place(staged, policy.folder, safe, kind, taken)
    logger.info("upload %r saved as %s%s", name, target, " (already there)" if existed else "")
    return Saved(path=target, kind=kind, doc_id=doc_id_of(target.name, kind), existed=existed, notes=notes)
