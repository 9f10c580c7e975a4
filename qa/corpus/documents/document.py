"""What a document reader returns, and the page an offset falls on."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Document:
    """One document's extracted text and metadata.

    ``pages`` holds the start offset into ``text`` of every page, one per page of the file in
    order (a page without text starts where the next one does), or ``()`` for an unpaged format.
    ``notes`` are one-line warnings about the file (pages without a text layer).
    """

    text: str
    pages: tuple[int, ...] = ()
    title: str = ""
    outlet: str = ""  # the site name of a web page
    date: str = ""  # as found: ISO for web pages
    url: str = ""  # a web page's canonical URL
    notes: tuple[str, ...] = ()


def page_of(pages: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding character ``offset`` (page starts as in :attr:`Document.pages`); None when unpaged.

    A page without text has the same start as the page after it, so an offset there belongs to the later page.
    """
    if not pages:
        return None
    return max(1, bisect_right(pages, offset))
