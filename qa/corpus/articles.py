"""Load articles from folders of .txt, PDF, HTML and DOCX files and from JSONL files, with their metadata.

A ``.txt`` file is one article (UTF-8). A ``.jsonl`` file holds one record per line:
``{"doc_id", "title", "text"}`` plus optional ``url``, ``date`` and ``source`` (the outlet).
``doc_id`` and ``text`` must be non-empty strings; ``title``, ``url``, ``date`` and ``source`` strings,
or null (the same as leaving them out). Any other type (a number, a list, an object, true/false) stops
the build with one line naming the file, the line and the field, before anything is written.
A PDF, HTML or DOCX file is one article whose text is what :mod:`qa.corpus.documents` extracts (a PDF's
article also knows where each page starts); its doc id is its file name ("pedoman.pdf"). The format
is told by content (:func:`qa.corpus.documents.kind_of`): a PDF named ``.txt`` is read as a PDF. A document
that cannot be read (encrypted, corrupt, over a limit) is skipped with one warning naming it, and
the rest of the corpus builds.

An article's text, which every offset points into, is what the ordinary way of reading it gives
(:data:`TEXT_FORM`): for a ``.txt`` file ``open(path, encoding="utf-8-sig").read()``, that is
without a byte-order mark and with CRLF and CR line endings read as LF; for a ``.jsonl`` record
its ``text`` field as is; for a document the text its reader extracts (:data:`qa.corpus.documents.RECIPE`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from qa.corpus import documents
from qa.corpus.documents import ocr
from qa.corpus.clean import clean
from qa.errors import CorpusError, DocumentError

logger = logging.getLogger(__name__)

TEXT_FORM = "txt: utf-8-sig, universal newlines; jsonl: text field as is"  # part of an index's spec


@dataclass(frozen=True)
class Article:
    """One article: its text exactly as loaded, its metadata and its content blocks."""

    doc_id: str
    text: str
    title: str
    outlet: str
    place: str
    date: str
    source: str  # file path relative to the corpus root, or URL
    blocks: tuple[tuple[int, int], ...]
    pages: tuple[int, ...] = ()  # start offset of each page of a PDF (qa.corpus.documents.Document.pages); () unpaged
    ocr_pages: tuple[int, ...] = ()  # the 1-based pages whose text OCR read (Document.ocr_pages); () for none

    def page(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset``; None for an unpaged article."""
        return documents.page_of(self.pages, offset)

    def ocr(self, offset: int) -> bool:
        """Whether character ``offset`` is on a page whose text OCR read (a scan)."""
        return bool(self.ocr_pages) and self.page(offset) in self.ocr_pages

    def to_dict(self) -> dict:
        record = {"doc_id": self.doc_id, "title": self.title, "outlet": self.outlet, "place": self.place,
                  "date": self.date, "source": self.source, "text": self.text, "blocks": [list(b) for b in self.blocks]}
        if self.pages:
            record["pages"] = list(self.pages)
        if self.ocr_pages:
            record["ocr_pages"] = list(self.ocr_pages)
        return record

    @classmethod
    def from_dict(cls, record: dict) -> "Article":
        """The article a :meth:`to_dict` record describes (records written before pages or OCR existed have none)."""
        return cls(**{**record, "blocks": tuple(tuple(b) for b in record["blocks"]),
                      "pages": tuple(record.get("pages", ())), "ocr_pages": tuple(record.get("ocr_pages", ()))})


TEXT_SUFFIXES = {".txt", ".jsonl"}
_ALL_SUFFIXES = ", ".join(sorted(TEXT_SUFFIXES | documents.SUFFIXES))


def _wanted(path: Path) -> bool:
    """Whether a corpus folder picks up this file, by its suffix in any case (``PENGUMUMAN.TXT``); the content then
    decides the reader."""
    suffix = path.suffix.lower()
    return suffix in TEXT_SUFFIXES or suffix in documents.SUFFIXES


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def warn_skipped(sources: Iterable[str | os.PathLike]) -> list[Path]:
    """Log one warning line for each file under the source folders that a build passes over (its suffix is not one
    the corpus reads), and return them; hidden files and folders (``.git``, ``.DS_Store``) are passed over silently."""
    skipped = []
    for source in sources:
        root = Path(source)
        if root.is_dir():
            skipped += sorted(p for p in root.rglob("*") if not _wanted(p) and p.is_file() and not _hidden(p, root))
    for path in skipped:
        logger.warning("skipping %s: its suffix %s is none of %s (any case); rename it if it is one of them",
                       path, repr(path.suffix) if path.suffix else "(none)", _ALL_SUFFIXES)
    return skipped


def source_files(sources: Iterable[str | os.PathLike]) -> list[tuple[Path, str]]:
    """Every article file under the sources, with the name it is cited by (relative to the source's parent)."""
    files: list[tuple[Path, str]] = []
    for source in sources:
        root = Path(source)
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if _wanted(p) and p.is_file())
            files.extend((p, p.relative_to(root.parent).as_posix()) for p in found)
        elif root.is_file():
            if not _wanted(root):
                raise CorpusError(f"source {str(source)!r} is not a {_ALL_SUFFIXES} file (any case); "
                                  f"pass a folder of such files or one of them")
            files.append((root, root.name))
        else:
            raise CorpusError(f"source {str(source)!r} does not exist; pass a folder of .txt files or a .jsonl file")
    return files


def content_hash(files: list[tuple[Path, str]]) -> str:
    """A hash of every source file's name and bytes: it changes when the corpus changes."""
    digest = hashlib.sha256()
    for path, name in files:
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


RACY_NS = 2_000_000_000  # a file changed this recently may change again within its timestamp's resolution


def file_stats(files: list[tuple[Path, str]]) -> list[list] | None:
    """Each source file's name, size and modification time, to be trusted in place of hashing its bytes again;
    None when a file changed in the last two seconds (a same-size edit could then keep its timestamp)."""
    stats = [[name, (st := path.stat()).st_size, st.st_mtime_ns] for path, name in files]
    return None if any(mtime > time.time_ns() - RACY_NS for _, _, mtime in stats) else stats


def unchanged(files: list[tuple[Path, str]], recorded: dict) -> bool:
    """True when the files are the ones a manifest's corpus record describes: same names, sizes and times
    (hashing nothing; a 1 GB corpus takes seconds to hash), else the same content hash."""
    if recorded.get("stats") is not None and recorded.get("stats") == file_stats(files):
        return True
    return recorded.get("content_hash") == content_hash(files)


def _decode(path: Path, data: bytes, errors: str) -> str:
    """The file's text without a BOM and with every line ending read as LF, like ``open(path, encoding="utf-8-sig")``."""
    try:
        return data.decode("utf-8-sig", errors=errors).replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path} is not UTF-8 (byte {exc.start}); convert it to UTF-8 or pass --decode-errors replace") from exc


def _article(doc_id: str, text: str, source: str, title: str = "", date: str = "", outlet: str = "") -> Article:
    cleaned = clean(text, given_title=title, given_date=date, given_outlet=outlet)
    return Article(doc_id=doc_id, text=text, title=cleaned.title, outlet=cleaned.outlet, place=cleaned.place,
                   date=cleaned.date, source=source, blocks=cleaned.blocks)


def _jsonl_articles(path: Path, name: str, errors: str) -> Iterator[Article]:
    text = _decode(path, path.read_bytes(), errors)
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON strings may hold U+2028
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path} line {number} is not valid JSON ({exc.msg}); fix or remove that line") from exc
        if not isinstance(record, dict):
            raise CorpusError(f"{path} line {number} is not a JSON object; each line must be {{\"doc_id\", \"title\", \"text\"}}")
        doc_id, text = (_field(record, f, path, number, required=True) for f in REQUIRED)
        title, url, date, outlet = (_field(record, f, path, number, required=False) for f in OPTIONAL)
        yield _article(doc_id, text, url or name, title=title, date=date, outlet=outlet)


REQUIRED = ("doc_id", "text")  # non-empty strings
OPTIONAL = ("title", "url", "date", "source")  # strings; null is the same as absent


def _field(record: dict, field: str, path: Path, number: int, required: bool) -> str:
    """A record's text field, or a one-line CorpusError naming the file, the line and the field."""
    value = record.get(field)
    if isinstance(value, str) and (value.strip() or not required):
        return value
    if value is None and not required:
        return ""
    if field not in record:
        found = "missing"
    elif isinstance(value, str):
        found = "empty"
    else:
        shown = json.dumps(value, ensure_ascii=False)
        found = f"{_JSON_KINDS.get(type(value), type(value).__name__)} ({shown[:40] + '…' if len(shown) > 40 else shown})"
    wanted = "a non-empty string" if required else "a string or null"
    raise CorpusError(f"{path} line {number}: field {field!r} is {found}; it must be {wanted}, "
                      f"e.g. \"{field}\": \"...\" (quote numbers and dates as text)")


_JSON_KINDS = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object",
               type(None): "null"}


def _document_article(path: Path, name: str, kind: str) -> list[Article]:
    """The one article of a PDF, HTML or DOCX file; none (with a warning naming the file) when it cannot be read."""
    try:
        document = documents.read(path, kind)
    except DocumentError as exc:
        logger.warning("skipping %s", exc)
        return []
    for note in document.notes:
        logger.warning("%s", note)
    text = document.text
    cleaned = clean(text, given_title=document.title, given_date=document.date, given_outlet=document.outlet)
    blocks = cleaned.blocks
    if kind != "html":  # a regulation or a circular is all content: the news clean-up would drop its lists
        lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
        blocks = ((lead, trail),) if trail > lead else ()
    return [Article(doc_id=path.name, text=text, title=cleaned.title, outlet=cleaned.outlet, place=cleaned.place,
                    date=cleaned.date, source=document.url or name, blocks=blocks, pages=document.pages,
                    ocr_pages=document.ocr_pages)]


def read_file(path: Path, name: str, decode_errors: str = "strict") -> list[Article]:
    """The articles of one source file (a .jsonl file's records, one .txt article, or one document), cleaned.

    The content picks the reader (:func:`qa.corpus.documents.kind_of`); a document that cannot be read gives no articles
    and one warning. A file named as a document that is none of them is skipped with a warning too.
    """
    kind = documents.kind_of(path)
    if kind in documents.DOCUMENT_KINDS:
        return _document_article(path, name, kind)
    if path.suffix.lower() in documents.SUFFIXES or kind != "text":
        what = {"doc": "an old binary Word file: save it as .docx", "zip": "a ZIP that is not a DOCX (or a broken one)"}
        logger.warning("skipping %s: %s", path, what.get(kind, f"its content is not {path.suffix.lstrip('.').upper()}; "
                                                               "check the file"))
        return []
    if path.suffix.lower() == ".jsonl":
        return list(_jsonl_articles(path, name, decode_errors))
    return [_article(path.stem, _decode(path, path.read_bytes(), decode_errors), name)]


def unique(batches: Iterable[tuple[str, list[Article]]]) -> list[Article]:
    """The articles of each file in order, empty ones skipped and exact duplicates kept once."""
    articles: list[Article] = []
    seen_ids: set[str] = set()
    seen_texts: dict[str, str] = {}
    for name, batch in batches:
        for article in batch:
            if not article.blocks:
                logger.warning("skipping %s (%s): no text", article.doc_id, name)
                continue
            fingerprint = hashlib.sha256(article.text.strip().encode()).hexdigest()
            if fingerprint in seen_texts:
                logger.warning("skipping %s (%s): same text as %s", article.doc_id, name, seen_texts[fingerprint])
                continue
            if article.doc_id in seen_ids:
                raise CorpusError(f"doc_id {article.doc_id!r} appears twice with different texts ({name}); give each article its own id")
            seen_ids.add(article.doc_id)
            seen_texts[fingerprint] = article.doc_id
            articles.append(article)
    return articles


def check_decode_errors(decode_errors: str) -> None:
    if decode_errors not in {"strict", "replace"}:
        raise CorpusError(f"decode_errors={decode_errors!r} is not 'strict' or 'replace'")


def load(sources: Iterable[str | os.PathLike], decode_errors: str = "strict") -> list[Article]:
    """All articles under the sources; empty articles are skipped and exact duplicates kept once."""
    check_decode_errors(decode_errors)
    ocr.new_build()  # "OCR is off" is said once per build, and a Tesseract installed since the last build is found
    warn_skipped(sources)
    articles = unique((name, read_file(path, name, decode_errors)) for path, name in source_files(sources))
    if not articles:
        raise CorpusError(f"no articles found in {', '.join(map(str, sources))}; add UTF-8 .txt files or a .jsonl file")
    return articles
