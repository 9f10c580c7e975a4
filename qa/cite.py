"""The one citation format, for the CLI's answer, the chat page and the handouts.

    [1] Title — Outlet, date (seeds/004.txt, bagian 004#1)
    [2] Pedoman netralitas ASN (pedoman.pdf, hlm. 3)

The rank, the source, the page (of a PDF) and the passage id are added when the caller has and wants them; an
article without a title is "(tanpa judul)"; outlet and date are left out when unknown.
"""

from __future__ import annotations

NO_TITLE = "(tanpa judul)"


def where(outlet: str, date: str) -> str:
    """``Outlet, date``, leaving out what is unknown."""
    return ", ".join(p for p in (outlet, date) if p)


def title_line(title: str, outlet: str, date: str) -> str:
    """``Title — Outlet, date`` as plain text."""
    place = where(outlet, date)
    return (title or NO_TITLE) + (f" — {place}" if place else "")


def page_label(page: int | None) -> str:
    """``hlm. 3`` for a page of a PDF; "" for an unpaged source."""
    return f"hlm. {page}" if page is not None else ""


def citation(title: str, outlet: str, date: str, rank: int | None = None, source: str = "", passage_id: str = "",
             page: int | None = None) -> str:
    """``[rank] Title — Outlet, date (source, hlm. page, bagian passage_id)`` as plain text, each optional part when given."""
    ref = ", ".join(p for p in (source, page_label(page), f"bagian {passage_id}" if passage_id else "") if p)
    return (f"[{rank}] " if rank is not None else "") + title_line(title, outlet, date) + (f" ({ref})" if ref else "")
