"""PDF text extraction speed and quality (50 PDFs × 20 pages, three libraries compared), and reading order (PDF, DOCX).

    .venv/bin/python bench/documents.py [--files 50] [--pages 20] [--ocr-pages 5] [--scan-dpi 200]
                                        [--column-files 10] [--docx-files 20] [--embed-files 5 | --no-embed]

Writes the folder into a temporary directory with reportlab (the test extra): each page has a
running header, a footer "Halaman N dari 20" and 40 lines of sentences drawn at random from
the seed articles, so that no two pages are alike. Measures

- the corpus stage on the folder (``qa.corpus.articles.load``: pypdfium2 text, furniture out, hyphens
  joined, the Article) in pages/s, and checks that no header or footer is left;
- raw text extraction with pypdfium2, pypdf and pdfplumber (bench/documents_extract.py; pdfplumber on the first 5
  files: it is slow; a library not installed gets a row that says so) in pages/s, and their quality: the share of
  the drawn lines found verbatim (spaces normalised) in the page text the library returns;
- the same three on Debian's ``/usr/share/doc/bash/bash.pdf`` (bash-doc): pages/s, and the share
  of its words (4 letters or more, line-end hyphens joined for all three) that are words of the
  manual page's roff source ``/usr/share/man/man1/bash.1.gz``: words broken apart ("interacti ve")
  or run together ("fileinstead") are not;
- OCR of scanned pages (``qa.corpus.documents.ocr``: Tesseract, Indonesian): the first ``--ocr-pages`` pages of
  the folder rendered by pypdfium2 at ``--scan-dpi`` into an image-only PDF (Pillow), read by the PDF reader in
  pages/s, with the word accuracy against the drawn lines (the share of their words, each counted as often as it
  occurs, that the read text has); skipped with the reason when Tesseract is not installed;
- reading order (bench/documents_fidelity.py): ``--column-files`` two-column PDFs of ``--pages`` pages, half drawn row
  by row, read by the project's reader and the three raw calls (the share of sentences verbatim, the rows whose two
  columns' lines are spliced), and six harder layouts drawn row by row (a headline close above, words drawn apart,
  baselines half a line apart, short columns, three columns), one PDF of ``--pages`` pages each; and
  (bench/documents_docx.py) ``--docx-files`` Word files with tracked insertions and deletions, text boxes, a nested
  table, content controls and fields, read by the project's reader and by python-docx's ``paragraphs`` (and docx2python
  when installed): the share of the expected text found, deleted text, placeholder prompts and field codes found, and
  order;
- unless ``--no-embed``: the time to embed the passages of the first ``--embed-files`` PDFs with the
  default model and backend, reported apart from extraction (the whole folder's embedding takes
  tens of minutes on a busy 2-core machine; its rate is the same per passage).

Writes the ``documents`` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, table, write_section  # noqa: E402
from bench.documents_extract import compare, measure_ocr  # noqa: E402
from bench.documents_docx import PROMPT, make_docx, measure_docx  # noqa: E402
from bench.documents_fidelity import make_columns, make_variants, measure_columns, measure_variants  # noqa: E402
from qa.corpus import articles as corpus  # noqa: E402

HEADER = "PEDOMAN NETRALITAS APARATUR SIPIL NEGARA"
LINES = 40


def _sentences() -> list[str]:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) >= 6]


def make_folder(folder: Path, files: int, pages: int) -> dict[str, list[list[str]]]:
    """Write the PDFs; returns each file's drawn lines per page (the ground truth)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    sentences = _sentences()
    width, height = A4
    drawn = {}
    for f in range(files):
        rng = random.Random(f)
        name = f"pedoman_{f:03d}.pdf"
        pdf = canvas.Canvas(str(folder / name), pagesize=A4, invariant=1)
        drawn[name] = []
        for number in range(1, pages + 1):
            lines: list[str] = []
            while len(lines) < LINES:
                lines += textwrap.wrap(" ".join(rng.sample(sentences, 4)), 95)
            lines = lines[:LINES]
            pdf.setFont("Helvetica", 8)
            pdf.drawString(60, height - 30, HEADER)
            pdf.setFont("Helvetica", 9)
            for i, line in enumerate(lines):
                pdf.drawString(60, height - 60 - 18 * i, line)
            pdf.setFont("Helvetica", 8)
            pdf.drawString(width / 2 - 30, 25, f"Halaman {number} dari {pages}")
            pdf.showPage()
            drawn[name].append(lines)
        pdf.save()
    return drawn


COLUMN_HEADERS = ["reader", "version", "pages", "pages/s", "verbatim (drawn row by row)", "rows spliced (row by row)",
                  "verbatim (drawn column by column)", "rows spliced (column by column)"]
DOCX_HEADERS = ["reader", "version", "files/s", "plain", "insertions", "text boxes", "table", "nested table",
                "content controls", "fields", "all expected", "deleted found", "placeholders found", "field codes found",
                "found twice", "in order"]
VARIANT_HEADERS = ["layout, drawn row by row", "this project: verbatim", "this project: rows spliced",
                   "pypdfium2: verbatim", "pypdfium2: rows spliced"]
KINDS = ["plain paragraphs", "insertions", "text boxes", "the table", "the nested table", "content controls", "fields"]


def reading_order(folder: Path, files: int, pages: int, docx_files: int) -> str:
    """The reading-order paragraphs: two-column PDFs (bench/documents_fidelity.py) and DOCX files
    (bench/documents_docx.py), read back."""
    for sub in ("columns", "variants", "docx"):
        (folder / sub).mkdir()
    columns = measure_columns(folder / "columns", make_columns(folder / "columns", files, pages, _sentences()))
    print(table(COLUMN_HEADERS, columns), flush=True)
    variants = measure_variants(folder / "variants", make_variants(folder / "variants", pages, _sentences()))
    print(table(VARIANT_HEADERS, variants), flush=True)
    failing = [f"{row[0]} ({row[2]})" for row in variants if row[2].split()[0] != "0"]
    docx, outside = measure_docx(folder / "docx", make_docx(folder / "docx", docx_files, _sentences()))
    print(table(DOCX_HEADERS, docx), flush=True)
    ours, pdfium, words = columns[0], columns[1], dict(zip(DOCX_HEADERS, docx[0]))
    said = [f"{row[0]} {row[5]} and {row[7]}" for row in columns[1:] if row[1] != "not installed"]
    shares = slice(DOCX_HEADERS.index("plain"), DOCX_HEADERS.index("all expected"))
    lost = [f"{row[0]} loses " + ", ".join(f"{kind} ({share})" for kind, share in zip(KINDS, row[shares]) if share != "1.000")
            for row in docx[1:] if row[1] != "not installed"]
    order = "in order" if words["in order"] == "1.000" else (
        f"in order but for the nested table ({words['in order']}): a table's first row is read as its column headers, so "
        f"a 2×2 table reads `top left: bottom left; top right: bottom right`" if not outside[words["reader"]] else
        f"with {outside[words['reader']]} pairs out of order outside the nested table ({words['in order']})")
    missing = sorted({row[0].split()[0] for row in columns[1:] + docx[1:] if row[1] == "not installed"})
    return (f"Reading order, two columns: {files} PDFs × {pages} pages of two columns of prose (10-point Helvetica, 38 "
            f"characters a line, whole seed sentences on each page, the left column's last one running on at the top of "
            f"the right; no page's first or last three lines repeat on another page of its file), half of them drawn row "
            f"by row (a left line, then the right line beside it, as some layout tools write them), half column by "
            f"column. Per page: the share of the drawn sentences found verbatim (spaces and line breaks normalised) in "
            f"the reader's text of that page (this project: the article, cut at its page starts), and the rows spliced: "
            f"a left column's line running straight into the right column's line beside it (its last three words, then "
            f"the other's first three).\n\n" + table(COLUMN_HEADERS, columns)
            + f"\n\nThis project's reader (pypdfium2 text rects, column by column) splices {ours[5]} rows drawn row by row "
            f"and {ours[7]} drawn column by column, with {ours[4]} and {ours[6]} of the sentences verbatim. Rows spliced "
            f"by the raw calls, drawn row by row and column by column: {'; '.join(said)}"
            + (" (PDFium gives the text in the order the file draws it)." if pdfium[1] != "not installed" and
               pdfium[5].split()[0] != "0" and pdfium[7].split()[0] == "0" else ".")
            + f"\n\nHarder two-column layouts, each one PDF of {pages} pages drawn row by row (the order that needs the "
            f"reader's column step), the same measures:\n\n" + table(VARIANT_HEADERS, variants)
            + (f"\n\nThis project's reader splices rows in these layouts: {'; '.join(failing)}." if failing else
               "\n\nThis project's reader splices no row in these layouts.")
            + f"\n\nReading order, DOCX: {docx_files} Word files, each with 7 plain paragraphs (a heading among them), 2 "
            f"tracked insertions (in a paragraph, and a whole paragraph), 2 tracked deletions (likewise), 2 text boxes "
            f"(DrawingML with its VML fallback, and VML alone) each after a paragraph, a table whose second row holds "
            f"a 2×2 table in a cell and whose third row is in a content control (a repeating section), content controls "
            f"(`w:sdt`) around a paragraph and around part of a line, one more showing its placeholder (`{PROMPT}`), and "
            f"fields: part of a line as a complex field's result (`MERGEFIELD Isi`), as a simple field's "
            f"(`w:fldSimple`, `DOCPROPERTY Perihal`), and as the result of an `IF` field whose code holds a nested "
            f"`MERGEFIELD Jenis`. The share of the expected texts (whole seed sentences, or the heading) found verbatim, by "
            f"kind and in all; deleted texts, placeholder prompts and field codes found (a nested field's result is code "
            f"too: it breaks its sentence); expected texts found more than once; and the share of consecutive expected "
            f"texts found in document order (a table row by row).\n\n" + table(DOCX_HEADERS, docx)
            + f"\n\nThis project's reader finds {words['all expected']} of the expected text (content controls "
            f"{words['content controls']}, fields {words['fields']}), {words['deleted found']} deleted texts, "
            f"{words['placeholders found']} placeholder prompts, {words['field codes found']} field codes, "
            f"{words['found twice']} twice, {order}. " + "; ".join(lost) + "."
            + (f" Not installed here, so not measured: {', '.join(missing)} (none is a dependency of the project)."
               if missing else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--embed-files", type=int, default=5, help="PDFs whose passages are embedded (default 5)")
    parser.add_argument("--no-embed", action="store_true")
    parser.add_argument("--ocr-pages", type=int, default=5, help="scanned pages read by OCR (0: none)")
    parser.add_argument("--scan-dpi", type=int, default=200, help="resolution of the rendered scans (default 200)")
    parser.add_argument("--column-files", type=int, default=10, help="two-column PDFs of --pages pages (default 10)")
    parser.add_argument("--docx-files", type=int, default=20, help="DOCX files with hidden text (default 20)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pdf"
        folder.mkdir()
        drawn = make_folder(folder, args.files, args.pages)
        pages = args.files * args.pages
        started = time.perf_counter()
        articles = corpus.load([folder])
        load_s = time.perf_counter() - started
        left = sum(a.text.count(HEADER) + len(re.findall(r"Halaman \d+ dari", a.text)) for a in articles)
        assert len(articles) == args.files and all(len(a.pages) == args.pages for a in articles)
        print(f"corpus stage: {pages / load_s:.0f} pages/s", flush=True)
        rows = compare(sorted(folder.glob("*.pdf")), drawn)
        print(table(["library", "version", "licence", "pages", "pages/s", "lines verbatim", "bash.pdf pages/s",
                     "bash.pdf words intact"], rows), flush=True)
        first = sorted(folder.glob("*.pdf"))[0]
        ocr_line = (measure_ocr(first, drawn[first.name], args.ocr_pages, args.scan_dpi, Path(tmp)) if args.ocr_pages
                    else "OCR of scanned pages: not measured (--ocr-pages 0).")
        order_lines = reading_order(Path(tmp), args.column_files, args.pages, args.docx_files)
        embed_line = "Embedding: not measured (--no-embed)."
        if not args.no_embed:
            from qa.config import DEFAULT_MODEL
            from qa.index.build import passages_of
            from qa.models.embed import make_embedder

            chosen = articles[: args.embed_files]
            passages, texts = passages_of(chosen)
            all_passages = len(passages_of(articles)[0])
            embedder = make_embedder(DEFAULT_MODEL)
            embedder.encode_passages(texts[:32])  # warm up
            started = time.perf_counter()
            embedder.encode_passages(texts)
            embed_s = time.perf_counter() - started
            embedded_pages = len(chosen) * args.pages
            embed_line = (f"Embedding, apart from extraction: the {len(passages)} passages of {len(chosen)} of the PDFs "
                          f"({embedded_pages} pages) with {DEFAULT_MODEL} ({embedder.backend}) took {embed_s:.1f} s: "
                          f"{len(passages) / embed_s:.1f} passages/s, {embedded_pages / embed_s:.2f} pages/s; the whole "
                          f"folder has {all_passages} passages, about {all_passages / (len(passages) / embed_s) / 60:.0f} "
                          f"min at that rate. Embedding, not extraction, sets the pace of building a PDF folder.")
    body = (f"Measured by `bench/documents.py` on {machine()}; load average {load_before:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end (other work shared the cores).\n\n"
            f"Corpus stage on {args.files} PDFs × {args.pages} pages (`qa.corpus.articles.load`: text, furniture out, hyphens "
            f"joined, Article): **{pages / load_s:.0f} pages/s** ({load_s:.2f} s for {pages} pages; target ≥ 10); "
            f"header and footer lines left in the text: {left}.\n\n"
            f"Raw text extraction by library: pages/s on the same folder (pdfplumber on its first 5 files), quality "
            f"= share of the drawn lines found verbatim (spaces normalised) in the library's page text, and pages/s "
            f"on Debian's bash.pdf (87 pages of a groff-made manual page) with the share of its words that are words of the "
            f"page's roff source (broken or run-together words are not).\n\n"
            + table(["library", "version", "licence", "pages", "pages/s", "lines verbatim", "bash.pdf pages/s",
                     "bash.pdf words intact"], rows)
            + f"\n\n{ocr_line}\n\n{order_lines}\n\n{embed_line}\n")
    print(body)
    write_section("documents", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
