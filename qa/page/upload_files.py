"""The uploads folder's files: a checked upload linked in, a corrected one put over its old version, one taken out,
and each change undone when the index cannot be built with it.

Every change is one step a reader of the folder sees whole: a new file is linked into place (never over
another file), a corrected one is renamed over its old version, a removed one is renamed away. The old
version (of a replaced or removed file) is kept beside it as a hidden ``.upload-….old`` file, which no
build reads (:func:`qa.corpus.articles.source_files` takes only article suffixes), until :func:`settle`
drops it once the new index is live, or puts it back if the build failed.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Collection

from qa.errors import UploadError

SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "text": ".txt"}
KIND_OF_SUFFIX = {suffix: kind for kind, suffix in SUFFIX.items()}
ADDED, REPLACED, REMOVED, PRESENT = "added", "replaced", "removed", "present"


@dataclass(frozen=True)
class Change:
    """One change to the uploads folder: ``how`` (added, replaced, removed or present: nothing changed), the file,
    its doc id and the old version kept until the build settles (replaced or removed)."""

    how: str
    path: Path
    doc_id: str
    old: Path | None = None


def doc_id_of(name: str, kind: str) -> str:
    """The doc id a file in the corpus folder gets: a document's whole name, a text file's stem (:mod:`qa.corpus.articles`)."""
    return Path(name).stem if kind == "text" else name


def listed(folder: Path) -> dict[str, str]:
    """The uploaded files in ``folder`` (by name) with their doc ids; only names an upload can have."""
    if not folder.is_dir():
        return {}
    return {p.name: doc_id_of(p.name, KIND_OF_SUFFIX[p.suffix]) for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and p.suffix in KIND_OF_SUFFIX}


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as x, open(b, "rb") as y:
        return all(p == q for p, q in zip(iter(lambda: x.read(1 << 20), b""), iter(lambda: y.read(1 << 20), b"")))


def _hidden(folder: Path, ending: str) -> Path:
    return folder / f".upload-{secrets.token_hex(6)}{ending}"


def place(staged: Path, folder: Path, name: str, kind: str, taken: Collection[str] = ()) -> Change:
    """Put ``staged`` into ``folder`` as ``name``: linked in when new, over the old version when ``name`` is there with
    other bytes (replaced), nothing when it holds these bytes (present). A doc id in ``taken`` (an article that is
    not an upload, e.g. a seed) is never reused: the name gets ``-2``, ``-3``… instead."""
    stem, suffix = name[: -len(SUFFIX[kind])], SUFFIX[kind]
    folder.mkdir(parents=True, exist_ok=True)
    part = _hidden(folder, ".part")
    shutil.copyfile(staged, part)
    try:
        for n in range(1, 1000):
            target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            doc_id = doc_id_of(target.name, kind)
            if doc_id in taken:
                continue
            if target.is_file():
                if _same_bytes(target, part):
                    return Change(PRESENT, target, doc_id)
                old = _hidden(folder, ".old")
                os.link(target, old)
                os.replace(part, target)  # one step: the folder holds the old version or the new one
                return Change(REPLACED, target, doc_id, old)
            if target.exists():
                continue  # a folder of that name
            try:
                os.link(part, target)  # fails if the name appeared meanwhile: no overwrite, even in a race
            except FileExistsError:
                continue
            return Change(ADDED, target, doc_id)
    finally:
        part.unlink(missing_ok=True)
    raise UploadError(f"{name}: terlalu banyak berkas bernama sama di {folder.name}; ganti nama berkasnya.")


def take_out(folder: Path, name: str) -> Change:
    """Rename the uploaded file ``name`` away (kept hidden until the build settles); an UploadError when it is not one."""
    files = listed(folder)
    if name not in files:
        raise UploadError(f"{name} bukan dokumen unggahan di {folder.name}; pilih salah satu dari daftarnya.")
    old = _hidden(folder, ".old")
    os.replace(folder / name, old)
    return Change(REMOVED, folder / name, files[name], old)


def settle(change: Change, built: bool) -> None:
    """After the build: drop the old version (``built``), or undo the change (the index was not built with it)."""
    if built:
        if change.old is not None:
            change.old.unlink(missing_ok=True)
        return
    if change.how == ADDED:
        change.path.unlink(missing_ok=True)
    elif change.old is not None:
        os.replace(change.old, change.path)
