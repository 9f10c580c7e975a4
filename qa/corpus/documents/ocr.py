"""OCR of a PDF page without a text layer (a scan): PDFium renders it, Tesseract reads it in Indonesian.

Tesseract (Apache-2.0) is Debian's ``tesseract-ocr`` with the ``tesseract-ocr-ind`` language data, called through
pytesseract (Apache-2.0), which runs the ``tesseract`` program on each image. ``make setup`` installs both.

Without them (no ``tesseract`` program, no Indonesian data, no pytesseract) :func:`unavailable` says why in one
line, the PDF reader leaves scanned pages out as before, and :func:`say_off` logs that line once per build
(:func:`new_build` starts one: :func:`qa.corpus.articles.load` calls it), not once per page or file.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pypdfium2 as pdfium

logger = logging.getLogger(__name__)

LANGUAGE = "ind"  # Tesseract's Indonesian model (tesseract-ocr-ind)
DPI = 300  # the resolution a page is rendered at for OCR (Tesseract reads body text best from about 300 dpi)
INSTALL = "install Debian's tesseract-ocr and tesseract-ocr-ind (make setup does) and pip install pytesseract"

_said_off = False


def unavailable() -> str:
    """"" when pages can be OCR'd here; else one line that says what is missing (checked once per build)."""
    return _probe()


@functools.lru_cache(maxsize=1)
def _probe() -> str:
    try:
        import pytesseract
    except ImportError:
        return f"OCR is off: pytesseract is not installed; {INSTALL}"
    try:
        languages = pytesseract.get_languages(config="")
    except pytesseract.TesseractNotFoundError:
        return f"OCR is off: the tesseract program is not installed; {INSTALL}"
    except (pytesseract.TesseractError, OSError) as exc:
        return f"OCR is off: tesseract does not run ({' '.join(str(exc).split())}); {INSTALL}"
    if LANGUAGE not in languages:
        return f"OCR is off: tesseract has no Indonesian data ({LANGUAGE!r} not among {', '.join(languages) or 'none'}); {INSTALL}"
    return ""


def new_build() -> None:
    """Start a build: check for Tesseract again and let :func:`say_off` speak once more."""
    global _said_off
    _said_off = False
    _probe.cache_clear()


def say_off(reason: str) -> None:
    """Log ``reason`` (from :func:`unavailable`) as a warning, the first time in this build only."""
    global _said_off
    if not _said_off:
        _said_off = True
        logger.warning("%s; scanned PDF pages are not indexed", reason)


def read_page(page: pdfium.PdfPage) -> str:
    """The text Tesseract reads on ``page``, rendered at :data:`DPI` in grey (lines as Tesseract gives them).

    Raises RuntimeError (one line) when Tesseract fails on the image; call only when :func:`unavailable` is "".
    """
    import pytesseract

    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    try:
        return pytesseract.image_to_string(image, lang=LANGUAGE)
    except pytesseract.TesseractError as exc:
        raise RuntimeError(f"tesseract failed ({' '.join(str(exc).split())})") from exc
    finally:
        image.close()
