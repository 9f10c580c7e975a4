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

Columns: a page of columns of prose side by side is read column by column, and a line across them (a headline,
a caption) in its place, so a sentence never joins lines of two columns, whatever order the file draws them in
(:mod:`.columns`); a page of one column, or of short labels beside their values (a table), is read exactly as
PDFium gives it.

Title: the metadata Title unless it is producer junk ("Microsoft Word - SE_final.docx", "untitled", a file
name: :func:`.document.usable_title`), else the first line of the text when it reads as a heading, else the
file name without its suffix (underscores as spaces).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdfium2.internal import ErrorToStr

from qa.corpus.documents import ocr
from qa.corpus.documents.columns import reading_order
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
            texts.append(reading_order(textpage))
            textpage.close()
            page.close()
        except pdfium.PdfiumError as exc:
            raise DocumentError(f"{path} page {number + 1} cannot be read ({exc}); save the PDF again from its "
                                f"source") from exc
    return texts


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
