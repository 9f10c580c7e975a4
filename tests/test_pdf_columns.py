"""PDF pages of columns drawn row by row in the layouts that were read across the columns (issue 23): a headline over
the columns, each word or character its own text object, baselines that do not line up, short columns, three columns,
a quote across the columns. No line of the text joins two columns; each column reads whole and in order. Inputs are
made in the tests (reportlab)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pypdfium2
import pytest

from documents_made import draw_columns_page, sentence
from qa.corpus import articles as corpus
from qa.corpus.documents.columns import reading_order

HEADLINE = "PEMERINTAH KABUPATEN MENEGASKAN NETRALITAS APARATUR SIPIL NEGARA MENJELANG PILKADA"
QUOTE = "“Netralitas ASN adalah harga mati bagi pemerintahan daerah kita,” kata Bupati."
PLACES = ["Sukamaju", "Cibodas", "Cilingkar", "Sukamulya", "Tanjungsari", "Karangrejo"]
LETTERS = str.maketrans("0123456789", "abcdefghij")
TWO, THREE = (60, 310), (50, 225, 400)
# name: (characters a line, lines per column, x of each column, points the later columns sit lower, headline, pieces
# each drawn as its own text object, quote across the columns after this row)
LAYOUTS = {
    "headline close above": (38, (12, 12), TWO, 0, HEADLINE, "line", None),
    "headline, words apart": (38, (12, 12), TWO, 0, HEADLINE, "word", None),
    "each word an object": (38, (12, 12), TWO, 0, "", "word", None),
    "each character an object": (38, (12, 12), TWO, 0, "", "char", None),
    "baselines 6 pt apart": (38, (12, 12), TWO, 6, "", "line", None),
    "right column of 3 lines": (38, (12, 3), TWO, 0, "", "line", None),
    "columns of 4 lines": (38, (4, 4), TWO, 0, "", "line", None),
    "three columns": (26, (12, 12, 12), THREE, 0, HEADLINE, "line", None),
    "quote across the columns": (38, (12, 12), TWO, 0, "", "line", 5),
}


def _columns(page: int, width: int, sizes: tuple[int, ...]) -> list[list[str]]:
    """Each column's lines: sentences of their own (:func:`sentence`, digits as letters) after a place of its own,
    wrapped at ``width`` characters. No line at a page's edge repeats on the other page or ends in a number, or the
    furniture step would take it for a running header or a page number."""
    columns = []
    for c, size in enumerate(sizes):
        said = " ".join(sentence(10 * page + c, k) for k in range(size)).translate(LETTERS)
        text = f"Di {PLACES[3 * page + c - 3]}, {said}"
        columns.append(textwrap.wrap(text, width, break_on_hyphens=False)[:size])
    return columns


def _pdf(path: Path, layout: str, pages: int = 2) -> tuple[Path, list[list[list[str]]]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, sizes, xs, drop, headline, pieces, after = LAYOUTS[layout]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    drawn = []
    for number in range(1, pages + 1):
        columns = _columns(number, width, sizes)
        draw_columns_page(pdf, columns, list(xs), f"Halaman {number} dari {pages}", drop, headline, pieces,
                          (after, QUOTE) if after is not None else None)
        drawn.append(columns)
    pdf.save()
    return path, drawn


def _expected(layout: str, columns: list[list[str]]) -> list[str]:
    """The page's pieces in reading order: each column whole, left to right; with a quote across the columns, the
    columns above it, the quote, then the columns below it."""
    after = LAYOUTS[layout][6]
    if after is None:
        return [" ".join(column) for column in columns]
    return ([" ".join(column[:after + 1]) for column in columns] + [QUOTE]
            + [" ".join(column[after + 1:]) for column in columns])


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_no_line_of_a_page_joins_two_columns(tmp_path: Path, layout: str):
    path, drawn = _pdf(tmp_path / "kolom.pdf", layout)
    document = pypdfium2.PdfDocument(str(path))
    for number, (page, columns) in enumerate(zip(document, drawn), start=1):
        textpage = page.get_textpage()
        lines = [" ".join(line.split()) for line in reading_order(textpage).splitlines() if line.strip()]
        pieces = _expected(layout, columns) + [HEADLINE, f"Halaman {number} dari 2"]
        for line in lines:
            assert any(line in piece for piece in pieces), f"{layout}: {line!r} joins text of two columns"
        raw = [" ".join(line.split()) for line in textpage.get_text_range().splitlines()]
        assert any(not any(line in piece for piece in pieces) for line in raw)  # drawn row by row: PDFium splices


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_column_reads_whole_and_in_order_on_its_page(tmp_path: Path, layout: str):
    path, drawn = _pdf(tmp_path / "kolom.pdf", layout)
    article = corpus.read_file(path, "kolom.pdf")[0]
    text = " ".join(article.text.split())
    for number, columns in enumerate(drawn, start=1):
        order = " ".join(_expected(layout, columns))
        assert order in text, layout  # every column verbatim, the columns in reading order
        assert article.page(article.text.index(columns[0][0])) == number
        assert article.page(article.text.index(columns[-1][-1])) == number
    assert "Halaman" not in text  # the footer is still found at the page's edge and removed


def test_a_table_of_three_short_columns_reads_as_pdfium_gives_it(tmp_path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "tabel.pdf"), pagesize=A4, invariant=1)
    rows = [("No", "Nama pegawai", "Jabatan")] + [(str(i), f"Pegawai nomor {i}", f"Kepala seksi {i}") for i in range(1, 15)]
    for i, row in enumerate(rows):
        for x, cell in zip((60, 120, 330), row):
            pdf.drawString(x, 760 - 16 * i, cell)
    pdf.showPage()
    pdf.save()
    textpage = pypdfium2.PdfDocument(str(tmp_path / "tabel.pdf"))[0].get_textpage()
    assert reading_order(textpage) == textpage.get_text_range()


def test_a_hyphen_pdfium_marks_in_a_column_is_kept_for_the_join():
    from qa.corpus.documents.columns import _bounded

    class Page:
        def get_text_bounded(self, *box):
            return "masing\x02\r\nmasing"  # PDFium's bounded text marks a line-end hyphen with U+0002

    assert _bounded(Page(), 0, 0, 1, 1) == "masing\ufffe\r\nmasing"
