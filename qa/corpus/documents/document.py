"""What a document reader returns, the page an offset falls on, and whether a file's metadata title is a title."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True)
class Document:
    """One document's extracted text and metadata.

    ``pages`` holds the start offset into ``text`` of every page, one per page of the file in
    order (a page without text starts where the next one does), or ``()`` for an unpaged format.
    ``notes`` are one-line warnings about the file (pages without a text layer). ``ocr_pages`` are the pages
    (1-based) whose text came from OCR, not from the file's text layer.
    """

    text: str
    pages: tuple[int, ...] = ()
    title: str = ""
    outlet: str = ""  # the site name of a web page
    date: str = ""  # as found: ISO for web pages
    url: str = ""  # a web page's canonical URL
    notes: tuple[str, ...] = ()
    ocr_pages: tuple[int, ...] = ()  # the 1-based pages whose text OCR read (scans without a text layer)


def page_of(pages: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding character ``offset`` (page starts as in :attr:`Document.pages`); None when unpaged.

    A page without text has the same start as the page after it, so an offset there belongs to the later page.
    """
    if not pages:
        return None
    return max(1, bisect_right(pages, offset))


# Titles that producers write, not authors: "Microsoft Word - SE_final.docx", "untitled", "Document1", a file name or path.
_PRODUCER = re.compile(r"^(?:microsoft\s+(?:word|excel|powerpoint)\s*-|untitled\b|tanpa\s+judul$|no\s+title$|"
                       r"(?:document|dokumen|doc|new document)\s*\d*$|slide\s*\d+$|scan(?:ned)?(?:[\s_-]*\d+)?$)", re.I)
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|odt|rtf|txt|pptx?|xlsx?|indd|tex|dvi|ps|html?|jpe?g|png|tiff?)$|\\|^\S*[/_]\S*$|^[a-z0-9]+(?:[-.][a-z0-9]+)+$",
                        re.I)


def usable_title(title: str, path: Path) -> str:
    """``title`` (a file's metadata title) with its spaces collapsed, or "" when it is producer junk: empty,
    "Microsoft Word - X.docx", "untitled", "Document1", a file name or path, or the file's own name."""
    title = " ".join(title.split())
    if not re.search(r"\w", title) or _PRODUCER.match(title) or _FILE_NAME.search(title):
        return ""
    return "" if title.lower() in (path.name.lower(), path.stem.lower()) else title
