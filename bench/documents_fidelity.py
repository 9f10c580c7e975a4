"""Two-column reading order for bench/documents.py: PDFs of known columns, read back.

``make_columns`` draws two-column PDFs with reportlab (the layout of ``tests/documents_made.make_two_column_pdf``, with
seed sentences), half row by row and half column by column; ``measure_columns`` reads them back with the project's
reader and the raw library calls. ``make_variants`` and ``measure_variants`` do the same for harder layouts, all drawn
row by row: a headline close above the columns, each word its own text object, columns whose baselines do not line up,
short columns, three columns.
"""

from __future__ import annotations

import random
import re
import textwrap
import time
from importlib import metadata
from pathlib import Path

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

    from tests.documents_made import draw_two_column_page

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
            draw_two_column_page(pdf, number, pages, left, right, row_by_row=f % 2 == 0)
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


# Harder layouts, all drawn row by row: (what differs, characters a line, lines per column, x of each column,
# points the columns after the first sit lower, a headline above, each word its own text object).
VARIANTS = [
    ("a 12-point bold headline across both columns, 20 pt above their first baseline", 38, (45, 45), (60, 310), 0, True,
     False),
    ("each word drawn as its own text object", 38, (45, 45), (60, 310), 0, False, True),
    ("the right column's baselines 6 pt (about half a line) lower", 38, (45, 45), (60, 310), 6, False, False),
    ("a right column of 3 lines beside a full left one", 38, (45, 3), (60, 310), 0, False, False),
    ("two columns of 4 lines", 38, (4, 4), (60, 310), 0, False, False),
    ("three columns of 26 characters", 26, (45, 45, 45), (50, 225, 400), 0, False, False),
]
HEADLINE = "PEMERINTAH KABUPATEN MENEGASKAN NETRALITAS APARATUR SIPIL NEGARA MENJELANG PILKADA"


def make_variants(folder: Path, pages: int, sentences: list[str]) -> dict[str, list[tuple[list[str], list[list[str]]]]]:
    """One PDF of ``pages`` pages per variant; per file and page, the sentences drawn whole and the columns' lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tests.documents_made import draw_columns_page

    made = {}
    for k, (_, width, sizes, xs, drop, headline, per_word) in enumerate(VARIANTS):
        rng = random.Random(700 + k)
        deck = rng.sample(sentences, len(sentences))  # each page starts with its own sentence (furniture aside)
        name = f"variant_{k}.pdf"
        pdf = canvas.Canvas(str(folder / name), pagesize=A4, invariant=1)
        made[name] = []
        for number in range(pages):
            start = deck[number % len(deck)]
            chosen = [start] + [s for s in rng.sample(sentences, 40) if s != start]
            lines = textwrap.wrap(" ".join(chosen), width, break_on_hyphens=False)[:sum(sizes)]
            bounds = [sum(sizes[:c]) for c in range(len(sizes) + 1)]
            columns = [lines[a:b] for a, b in zip(bounds, bounds[1:])]
            draw_columns_page(pdf, columns, xs, f"Halaman {number + 1} dari {pages}", drop, HEADLINE if headline else "",
                              "word" if per_word else "line")
            drawn = norm(" ".join(lines))
            made[name].append(([s for s in chosen if norm(s) in drawn], columns))
        pdf.save()
    return made


def measure_variants(folder: Path, made: dict[str, list[tuple[list[str], list[list[str]]]]]) -> list[list]:
    """One row per variant: sentences verbatim and rows spliced (beside columns, pair by pair), by this project's reader
    and by pypdfium2's ``get_text_range()``."""
    rows = []
    for (label, *_), (name, truth) in zip(VARIANTS, made.items()):
        row = [label]
        for call in (_project_pdf, LIBRARIES["pypdfium2"][0]):
            found = total = joined = beside = 0
            for text, (sentences, columns) in zip(call(folder / name), truth):
                text = norm(text)
                found += sum(norm(s) in text for s in sentences)
                total += len(sentences)
                joined += sum(spliced(text, a, b) for a, b in zip(columns, columns[1:]))
                beside += sum(min(len(a), len(b)) for a, b in zip(columns, columns[1:]))
            row += [f"{found / max(1, total):.3f}", f"{joined} of {beside}"]
        rows.append(row)
    return rows
