"""The one citation format, for the CLI's answer, the chat page and the handouts.

    [1] Title — Outlet, date (seeds/004.txt, bagian 004#1)         one passage
    [2] Pedoman netralitas ASN (pedoman.pdf, hlm. 3)                 one passage of a PDF
    [1] Title — Outlet, date · bagian 1, 3 (seeds/004.txt)          one article, the passages it gives
    [2] Pedoman netralitas ASN · hlm. 3, 4 · bagian 5, 7 (pedoman.pdf)

The rank, the source, the page (of a PDF) and the passage id are added when the caller has and wants them; an
article without a title is "(tanpa judul)"; outlet and date are left out when unknown. An answer
cites each article once (:func:`by_article`), numbered in the order it is first cited.
"""

from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")

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


def part_number(passage_id: str) -> str:
    """The passage's number within its article: ``3`` for ``004_8bd08da9835bcf30#3``."""
    return passage_id.rsplit("#", 1)[-1]


def parts(passage_ids: Sequence[str]) -> str:
    """``bagian 3, 5``: the passages an article's citation draws on, in the order cited."""
    return "bagian " + ", ".join(part_number(p) for p in passage_ids)


def pages(numbers: Sequence[int | None]) -> str:
    """``hlm. 3, 4``: the PDF pages an article's cited passages are on, each once; "" for an unpaged source."""
    seen = list(dict.fromkeys(n for n in numbers if n is not None))
    return "hlm. " + ", ".join(map(str, seen)) if seen else ""


def article_citation(title: str, outlet: str, date: str, passage_ids: Sequence[str], rank: int | None = None,
                     source: str = "", page_numbers: Sequence[int | None] = ()) -> str:
    """``[rank] Title — Outlet, date · hlm. 3 · bagian 3, 5 (source)``: an article cited once with the passages it
    gives (and their PDF pages, when it has pages)."""
    on = pages(page_numbers)
    return ((f"[{rank}] " if rank is not None else "") + title_line(title, outlet, date) + (f" · {on}" if on else "")
            + (f" · {parts(passage_ids)}" if passage_ids else "") + (f" ({source})" if source else ""))


def by_article(hits: Sequence[T]) -> list[tuple[int, tuple[T, ...]]]:
    """The hits grouped by article (``doc_id``) in the order each article is first cited, numbered from 1."""
    groups: dict[str, list[T]] = {}
    for hit in hits:
        groups.setdefault(hit.doc_id, []).append(hit)  # type: ignore[attr-defined]
    return [(number, tuple(group)) for number, group in enumerate(groups.values(), start=1)]
