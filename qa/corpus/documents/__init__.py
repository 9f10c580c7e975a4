"""Readers for the documents trainers hold besides news text: PDF, HTML and DOCX.

Each format has its own module (:mod:`.pdf`, :mod:`.html`, :mod:`.docx`); :mod:`.sniff` tells the
format from a file's first bytes (magic bytes, not the suffix); :mod:`.furniture` removes a PDF's
running headers, footers and page numbers and joins words hyphenated across line ends; :mod:`.columns`
reads a PDF page's columns of prose column by column; :mod:`.ocr`
reads a scanned PDF page (no text layer) with Tesseract. Every
reader returns a :class:`~.document.Document`: the extracted text (which every offset of the index
points into), the start offset of each page (PDF only) and the metadata found in the file.
:func:`read` picks the reader; :mod:`qa.corpus.articles` turns a document into an ``Article``.

What this package may import: the standard library, its format libraries (pypdfium2,
trafilatura, python-docx, lxml, pytesseract) and :mod:`qa.errors`; never the rest of :mod:`qa`, so that the
corpus stage depends on it and not the other way round. Every failure is one
:class:`~qa.errors.DocumentError` line that names the file and what to do.
"""

from __future__ import annotations

from pathlib import Path

from qa.corpus.documents.document import Document, page_of
from qa.corpus.documents.sniff import DOCUMENT_KINDS, SUFFIXES, kind_of
from qa.errors import DocumentError

RECIPE = ("documents v4: pdf pypdfium2 text, scanned pages OCR'd by tesseract (ind, 300 dpi), columns found by gutters "
          "(lines across them whole), edge furniture, hyphen joins, junk titles out; "
          "html trafilatura, html5 without <html>; docx python-docx, tracked changes accepted, text boxes, nested tables, "
          "content controls (placeholders out), field results")


def read(path: Path, kind: str) -> Document:
    """The document in ``path``, read as ``kind`` (one of :data:`DOCUMENT_KINDS`, from :func:`kind_of`).

    Raises DocumentError (one line naming the file) when it cannot be read or is over a limit.
    """
    if kind == "pdf":
        from qa.corpus.documents.pdf import read_pdf
        return read_pdf(path)
    if kind == "html":
        from qa.corpus.documents.html import read_html
        return read_html(path)
    if kind == "docx":
        from qa.corpus.documents.docx import read_docx
        return read_docx(path)
    raise DocumentError(f"{path} is not a PDF, HTML or DOCX document (kind {kind!r}); pass it as a .txt or .jsonl source")


__all__ = ["Document", "DocumentError", "DOCUMENT_KINDS", "RECIPE", "SUFFIXES", "kind_of", "page_of", "read"]
