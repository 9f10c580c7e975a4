"""The one citation format, for the CLI's answer, the chat page and the handouts.

    [1] Title — Outlet, date (seeds/004.txt, bagian 004#1)         one passage, by its id
    [2] Pedoman netralitas ASN (pedoman.pdf, hlm. 3)                 one passage of a PDF
    [2] Pedoman netralitas ASN (pedoman.pdf, hlm. 3, OCR)            one passage of a scanned page, read by OCR
    [1] Title — Outlet, date · bagian 1, 3 (seeds/004.txt)          one article, the passages it gives
    [2] Pedoman netralitas ASN · hlm. 3, 4 · bagian 5, 7 (pedoman.pdf)
    [2] Pedoman netralitas ASN · hlm. 3 (OCR), 4 · bagian 5, 7 (pedoman.pdf)   page 3 a scan read by OCR
    [1] Title — Outlet, date · bagian 1–3 (seeds/004.txt)           a widened hit that shows passages 1 to 3

People see passages numbered from 1 (:func:`part_number`: ``004#0`` is "bagian 1"); passage ids (``004#0``, from
0) stay what indexes, session banks and ``qa session check`` use. A quote is put in quotation marks by
:func:`quoted`, which adds only the marks the text lacks.

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


def page_label(page: int | None, ocr: bool = False) -> str:
    """``hlm. 3`` for a page of a PDF (``hlm. 3, OCR`` for a scanned page whose text OCR read); "" for an unpaged
    source."""
    return "" if page is None else f"hlm. {page}, OCR" if ocr else f"hlm. {page}"


def citation(title: str, outlet: str, date: str, rank: int | None = None, source: str = "", passage_id: str = "",
             page: int | None = None, ocr: bool = False) -> str:
    """``[rank] Title — Outlet, date (source, hlm. page, bagian passage_id)`` as plain text, each optional part when
    given (``hlm. page, OCR`` when ``ocr``: the page's text came from OCR)."""
    ref = ", ".join(p for p in (source, page_label(page, ocr), f"bagian {passage_id}" if passage_id else "") if p)
    return (f"[{rank}] " if rank is not None else "") + title_line(title, outlet, date) + (f" ({ref})" if ref else "")


def _index(passage_id: str) -> int | None:
    tail = passage_id.rsplit("#", 1)[-1]
    return int(tail) if "#" in passage_id and tail.isdigit() else None


def part_number(passage_id: str, covers: Sequence[str] = ()) -> str:
    """The passage's number within its article as people count, from 1: ``4`` for ``004_8bd08da9835bcf30#3``;
    for a widened hit that also shows the passages ``covers``, the range it spans (``1–3``). An id without a
    number after ``#`` is shown as it is."""
    own = _index(passage_id)
    if own is None:
        return passage_id.rsplit("#", 1)[-1]
    numbers = [own] + [n for n in map(_index, covers) if n is not None]
    low, high = min(numbers) + 1, max(numbers) + 1
    return f"{low}–{high}" if high > low else str(low)


def parts(passage_ids: Sequence[str], covers: Sequence[Sequence[str]] = ()) -> str:
    """``bagian 3, 5``: the passages an article's citation draws on, in the order cited (``covers[i]``: the other
    passages the i-th one's widened text shows)."""
    wide = list(covers) + [()] * (len(passage_ids) - len(covers))
    return "bagian " + ", ".join(part_number(p, c) for p, c in zip(passage_ids, wide))


QUOTE_OPENERS = "\"“„‟«‘"
QUOTE_CLOSERS = "\"”»’"


def quoted(text: str) -> str:
    """``“text”``, adding an opening mark only where the text does not start with one and a closing mark only where
    it does not end with one (a quote that is a whole quoted remark keeps its own marks, not doubled ones)."""
    start, end = quote_marks(text)
    return f"{start}{text}{end}"


def quote_marks(text: str) -> tuple[str, str]:
    """The opening and closing marks :func:`quoted` adds to ``text`` (for a caller that renders the text itself)."""
    body = text.strip()
    return ("“" if not body or body[0] not in QUOTE_OPENERS else ""), ("”" if not body or body[-1] not in QUOTE_CLOSERS else "")


def pages(numbers: Sequence[int | None], ocr: Sequence[bool] = ()) -> str:
    """``hlm. 3, 4``: the PDF pages an article's cited passages are on, each once, ``3 (OCR)`` for a page OCR read
    (``ocr[i]``: the i-th number's page is one); "" for an unpaged source."""
    scanned = {n for n, o in zip(numbers, ocr) if o}
    seen = list(dict.fromkeys(n for n in numbers if n is not None))
    return "hlm. " + ", ".join(f"{n} (OCR)" if n in scanned else str(n) for n in seen) if seen else ""


def article_citation(title: str, outlet: str, date: str, passage_ids: Sequence[str], rank: int | None = None,
                     source: str = "", page_numbers: Sequence[int | None] = (),
                     covers: Sequence[Sequence[str]] = (), ocr: Sequence[bool] = ()) -> str:
    """``[rank] Title — Outlet, date · hlm. 3 · bagian 3, 5 (source)``: an article cited once with the passages it
    gives (and their PDF pages, when it has pages); ``covers`` as for :func:`parts`, ``ocr`` as for :func:`pages`."""
    on = pages(page_numbers, ocr)
    return ((f"[{rank}] " if rank is not None else "") + title_line(title, outlet, date) + (f" · {on}" if on else "")
            + (f" · {parts(passage_ids, covers)}" if passage_ids else "") + (f" ({source})" if source else ""))


def by_article(hits: Sequence[T]) -> list[tuple[int, tuple[T, ...]]]:
    """The hits grouped by article (``doc_id``) in the order each article is first cited, numbered from 1."""
    groups: dict[str, list[T]] = {}
    for hit in hits:
        groups.setdefault(hit.doc_id, []).append(hit)  # type: ignore[attr-defined]
    return [(number, tuple(group)) for number, group in enumerate(groups.values(), start=1)]
