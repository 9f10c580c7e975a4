"""PDF: the text layer of every page with pypdfium2 (PDFium), as running text with page starts.

pypdfium2 was chosen over pypdf and pdfplumber (README, "Documents"): on Debian's ``bash.pdf``
it extracts about 800 pages/s with words and ligatures intact, pypdf about 90 pages/s with
words broken apart ("interacti ve"), pdfplumber about 8 pages/s with words run together.

Limits: a file over ``MAX_BYTES`` or with more than ``MAX_PAGES`` pages is refused with one line
(a 1,000-page PDF is read whole: about 2 s). An encrypted file that needs a password, a truncated
or corrupt one, or one with no text on any page (a scan) that OCR cannot read either is refused with one
line naming the file.

Scans: a page without a text layer is read by OCR (:mod:`.ocr`: Tesseract, Indonesian) when Tesseract is
installed; ``Document.ocr_pages`` lists those pages, and one note per file says how many there were. Without
Tesseract the build says so once (:func:`.ocr.say_off`) and such pages are reported in one note per file
("12 of 40 pages have no text layer (scanned?); they are not indexed") and left out of the text.

Columns: a page whose text rects (PDFium's, one per run of text on a line) hold two columns of prose side
by side is read column by column, so a sentence never joins lines of two columns, whatever order the file
draws them in; a block of text apart from the columns (a title above, a footer below: a gap of more than
``BLOCK_GAP_LINES`` line heights) is read on its own. A page of one column, or of short labels beside
their values (a table), is read exactly as PDFium gives it.

Title: the metadata Title unless it is producer junk ("Microsoft Word - SE_final.docx", "untitled", a file
name: :func:`.document.usable_title`), else the first line of the text when it reads as a heading, else the
file name without its suffix (underscores as spaces).
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdfium2.internal import ErrorToStr

from qa.corpus.documents import ocr
from qa.corpus.documents.document import Document, usable_title
from qa.corpus.documents.furniture import page_lines, running_text, strip_furniture
from qa.errors import DocumentError

logger = logging.getLogger(__name__)

MAX_BYTES = 256 << 20
MAX_PAGES = 2000
MIN_PAGE_CHARS = 3  # a page with fewer non-space characters has no text layer to speak of


def _set_last_error(code: int) -> None:
    """Leave PDFium's last-error code at ``code`` (FORMAT or FILE) by a load that fails with it."""
    if code == pdfium_c.FPDF_ERR_FORMAT:
        document = pdfium_c.FPDF_LoadMemDocument(b"", 0, None)  # no bytes: a format error
    else:
        document = pdfium_c.FPDF_LoadDocument(b"/nonexistent/qa-sentinel.pdf", None)  # a file error
    if document:
        pdfium_c.FPDF_CloseDocument(document)


def _own_error(path: Path, code: int | None) -> int | None:
    """The last-error code that opening ``path`` itself sets, or None when it sets none.

    PDFium keeps one last-error code per process and does not set it on every failure (a PDF without pages
    fails leaving the code of the file before: a password error after an encrypted file). So the code is
    first set to another one and the file opened again: if the code is still that one, the file set none.
    """
    sentinel = pdfium_c.FPDF_ERR_FILE if code == pdfium_c.FPDF_ERR_FORMAT else pdfium_c.FPDF_ERR_FORMAT
    _set_last_error(sentinel)
    try:
        pdfium.PdfDocument(str(path)).close()
    except pdfium.PdfiumError as exc:
        again = getattr(exc, "err_code", None)
        return None if again in (sentinel, pdfium_c.FPDF_ERR_SUCCESS) else again
    return None


def _open(path: Path) -> pdfium.PdfDocument:
    """The open PDF, or a DocumentError that says why this file (not the one read before it) cannot be opened."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = _own_error(path, getattr(exc, "err_code", None))
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError(f"{path} is encrypted (it needs a password); save an unprotected copy and build "
                                f"again") from exc
        reason = f"PDFium: {ErrorToStr.get(code, code)}" if code is not None else "PDFium gave no reason"
        raise DocumentError(f"{path} is not a readable PDF ({reason}; truncated, corrupt or without pages?); save it "
                            f"again from its source") from exc


def _page_texts(document: pdfium.PdfDocument, path: Path) -> list[str]:
    texts = []
    for number in range(len(document)):
        try:
            page = document[number]
            textpage = page.get_textpage()
            texts.append(_reading_order(textpage))
            textpage.close()
            page.close()
        except pdfium.PdfiumError as exc:
            raise DocumentError(f"{path} page {number + 1} cannot be read ({exc}); save the PDF again from its "
                                f"source") from exc
    return texts


Rect = tuple[float, float, float, float]  # left, bottom, right, top, in points
MIN_COLUMN_LINES = 3  # side-by-side lines that make two columns
MIN_GUTTER = 6.0  # points of white between a left column's lines and the right column
FULL_LINE_SHARE = 0.5  # a column of prose: its median line fills at least this share of the column's width
MIN_COLUMN_SHARE = 0.25  # ... the left column is at least this share of the text's width
MAX_GUTTER_SHARE = 0.5  # ... and the white between the columns at most this share of the left column's width
BLOCK_GAP_LINES = 2.5  # a vertical gap of this many line heights ends a block (a header or footer stands apart)


def _beside(a: Rect, b: Rect) -> bool:
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _prose(rects: list[Rect]) -> bool:
    widths = sorted(r[2] - r[0] for r in rects)
    return widths[len(widths) // 2] >= FULL_LINE_SHARE * (max(r[2] for r in rects) - min(r[0] for r in rects))


def _sides(rects: list[Rect], x: float) -> tuple[list[Rect], list[Rect]]:
    return [r for r in rects if r[2] <= x - MIN_GUTTER], [r for r in rects if r[0] >= x]


def _gutter(rects: list[Rect]) -> float | None:
    """The x where a right column of prose starts beside a left one (most lines side by side), or None."""
    if len(rects) < 2 * MIN_COLUMN_LINES:
        return None
    lo, hi = min(r[0] for r in rects), max(r[2] for r in rects)
    best, most = None, MIN_COLUMN_LINES - 1
    starts = Counter(round(r[0]) for r in rects if lo + 0.2 * (hi - lo) < r[0] < lo + 0.8 * (hi - lo))
    for x in sorted(start - 1.0 for start, count in starts.items() if count >= MIN_COLUMN_LINES):  # a shared margin
        left, right = _sides(rects, x)
        if len(left) < MIN_COLUMN_LINES or len(right) < MIN_COLUMN_LINES or not (_prose(left) and _prose(right)):
            continue
        width = max(r[2] for r in left) - min(r[0] for r in left)
        if width < MIN_COLUMN_SHARE * (hi - lo) or x - max(r[2] for r in left) > MAX_GUTTER_SHARE * width:
            continue  # a column of labels far from their values: a table, read row by row
        pairs = sum(any(_beside(a, b) for a in left) for b in right)
        if pairs > most:
            best, most = x, pairs
    return best


def _blocks(rects: list[Rect]) -> list[list[Rect]]:
    """The rects top to bottom in blocks parted by a gap of more than ``BLOCK_GAP_LINES`` line heights."""
    ordered = sorted(rects, key=lambda r: -r[3])
    heights = sorted(r[3] - r[1] for r in rects)
    gap = BLOCK_GAP_LINES * heights[len(heights) // 2]
    blocks = [[ordered[0]]]
    for rect in ordered[1:]:
        if min(r[1] for r in blocks[-1]) - rect[3] > gap:
            blocks.append([])
        blocks[-1].append(rect)
    return blocks


def _reading_order(textpage: pdfium.PdfTextPage) -> str:
    """The page's text in reading order: a block of two columns of prose side by side (PDFium's text rects tell)
    column by column; a page of one column exactly as PDFium gives it (``get_text_range``)."""
    rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    x = _gutter(rects)
    if x is None:
        return textpage.get_text_range()
    parts = []
    for block in _blocks(rects):
        bottom, top = min(r[1] for r in block) - 0.5, max(r[3] for r in block) + 0.5
        left, right = _sides(block, x)
        if left and right and len(left) + len(right) == len(block) and any(_beside(a, b) for a in left for b in right):
            parts += [textpage.get_text_bounded(0, bottom, x - 1, top), textpage.get_text_bounded(x - 1, bottom, 1e6, top)]
        else:
            parts.append(textpage.get_text_bounded(0, bottom, 1e6, top))
    return "\n".join(parts)


def _title(document: pdfium.PdfDocument) -> str:
    try:
        return " ".join(str(document.get_metadata_value("Title") or "").split())
    except (pdfium.PdfiumError, KeyError, ValueError):
        return ""


def read_pdf(path: Path) -> Document:
    """The text of every page of the PDF at ``path``, furniture removed (:mod:`.furniture`), with page starts.

    ``pages`` has one start offset per page of the file. Raises DocumentError as the module doc says.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"{path} has {size >> 20} MB; the limit for a PDF is {MAX_BYTES >> 20} MB, split it")
    document = _open(path)
    try:
        count = len(document)
        if count > MAX_PAGES:
            raise DocumentError(f"{path} has {count} pages; the limit is {MAX_PAGES}, split it into parts")
        raw = _page_texts(document, path)
        lines = [page_lines(text) for text in raw]
        blank = [n for n, page in enumerate(lines) if len("".join(page)) < MIN_PAGE_CHARS]
        off = ocr.unavailable() if blank else ""
        scanned = _ocr_pages(document, path, blank, lines) if blank and not off else ()
        title = _title(document)
    finally:
        document.close()
    if off:
        ocr.say_off(off)
    unread = [n for n in blank if n + 1 not in scanned]
    if count == 0 or len(unread) == count:
        advice = ("OCR found no text on them either; check the scan" if blank and not off else
                  "install tesseract (make setup) or run OCR on it (e.g. ocrmypdf)")
        raise DocumentError(f"{path}: {len(unread)} of {count} pages have no text layer (scanned?); {advice}, and build again")
    lines = [[] if n in unread else page for n, page in enumerate(lines)]
    kept = strip_furniture(lines)
    text, starts = running_text(kept)
    notes = ()
    if blank:
        said = f"{path}: {len(blank)} of {count} pages have no text layer (scanned?)"
        if off:
            said += "; they are not indexed"
        else:
            said += f"; read with OCR (tesseract, {ocr.LANGUAGE})" + (f", no text found on {len(unread)}: not indexed" if unread else "")
        notes = (said,)
    title = usable_title(title, path) or _first_heading(kept) or path.stem.replace("_", " ")
    return Document(text=text, pages=starts, title=title, notes=notes, ocr_pages=scanned)


def _ocr_pages(document: pdfium.PdfDocument, path: Path, blank: list[int], lines: list[list[str]]) -> tuple[int, ...]:
    """OCR the ``blank`` pages (0-based) into ``lines``; the 1-based numbers of those that gave text."""
    read = []
    for number in blank:
        try:
            page = document[number]
            text = ocr.read_page(page)
            page.close()
        except (pdfium.PdfiumError, RuntimeError) as exc:
            raise DocumentError(f"{path} page {number + 1} cannot be OCR'd ({exc}); save the PDF again from its source") from exc
        lines[number] = page_lines(text)
        if len("".join(lines[number])) >= MIN_PAGE_CHARS:
            read.append(number + 1)
    return tuple(read)


HEADING_WORDS = 15
HEADING_CAPITALS = 0.6  # share of a mixed-case heading's words that start with a capital (or are not words)


def _first_heading(pages: list[list[str]]) -> str:
    """The first line of the text when it reads as a heading: short, no comma, not ending like a sentence or a wrapped
    line, in capitals or with most of its words capitalised ("SURAT EDARAN BUPATI …", "Pedoman Netralitas ASN")."""
    line = next((page[0] for page in pages if page), "")
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    if not words or len(line.split()) > HEADING_WORDS or line.endswith((".", ";", ":", "-", "\u00ad")) or "," in line:
        return ""
    capitalised = sum(w[0].isupper() or not w[0].isalpha() for w in words)
    return line if line.isupper() or capitalised >= HEADING_CAPITALS * len(words) else ""
