"""PDF columns: a page's text in reading order, column by column, from PDFium's text rects.

A page is cut into blocks by vertical gaps of more than ``BLOCK_GAP_LINES`` line heights (a title above, a footer
below). In a block, a gutter is a stretch of the block's x profile (how many text rects cover each point across the
page) at least ``GUTTER_HEIGHTS`` line heights wide, with text on both sides, that at most ``MAX_CROSSING_SHARE`` of
the block's lines cross. A rect that crosses a gutter (a headline or header over the columns, a caption) is read with
the rects on its line as one full-width line in its place; between such lines the block is read column by column,
left to right, each column top to bottom. So a line never joins text of two columns, however the file draws them:
row by row or column by column, as one text object a line, a word or a character, with baselines that do not line
up, a column shorter than the one beside it, or three columns and more. A block of at least ``MIN_COLUMN_LINES``
lines below columns that crosses none of their gutters goes on in them (a column after a wider gap); a footer does
not.

A gutter must part columns of prose: on each side at least ``MIN_COLUMN_LINES`` lines beside the other side's, lines
filling ``FULL_LINE_SHARE`` of their column's width (median), a column at least ``MIN_COLUMN_HEIGHTS`` line heights
and ``MIN_COLUMN_SHARE`` of an even share of the text's width wide, and the white no wider than ``MAX_GUTTER_SHARE``
of the narrower column. A failing gutter is dropped (the narrowest first) and the others checked again, so short
labels beside their values (a table, a form, a manual's options) read row by row. A page without a gutter in any
block is read exactly as PDFium gives it (``get_text_range``). Limit: a table of two wide columns of long cells
reads as two columns.
"""

from __future__ import annotations

import math
from bisect import bisect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pypdfium2 as pdfium

Rect = tuple[float, float, float, float]  # left, bottom, right, top, in points
BLOCK_GAP_LINES = 2.5  # a vertical gap of this many line heights ends a block (a header or footer stands apart)
MIN_GUTTER = 6.0  # points of white between two columns at least ...
GUTTER_HEIGHTS = 0.8  # ... and at least this many line heights (a word space is about 0.3)
MAX_CROSSING_SHARE = 0.25  # a gutter is crossed by at most this share of the block's lines (headlines, captions)
MIN_COLUMN_LINES = 3  # lines of each column beside the other's
FULL_LINE_SHARE = 0.5  # a column of prose: its median line fills at least this share of the column's width
MIN_COLUMN_HEIGHTS = 10.0  # ... the column is at least this many line heights wide (about 20 characters)
MIN_COLUMN_SHARE = 0.5  # ... and at least this share of the text's width divided by the number of columns
MAX_GUTTER_SHARE = 1.0  # ... and the white beside it at most this share of the narrower column's width
MAX_BINS = 4000  # points of the x profile (a wider text is profiled in coarser steps)
FAR = 1e6  # beyond any page's edge, in points


def _rows(rects: list[Rect]) -> list[Rect]:
    """The rects grouped into lines, top to bottom, each line the box around its rects: a rect whose middle lies below
    the line so far starts the next one (words and characters of a line differ in height, not in line)."""
    rows: list[list[float]] = []
    for left, bottom, right, top in sorted(rects, key=lambda r: -(r[1] + r[3])):
        if rows and (bottom + top) / 2 >= rows[-1][1]:
            row = rows[-1]
            row[:] = min(row[0], left), min(row[1], bottom), max(row[2], right), max(row[3], top)
        else:
            rows.append([left, bottom, right, top])
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def _blocks(rects: list[Rect], height: float) -> list[list[Rect]]:
    """The rects top to bottom in blocks parted by a gap of more than ``BLOCK_GAP_LINES`` line heights."""
    ordered = sorted(rects, key=lambda r: -r[3])
    blocks, bottom = [[ordered[0]]], ordered[0][1]
    for rect in ordered[1:]:
        if bottom - rect[3] > BLOCK_GAP_LINES * height:
            blocks.append([])
            bottom = rect[1]
        blocks[-1].append(rect)
        bottom = min(bottom, rect[1])
    return blocks


def _valleys(rects: list[Rect], lines: int, height: float) -> list[float]:
    """The x of each gutter candidate: for each level from 0 up to ``MAX_CROSSING_SHARE`` of the block's ``lines``, each
    stretch of the x profile that no more rects than the level cover, wide enough for a gutter, with text on both sides
    and no candidate yet; the candidate is its point nearest the middle where the most of those rects cross (a headline
    drawn word by word crosses there, not through a space between two of its words)."""
    lo, hi = min(r[0] for r in rects), max(r[2] for r in rects)
    step = max(1.0, (hi - lo) / MAX_BINS)
    bins = math.ceil((hi - lo) / step)
    change = [0] * (bins + 1)
    for left, _, right, _ in rects:
        change[int((left - lo) / step)] += 1
        change[min(bins, math.ceil((right - lo) / step))] -= 1
    cover, running = [], 0
    for delta in change[:bins]:
        running += delta
        cover.append(running)
    wide = max(MIN_GUTTER, GUTTER_HEIGHTS * height) - 2 * step
    found: list[int] = []
    for level in range(int(max(1, MAX_CROSSING_SHARE * lines)) + 1):
        start = 0
        while start < bins:
            end = start
            while end < bins and cover[end] <= level:
                end += 1
            if 0 < start < end < bins and (end - start) * step >= wide and not any(start <= i < end for i in found):
                most, middle = max(cover[start:end]), (start + end - 1) / 2
                found.append(min((i for i in range(start, end) if cover[i] == most), key=lambda i: abs(i - middle)))
            start = end + 1
    return sorted(lo + (i + 0.5) * step for i in found)


def _split(rects: list[Rect], cuts: list[float]) -> tuple[list[Rect], list[list[Rect]]]:
    """The spanning rects (crossing a cut, or on the line of one that does) and the others by column, left to right."""
    crossing = [r for r in rects if any(r[0] < x < r[2] for x in cuts)]
    spanning, columns = [], [[] for _ in range(len(cuts) + 1)]
    for rect in rects:
        middle = (rect[1] + rect[3]) / 2
        if any(c[1] <= middle <= c[3] for c in crossing):
            spanning.append(rect)
        else:
            columns[bisect(cuts, (rect[0] + rect[2]) / 2)].append(rect)
    return spanning, columns


def _prose(rows: list[Rect], height: float, even: float) -> bool:
    """Lines of a column of prose: enough of them, mostly full, the column wide enough (see the module doc)."""
    width = max(r[2] for r in rows) - min(r[0] for r in rows)
    return (len(rows) >= MIN_COLUMN_LINES and _median([r[2] - r[0] for r in rows]) >= FULL_LINE_SHARE * width
            and width >= max(MIN_COLUMN_HEIGHTS * height, MIN_COLUMN_SHARE * even))


def _beside(a: list[Rect], b: list[Rect]) -> int:
    """The lines of the shorter column whose middle lies within the other column's height."""
    short, tall = sorted((a, b), key=len)
    bottom, top = min(r[1] for r in tall), max(r[3] for r in tall)
    return sum(bottom <= (r[1] + r[3]) / 2 <= top for r in short)


def _weakest(columns: list[list[Rect]], cuts: list[float], height: float, width: float) -> int | None:
    """The index of the narrowest cut that does not part two columns of prose, or None when all do."""
    rows = [_rows(column) if column else [] for column in columns]
    even = width / len(columns)
    failing = []
    for i in range(len(cuts)):
        left, right = rows[i], rows[i + 1]
        if not left or not right:
            failing.append((0.0, i))
            continue
        white = min(r[0] for r in right) - max(r[2] for r in left)
        narrower = min(max(r[2] for r in side) - min(r[0] for r in side) for side in (left, right))
        if not (_prose(left, height, even) and _prose(right, height, even) and _beside(left, right) >= MIN_COLUMN_LINES
                and max(MIN_GUTTER, GUTTER_HEIGHTS * height) <= white <= MAX_GUTTER_SHARE * narrower):
            failing.append((white, i))
    return min(failing)[1] if failing else None


def _cuts(block: list[Rect], height: float) -> list[float]:
    """The x of each gutter between columns of prose in the block, left to right (none for one column)."""
    if len(block) < 2 * MIN_COLUMN_LINES:
        return []
    cuts = _valleys(block, len(_rows(block)), height)
    width = max(r[2] for r in block) - min(r[0] for r in block)
    while cuts:
        weak = _weakest(_split(block, cuts)[1], cuts, height, width)
        if weak is None:
            break
        del cuts[weak]
    return cuts


def _bands(spanning: list[Rect]) -> list[tuple[float, float]]:
    """The (bottom, top) of the spanning lines, top to bottom, lines that overlap merged into one."""
    bands: list[list[float]] = []
    for row in sorted(_rows(spanning), key=lambda r: -r[3]):
        if bands and row[3] >= bands[-1][0]:
            bands[-1][0] = min(bands[-1][0], row[1])
        else:
            bands.append([row[1], row[3]])
    return [(bottom, top) for bottom, top in bands]


def _block_text(textpage: pdfium.PdfTextPage, block: list[Rect], cuts: list[float]) -> list[str]:
    """The block's text: each spanning line full width in its place, between them the columns left to right."""
    edges = [-FAR] + cuts + [FAR]
    parts, top = [], max(r[3] for r in block) + 0.5
    for band in _bands(_split(block, cuts)[0]) + [None]:
        bottom = band[1] if band else min(r[1] for r in block) - 0.5
        if top > bottom:
            parts += [_bounded(textpage, a, bottom + 0.01, b, top) for a, b in zip(edges, edges[1:])]
        if band:
            parts.append(_bounded(textpage, -FAR, band[0], FAR, band[1]))
            top = band[0] - 0.01
    return [part for part in parts if part.strip()]


def _joined(blocks: list[list[Rect]], height: float) -> list[tuple[list[Rect], list[float]]]:
    """Each block with its cuts; a block of at least ``MIN_COLUMN_LINES`` lines below columns that crosses none of their
    gutters (a column that goes on after a wider gap, beside a shorter one) is part of them, a footer is not."""
    found: list[tuple[list[Rect], list[float]]] = []
    for block in blocks:
        cuts = _cuts(block, height)
        above = found[-1][1] if found else []
        if not cuts and above and len(_rows(block)) >= MIN_COLUMN_LINES and not _split(block, above)[0]:
            found[-1] = (found[-1][0] + block, above)
        else:
            found.append((block, cuts))
    return found


def _bounded(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    """The text within the box; PDFium marks a hyphen at a line end there with U+0002, elsewhere U+FFFE: U+FFFE."""
    return textpage.get_text_bounded(left, bottom, right, top).replace("\x02", "\ufffe")


def reading_order(textpage: pdfium.PdfTextPage) -> str:
    """The page's text in reading order (see the module doc); a page of one column exactly as PDFium gives it."""
    rects = [r for r in (textpage.get_rect(i) for i in range(textpage.count_rects())) if r[2] > r[0] and r[3] > r[1]]
    if len(rects) < 2 * MIN_COLUMN_LINES:
        return textpage.get_text_range()
    height = _median([r[3] - r[1] for r in _rows(rects)])
    blocks = _joined(_blocks(rects, height), height)
    if not any(cuts for _, cuts in blocks):
        return textpage.get_text_range()
    parts = []
    for block, cuts in blocks:
        if cuts:
            parts += _block_text(textpage, block, cuts)
        else:
            parts.append(_bounded(textpage, -FAR, min(r[1] for r in block) - 0.5, FAR, max(r[3] for r in block) + 0.5))
    return "\n".join(parts)
