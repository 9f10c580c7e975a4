"""A file's format from its first bytes (magic bytes), not its suffix.

``%PDF-`` in the first kilobyte is a PDF (the standard lets junk precede it); a ZIP holding
``word/document.xml`` is a DOCX; markup that opens (after a BOM, whitespace, comments or an XML
declaration) with a doctype or one of the tags an HTML page may start with is HTML: HTML5 makes
``<html>``, ``<head>`` and ``<body>`` optional, so a page may open with ``<meta charset>``, ``<title>``
or ``<p>``. The tags are those of the WHATWG MIME Sniffing standard's HTML patterns (``<script``,
``<iframe``, ``<h1``, ``<div``, ``<font``, ``<table``, ``<a``, ``<style``, ``<title``, ``<b``,
``<body``, ``<br``, ``<p``, ``<html``, ``<head``), plus the other elements of a page's head
(``<meta``, ``<link``, ``<base``) and the common first elements of a body. Anything else is
``"text"``, read by the ``.txt``/``.jsonl`` readers. An old binary Word file (OLE) is ``"doc"``,
which no reader takes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

DOCUMENT_KINDS = ("pdf", "html", "docx")
SUFFIXES = {".pdf", ".html", ".htm", ".xhtml", ".docx"}  # the files a corpus folder picks up besides .txt and .jsonl
HEAD_BYTES = 4096
_FIRST_TAGS = (b"html|head|body|script|iframe|h[1-6]|div|font|table|a|style|title|b|br|p|meta|link|base|noscript|"
               b"template|header|nav|main|article|section|aside|footer|ul|ol|dl|figure|img|span|form|center")
_HTML = re.compile(rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|(?:" + _FIRST_TAGS + rb"))[\s/>]", re.I | re.S)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of(path: Path) -> str:
    """``"pdf"``, ``"docx"``, ``"html"``, ``"zip"`` (another ZIP), ``"doc"`` (old Word) or ``"text"``, from the content."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except (zipfile.BadZipFile, OSError):
            return "zip"
    if head.startswith(_OLE):
        return "doc"
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if _HTML.match(body):
        return "html"
    return "text"
