"""How text comes out of a PDF for bench/documents.py: the raw library calls compared, and the OCR measure.

``LIBRARIES``: pypdfium2 ``get_text_range()``, pypdf ``extract_text()`` and pdfplumber ``extract_text()`` on each page
(pypdf and pdfplumber are not dependencies of the project: a library that is not installed gets a row that says so).
``compare``: the three on a folder of drawn PDFs and on Debian's bash.pdf. ``measure_ocr``: pages of a PDF rendered
into an image-only PDF and read back by the project's PDF reader (Tesseract).
"""

from __future__ import annotations

import importlib.util
import re
import time
from importlib import metadata
from pathlib import Path


def norm(text: str) -> str:
    return " ".join(text.replace("\ufffe", "-").split())


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _pdfium(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    document.close()
    return texts


def _pypdf(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]


def _pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


LIBRARIES = {"pypdfium2": (_pdfium, None), "pypdf": (_pypdf, None), "pdfplumber": (_pdfplumber, 5)}
LICENCES = {"pypdfium2": "Apache-2.0 or BSD-3-Clause (PDFium: BSD-3-Clause)", "pypdf": "BSD-3-Clause",
            "pdfplumber": "MIT (pdfminer.six: MIT)"}


REAL_PDF = Path("/usr/share/doc/bash/bash.pdf")


def _words(text: str) -> list[str]:
    text = re.sub(r"[-\ufffe]\s*\n\s*", "", text.replace("\r\n", "\n"))
    return [w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)]


def _roff_words() -> set[str]:
    import gzip

    source = Path("/usr/share/man/man1/bash.1.gz")
    if not source.is_file():
        return set()
    roff = gzip.decompress(source.read_bytes()).decode("utf-8", "replace")
    roff = re.sub(r"\\f[BIRP]|\\f\(\w\w|\\[-&|^]|\\\(\w\w|\\s[-+]?\d", " ", roff)  # font, size, escapes
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", roff)}


def compare(files: list[Path], drawn: dict[str, list[list[str]]]) -> list[list]:
    rows = []
    vocabulary = _roff_words()
    for name, (extract, limit) in LIBRARIES.items():
        if not installed(name):
            rows.append([name, "not installed", LICENCES[name]] + [""] * 5)
            continue
        chosen = files[:limit] if limit else files
        started = time.perf_counter()
        found = total = pages = 0
        for path in chosen:
            texts = extract(path)
            pages += len(texts)
            for text, lines in zip(texts, drawn[path.name]):
                page = norm(text)
                found += sum(norm(line) in page for line in lines)
                total += len(lines)
        seconds = time.perf_counter() - started
        real = intact = ""
        if REAL_PDF.is_file():
            started = time.perf_counter()
            texts = extract(REAL_PDF)
            real = f"{len(texts) / (time.perf_counter() - started):.0f}"
            words = [w for t in texts for w in _words(t)]
            if vocabulary and words:
                intact = f"{sum(w in vocabulary for w in words) / len(words):.3f}"
        rows.append([name, metadata.version(name), LICENCES[name], pages, f"{pages / seconds:.0f}", f"{found / total:.3f}",
                     real, intact])
    return rows


def _word_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in re.findall(r"\w+", text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return counts


def word_accuracy(known: str, read: str) -> float:
    """The share of ``known``'s words (each counted as often as it occurs) that ``read`` has."""
    want, have = _word_counts(known), _word_counts(read)
    return sum(min(n, have.get(w, 0)) for w, n in want.items()) / max(1, sum(want.values()))


def measure_ocr(pdf: Path, drawn: list[list[str]], pages: int, dpi: int, folder: Path) -> str:
    """The OCR paragraph: ``pages`` pages of ``pdf`` rendered at ``dpi`` into an image-only PDF, read back by the
    PDF reader (Tesseract on every page); pages/s and word accuracy against the ``drawn`` lines."""
    import pypdfium2

    from qa.corpus.documents import ocr, read

    off = ocr.unavailable()
    if off:
        return f"OCR of scanned pages: not measured ({off})."
    document = pypdfium2.PdfDocument(str(pdf))
    pages = min(pages, len(document))
    images = [document[n].render(scale=dpi / 72, grayscale=True).to_pil() for n in range(pages)]
    document.close()
    scan = folder / "scan.pdf"
    images[0].save(scan, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    started = time.perf_counter()
    result = read(scan, "pdf")
    seconds = time.perf_counter() - started
    known = " ".join(" ".join(lines) for lines in drawn[:pages])
    accuracy = word_accuracy(known, result.text)
    import pytesseract

    print(f"OCR: {pages / seconds:.2f} pages/s, word accuracy {accuracy:.3f}", flush=True)
    return (f"OCR of scanned pages: {pages} pages of the folder's first PDF (40 lines of 9-point Helvetica each) "
            f"rendered by pypdfium2 at {dpi} dpi into an image-only PDF, read by the PDF reader (pages rendered again "
            f"at {ocr.DPI} dpi, Tesseract {pytesseract.get_tesseract_version()} `{ocr.LANGUAGE}` through pytesseract "
            f"{metadata.version('pytesseract')}): **{pages / seconds:.2f} pages/s** ({seconds:.1f} s), OCR'd pages "
            f"{len(result.ocr_pages)} of {pages}; **word accuracy {accuracy:.3f}** (share of the drawn lines' words, "
            f"each counted as often as it occurs, found in the text read back).")
