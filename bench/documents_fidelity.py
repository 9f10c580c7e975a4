"""Reading order for bench/documents.py: two-column PDFs, and DOCX files with text that plain readers drop.

``make_columns`` draws two-column PDFs with reportlab (the layout of ``tests/documents_made.make_two_column_pdf``, with
seed sentences); ``make_docx`` writes Word files with the WordprocessingML makers of ``tests/documents_made``.
``measure_columns`` and ``measure_docx`` read them back with the project's readers and plain library calls; ``section``
writes both tables with what they measure (bench/RESULTS.md, "documents").
"""

from __future__ import annotations

import random
import re
import textwrap
import time
from importlib import metadata
from pathlib import Path
from xml.sax.saxutils import escape

from bench.documents_extract import LIBRARIES, installed, norm

COLUMN_WIDTH = 38  # characters per column line
COLUMN_LINES = 45  # lines per column at most
SPLICE_WORDS = 3
EDGE_LINES = 3  # as qa.corpus.documents.furniture.EDGE_LINES


def _project_pdf(path: Path) -> list[str]:
    from qa.corpus import articles

    article = articles.read_file(path, path.name)[0]
    starts = list(article.pages) + [len(article.text)]
    return [article.text[a:b] for a, b in zip(starts, starts[1:])]


Page = tuple[list[str], list[str], list[str]]  # the page's sentences, its left column's lines, its right column's


def _page(rng: random.Random, sentences: list[str], edges: set[str]) -> tuple[list[str], list[str]]:
    """A page's sentences and lines; its first and last ``EDGE_LINES`` lines (digits aside) are on no other page of the
    file, or the reader's furniture step would take them for a running header or footer and remove them."""
    for _ in range(100):
        chosen, lines = [], []
        for sentence in rng.sample(sentences, len(sentences)):
            wrapped = textwrap.wrap(" ".join(chosen + [sentence]), COLUMN_WIDTH, break_on_hyphens=False)
            if len(wrapped) > 2 * COLUMN_LINES:
                break
            chosen, lines = chosen + [sentence], wrapped
        keys = {re.sub(r"\d", "", line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]}
        if not keys & edges:
            break
    edges.update(keys)
    return chosen, lines


def make_columns(folder: Path, files: int, pages: int, sentences: list[str]) -> dict[str, list[Page]]:
    """Two-column PDFs (even files drawn row by row, odd ones column by column); each page's sentences and lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    drawn: dict[str, list[Page]] = {}
    for f in range(files):
        rng = random.Random(500 + f)
        name = f"kolom_{f:03d}_{'baris' if f % 2 == 0 else 'kolom'}.pdf"
        pdf = canvas.Canvas(str(folder / name), pagesize=A4, invariant=1)
        drawn[name] = []
        edges: set[str] = set()
        for number in range(1, pages + 1):
            chosen, lines = _page(rng, sentences, edges)
            half = (len(lines) + 1) // 2
            left, right = lines[:half], lines[half:]
            if number == 1:
                pdf.setFont("Helvetica", 14)
                pdf.drawString(72, 800, "Warta Netralitas Sukamaju")
            pdf.setFont("Helvetica", 10)
            order = ([(i, side) for i in range(half) for side in (0, 1)] if f % 2 == 0
                     else [(i, 0) for i in range(half)] + [(i, 1) for i in range(half)])
            for i, side in order:
                column = (left, right)[side]
                if i < len(column):
                    pdf.drawString((60, 310)[side], 760 - 13 * i, column[i])
            pdf.setFont("Helvetica", 8)
            pdf.drawString(60, 40, f"Halaman {number} dari {pages}")
            pdf.showPage()
            drawn[name].append((chosen, left, right))
        pdf.save()
    return drawn


def spliced(text: str, left: list[str], right: list[str]) -> int:
    """The rows whose left line runs straight into the right line beside it in ``text`` (normalised)."""
    return sum(" ".join(a.split()[-SPLICE_WORDS:] + b.split()[:SPLICE_WORDS]) in text for a, b in zip(left, right))


def measure_columns(folder: Path, drawn: dict[str, list[Page]]) -> list[list]:
    """One row per reader: pages, pages/s, and for each drawing order sentences verbatim and rows spliced."""
    readers = {"this project (`qa.corpus`)": (_project_pdf, "")}
    readers.update({f"{name} `{'get_text_range()' if name == 'pypdfium2' else 'extract_text()'}`": (call, name)
                    for name, (call, _) in LIBRARIES.items()})
    rows = []
    for label, (call, package) in readers.items():
        if package and not installed(package):
            rows.append([label, "not installed", "", "", "", "", "", ""])
            continue
        counts = {order: [0, 0, 0, 0] for order in ("baris", "kolom")}  # sentences found, drawn, rows spliced, rows
        pages, started = 0, time.perf_counter()
        for name, truth in drawn.items():
            texts = call(folder / name)
            pages += len(texts)
            count = counts["baris" if "_baris" in name else "kolom"]
            for text, (sentences, left, right) in zip(texts, truth):
                text = norm(text)
                count[0] += sum(norm(s) in text for s in sentences)
                count[1] += len(sentences)
                count[2] += spliced(text, left, right)
                count[3] += min(len(left), len(right))
        seconds = time.perf_counter() - started
        version = metadata.version(package) if package else ""
        rows.append([label, version, pages, f"{pages / seconds:.0f}"]
                    + [cell for order in ("baris", "kolom") for cell in
                       (f"{counts[order][0] / max(1, counts[order][1]):.3f}", f"{counts[order][2]} of {counts[order][3]}")])
    return rows


Expected = list[tuple[str, str]]  # (kind, text) in document order


def make_docx(folder: Path, files: int, sentences: list[str]) -> dict[str, tuple[Expected, list[str]]]:
    """Word files with tracked changes, text boxes and a nested table; per file the expected texts and the deleted."""
    from tests.documents_made import deleted, inserted, make_docx_body, paragraph, run, table, text_box, vml_text_box

    def text(words: list[str]) -> str:
        return escape(" ".join(words))

    def cell(sentence: str) -> str:
        return paragraph(run(escape(sentence)))

    made = {}
    for f in range(files):
        s = random.Random(900 + f).sample(sentences, 16)
        one, three = s[1].split(), s[3].split()
        third, half = len(one) // 3, len(three) // 2
        nested = table([cell(s[11]), cell(s[12])], [cell(s[13]), cell(s[14])])
        title = f"Surat Edaran Nomor {f + 1}"
        blocks = [
            paragraph(run(title), style="Heading1"),
            cell(s[0]),
            paragraph(run(text(one[:third]) + " "), inserted(text(one[third:2 * third]) + " "), run(text(one[2 * third:]))),
            paragraph(inserted(escape(s[2]))),
            paragraph(run(text(three[:half]) + " "), deleted(escape(s[4]) + " "), run(text(three[half:]))),
            paragraph(deleted(escape(s[5]))),
            paragraph(run(escape(s[6]) + " "), text_box(cell(s[7]))),
            paragraph(run(escape(s[8]) + " "), vml_text_box(cell(s[9]))),
            table([cell("Pelanggaran"), cell("Sanksi")], [cell(s[10]), paragraph() + nested + paragraph()]),
            cell(s[15]),
        ]
        name = f"edaran_{f:03d}.docx"
        make_docx_body(folder / name, *blocks)
        expected = [("plain", title), ("plain", s[0]), ("insertion", s[1]), ("insertion", s[2]), ("plain", s[3]),
                    ("plain", s[6]), ("text box", s[7]), ("plain", s[8]), ("text box", s[9]), ("table", s[10])]
        expected += [("nested table", x) for x in s[11:15]] + [("plain", s[15])]
        made[name] = ([(kind, norm(x)) for kind, x in expected], [norm(s[4]), norm(s[5])])
    return made


def _project_docx(path: Path) -> str:
    from qa.corpus.documents import read

    return read(path, "docx").text


def _paragraphs(path: Path, cells: bool = False) -> str:
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    if cells:
        texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(texts)


def _docx2python(path: Path) -> str:
    from docx2python import docx2python

    with docx2python(str(path)) as content:
        return content.text


KINDS = ("plain", "insertion", "text box", "table", "nested table")


def measure_docx(folder: Path, made: dict[str, tuple[Expected, list[str]]]) -> tuple[list[list], dict[str, int]]:
    """One row per reader: files/s, the share found by kind and in all, deleted found, found twice, in order; and per
    reader the consecutive pairs found out of order that are not both in the nested table."""
    readers = {"this project (`qa.corpus.documents`)": (_project_docx, "", ""),
               "python-docx `paragraphs`": (_paragraphs, "python-docx", "docx"),
               "python-docx `paragraphs` + table cells": (lambda p: _paragraphs(p, cells=True), "python-docx", "docx"),
               "docx2python `text`": (_docx2python, "docx2python", "docx2python")}
    rows, outside = [], {}
    for label, (call, package, module) in readers.items():
        if module and not installed(module):
            rows.append([label, "not installed"] + [""] * (len(KINDS) + 5))
            continue
        found = {kind: [0, 0] for kind in KINDS}
        leaked = leaks = twice = ordered = pairs = outside[label] = 0
        started = time.perf_counter()
        for name, (expected, gone) in made.items():
            text = norm(call(folder / name))
            for kind, want in expected:
                found[kind][0] += want in text
                found[kind][1] += 1
                twice += text.count(want) > 1
            leaked += sum(x in text for x in gone)
            leaks += len(gone)
            where = [(text.find(want), kind) for kind, want in expected if want in text]
            ordered += sum(a < b for (a, _), (b, _) in zip(where, where[1:]))
            outside[label] += sum(a >= b and not k == j == "nested table" for (a, k), (b, j) in zip(where, where[1:]))
            pairs += max(0, len(where) - 1)
        seconds = time.perf_counter() - started
        share = [found[kind][0] / found[kind][1] for kind in KINDS]
        everything = sum(v[0] for v in found.values()) / sum(v[1] for v in found.values())
        rows.append([label, metadata.version(package) if package else "", f"{len(made) / seconds:.0f}"]
                    + [f"{x:.3f}" for x in share] + [f"{everything:.3f}", f"{leaked} of {leaks}", twice,
                                                      f"{ordered / max(1, pairs):.3f}"])
    return rows, outside

