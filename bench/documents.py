"""PDF text extraction speed and quality: a folder of 50 PDFs × 20 pages, and the three libraries compared.

    .venv/bin/python bench/documents.py [--files 50] [--pages 20] [--ocr-pages 5] [--scan-dpi 200]
                                        [--embed-files 5 | --no-embed]

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--embed-files", type=int, default=5, help="PDFs whose passages are embedded (default 5)")
    parser.add_argument("--no-embed", action="store_true")
    parser.add_argument("--ocr-pages", type=int, default=5, help="scanned pages read by OCR (0: none)")
    parser.add_argument("--scan-dpi", type=int, default=200, help="resolution of the rendered scans (default 200)")
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
            + f"\n\n{ocr_line}\n\n{embed_line}\n")
    print(body)
    write_section("documents", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
