"""Real PDF, DOCX and HTML files made in code for the document reader tests (reportlab, python-docx, by hand).

The PDF has a running header, a footer with page numbers, words hyphenated across line ends
(one reduplication), a list, and a page without a text layer (a drawn box only, like a scan).
"""

from __future__ import annotations

from pathlib import Path

HEADER = "PEDOMAN NETRALITAS ASN PADA PILKADA"
# Each page's lines, top to bottom; "" pages are drawn without text.
PAGES = [
    ["Pedoman ini mengatur netralitas aparatur sipil negara dalam pemi-",
     "lihan kepala daerah serentak tahun 2024 di seluruh kabupaten.",
     "ASN wajib menjaga netralitas dan tidak berpihak kepada pasangan calon manapun.",
     "Larangan bagi ASN meliputi:",
     "a. memasang spanduk atau baliho yang mempromosikan calon;",
     "b. menyukai atau membagikan unggahan calon di media sosial;",
     "c. menghadiri deklarasi pasangan calon."],
    ["Setiap pelanggaran dilaporkan kepada Badan Pengawas Pemilihan Umum setempat dan masing-",
     "masing instansi wajib menindaklanjuti laporan itu dalam waktu tujuh hari kerja.",
     "Sanksi bagi ASN yang menyukai unggahan calon adalah teguran tertulis dari pejabat pembina",
     "kepegawaian sesuai Peraturan Pemerintah Nomor 94 Tahun 2021."],
    "",
    ["Kepala daerah yang membiarkan pelanggaran netralitas dapat dikenai sanksi administratif oleh",
     "Kementerian Dalam Negeri setelah pemeriksaan oleh inspektorat jenderal."],
    ["Pedoman ini berlaku sejak tanggal ditetapkan dan disebarluaskan kepada seluruh instansi."],
]


def make_pdf(path: Path, pages=PAGES, header: str = HEADER, password: str | None = None) -> Path:
    """A PDF with ``header`` at the top and "Halaman N dari M" at the bottom of every page with text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=password, invariant=1)
    pdf.setTitle("Pedoman Netralitas ASN")
    for number, lines in enumerate(pages, start=1):
        if lines == "":
            pdf.rect(72, 300, 400, 300, fill=1)  # a "scan": no text layer
        else:
            pdf.setFont("Helvetica", 9)
            pdf.drawString(72, height - 40, header)
            pdf.setFont("Helvetica", 11)
            for i, line in enumerate(lines):
                pdf.drawString(72, height - 90 - 16 * i, line)
            pdf.setFont("Helvetica", 9)
            pdf.drawString(width / 2 - 30, 30, f"Halaman {number} dari {len(pages)}")
        pdf.showPage()
    pdf.save()
    return path


WORDS = ("aparatur sipil negara wajib netral dalam pemilihan kepala daerah dan dilarang berpihak kepada calon "
         "manapun baik melalui media sosial maupun kegiatan kampanye terbuka di wilayah kabupaten").split()


def sentence(page: int, line: int) -> str:
    """A line of text that differs from page to page ("kode P-L" and a word order drawn from P and L)."""
    import random

    words = random.Random(page * 1000 + line).sample(WORDS, 10)
    return f"Butir kode {page}-{line} menyatakan {' '.join(words)}."


def make_long_pdf(path: Path, pages: int, lines: int = 30) -> Path:
    """A PDF of ``pages`` pages of varied text (:func:`sentence`) with a header and a page-number footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, "SURAT EDARAN BUPATI TENTANG NETRALITAS ASN")
        pdf.setFont("Helvetica", 10)
        for i in range(lines):
            pdf.drawString(72, height - 80 - 14 * i, sentence(number, i))
        pdf.setFont("Helvetica", 9)
        pdf.drawString(width / 2, 30, str(number))
        pdf.showPage()
    pdf.save()
    return path


def make_docx(path: Path) -> Path:
    """A circular with a title, headings, a numbered and a bulleted list, and a table of violations and sanctions."""
    import docx

    document = docx.Document()
    document.add_heading("Surat Edaran Netralitas ASN", level=0)
    document.add_paragraph("Dalam rangka pemilihan kepala daerah tahun 2024, Bupati menegaskan hal-hal berikut.")
    document.add_heading("Larangan", level=1)
    document.add_paragraph("ASN dilarang memasang spanduk calon.", style="List Number")
    document.add_paragraph("ASN dilarang menghadiri deklarasi calon.", style="List Number")
    document.add_paragraph("ASN dilarang menyukai unggahan calon.", style="List Number")
    document.add_heading("Sanksi", level=1)
    document.add_paragraph("Sanksi dijatuhkan oleh pejabat pembina kepegawaian:")
    document.add_paragraph("teguran lisan atau tertulis;", style="List Bullet")
    document.add_paragraph("penundaan kenaikan pangkat.", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, (kind, sanction) in enumerate([("Jenis pelanggaran", "Sanksi"),
                                            ("Menyukai unggahan calon", "Teguran tertulis"),
                                            ("Menjadi tim kampanye", "Penurunan jabatan")]):
        table.cell(row, 0).text, table.cell(row, 1).text = kind, sanction
    document.add_paragraph("Demikian surat edaran ini untuk dilaksanakan.")
    document.save(str(path))
    return path


HTML = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Bupati Kendal larang ASN kampanye | Kabar Jateng</title>
<link rel="canonical" href="https://kabar.example/berita/bupati-kendal-larang-asn">
<meta property="og:site_name" content="Kabar Jateng">
<meta property="article:published_time" content="2024-06-06T10:00:00+07:00"></head>
<body><nav><ul><li><a href="/">Beranda</a></li><li><a href="/politik">Politik</a></li></ul></nav>
<div class="cookie-banner">Kami memakai cookie untuk pengalaman terbaik. Setuju</div>
<article><h1>Bupati Kendal larang ASN kampanye</h1>
<p>Kendal - Bupati Kendal, Dico Ganinduto, melarang ASN ikut kampanye dalam pilkada 2024 di kabupatennya.</p>
<p>Larangan itu meliputi:</p>
<ul><li>memasang spanduk calon;</li><li>menyukai unggahan calon di media sosial;</li><li>menghadiri deklarasi calon.</li></ul>
<p>Baca juga: Bawaslu awasi ASN di Jawa Tengah</p>
<p>Menurut Dico, ASN yang melanggar akan dijatuhi sanksi disiplin sesuai PP 94 tahun 2021 tentang disiplin PNS.</p>
</article>
<aside><h3>Terpopuler</h3><ol><li><a href="/a">Harga cabai naik lagi</a></li><li><a href="/b">Jadwal sepak bola</a></li></ol></aside>
<footer>Hak cipta 2024 Kabar Jateng. Semua hak dilindungi.</footer></body></html>
"""


def make_html(path: Path) -> Path:
    path.write_text(HTML, encoding="utf-8")
    return path


_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
}


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def paragraph(*inner: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{''.join(inner)}</w:p>"


def inserted(text: str) -> str:
    return f'<w:ins w:id="1" w:author="Editor" w:date="2024-09-01T00:00:00Z">{run(text)}</w:ins>'


def deleted(text: str) -> str:
    return (f'<w:del w:id="2" w:author="Editor" w:date="2024-09-01T00:00:00Z"><w:r><w:delText xml:space="preserve">'
            f'{text}</w:delText></w:r></w:del>')


def text_box(*paragraphs: str, vml_fallback: bool = True) -> str:
    """A run holding a text box as Word writes it: DrawingML (mc:Choice) and the same box again in VML (mc:Fallback)."""
    content = f"<w:txbxContent>{''.join(paragraphs)}</w:txbxContent>"
    drawing = (f'<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>'
               f'</a:graphicData></a:graphic></wp:anchor></w:drawing>')
    fallback = f'<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>'
    return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f'{fallback if vml_fallback else ""}</mc:AlternateContent></w:r>')


def vml_text_box(*paragraphs: str) -> str:
    return (f"<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{''.join(paragraphs)}</w:txbxContent></v:textbox>"
            f"</v:shape></w:pict></w:r>")


def content_control(*inner: str, placeholder: bool = False) -> str:
    """A content control (``w:sdt``) around body, row, cell or run XML; ``placeholder``: it shows its placeholder."""
    props = "<w:sdtPr><w:showingPlcHdr/></w:sdtPr>" if placeholder else '<w:sdtPr><w:alias w:val="Isian"/></w:sdtPr>'
    return f"<w:sdt>{props}<w:sdtContent>{''.join(inner)}</w:sdtContent></w:sdt>"


def simple_field(code: str, result: str) -> str:
    quoted = code.replace('"', "&quot;")
    return f'<w:fldSimple w:instr=" {quoted} ">{run(result)}</w:fldSimple>'


def complex_field(code: str | tuple[str, ...], *result: str) -> str:
    """A field as Word writes most: begin, its code (``w:instrText``; ``code`` pieces that are XML, a field nested in
    the code, come between its parts), separate, the result's runs (``result``: run XML), end."""
    def char(kind: str) -> str:
        return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'

    pieces = (code,) if isinstance(code, str) else code
    instr = "".join(piece if piece.startswith("<") else f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>'
                    for piece in pieces)
    return char("begin") + instr + char("separate") + "".join(result) + char("end")


def table(*rows: list[str]) -> str:
    """A table; each cell is body XML (paragraphs, tables)."""
    return "<w:tbl><w:tblPr/>" + "".join(
        "<w:tr>" + "".join(f"<w:tc>{cell}</w:tc>" for cell in cells) + "</w:tr>" for cells in rows) + "</w:tbl>"


def make_docx_body(path: Path, *blocks: str) -> Path:
    """A DOCX made by python-docx whose body is ``blocks`` (WordprocessingML, prefixes as in :data:`_NAMESPACES`)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in _NAMESPACES.items())
    for element in parse_xml(f"<w:body {declared}>{''.join(blocks)}</w:body>"):
        body.insert(len(body) - 1, element)
    document.save(str(path))
    return path


LEFT_COLUMN = ("Bupati Sukamaju, Hasan Basri Lubis, menerbitkan surat edaran tentang netralitas ASN pada awal Oktober. "
               "Surat edaran itu melarang ASN menghadiri kampanye, memasang atribut calon, dan mengunggah dukungan di "
               "media sosial. Pelanggaran akan dilaporkan kepada Komisi ASN melalui")
RIGHT_COLUMN = ("Inspektorat daerah dalam tujuh hari. Sementara itu, Ketua DPRD Sukamaju, Melati Suryaningsih, meminta "
                "pengawasan diperketat di kecamatan terpencil. Menurut Melati, laporan warga sering terlambat karena "
                "akses jaringan yang terbatas.")


def make_two_column_pdf(path: Path, pages: int = 2, row_by_row: bool = True, width: int = 38) -> Path:
    """Pages of two columns of prose (the left column's last sentence runs on at the top of the right one; each page
    names another place), a title on the first page and a left-aligned footer on each. ``row_by_row`` draws left
    line i, then right line i, as some layout tools emit."""
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        left, right = (textwrap.wrap(column_text(text, number), width) for text in (LEFT_COLUMN, RIGHT_COLUMN))
        draw_two_column_page(pdf, number, pages, left, right, row_by_row)
    pdf.save()
    return path


def draw_two_column_page(pdf, number: int, pages: int, left: list[str], right: list[str], row_by_row: bool) -> None:
    """One page of ``make_two_column_pdf`` on a reportlab canvas: the title on page 1, the columns' lines (left line
    i, then right line i when ``row_by_row``; else the left column, then the right), a footer; then the next page."""
    if number == 1:
        pdf.setFont("Helvetica", 14)
        pdf.drawString(72, 800, "Warta Netralitas Sukamaju")
    pdf.setFont("Helvetica", 10)
    order = ([(i, side) for i in range(max(len(left), len(right))) for side in (0, 1)] if row_by_row
             else [(i, 0) for i in range(len(left))] + [(i, 1) for i in range(len(right))])
    for i, side in order:
        lines = (left, right)[side]
        if i < len(lines):
            pdf.drawString((60, 310)[side], 760 - 13 * i, lines[i])
    pdf.setFont("Helvetica", 8)
    pdf.drawString(60, 40, f"Halaman {number} dari {pages}")
    pdf.showPage()


def draw_columns_page(pdf, columns: list[list[str]], xs: list[float], footer: str, drop: float = 0, headline: str = "",
                      pieces: str = "line", quote: tuple[int, str] | None = None) -> None:
    """One page of columns of 10-point lines at ``xs``, drawn row by row (line i of each column, left to right), then
    the next page: ``headline`` in 12-point bold 20 pt above the first baseline; the columns after the first ``drop``
    points lower; ``pieces`` "line", "word" or "char": each its own text object; ``quote`` (i, text): an 11-point line
    across the columns after row i, the rows below 30 pt lower; ``footer`` at the bottom left."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if headline:
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(60, 780, headline)
    pdf.setFont("Helvetica", 10)
    for i in range(max(len(column) for column in columns)):
        below = 30 if quote and i > quote[0] else 0
        for c, column in enumerate(columns):
            y, x = 760 - 13 * i - (drop if c else 0) - below, xs[c]
            line = column[i] if i < len(column) else ""
            for piece in {"line": [line] if line else [], "word": line.split(), "char": list(line)}[pieces]:
                pdf.drawString(x, y, piece)
                x += stringWidth(piece + (" " if pieces == "word" else ""), "Helvetica", 10)
        if quote and i == quote[0]:
            pdf.setFont("Helvetica-Oblique", 11)
            pdf.drawString(80, 760 - 13 * i - 20, quote[1])
            pdf.setFont("Helvetica", 10)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(60, 40, footer)
    pdf.showPage()


PLACES = ["Sukamaju", "Sukamulya", "Cibodas", "Cilingkar"]


def column_text(text: str, page: int) -> str:
    """A column's text as drawn on ``page`` (1-based): each page names its own place."""
    return text.replace("Sukamaju", PLACES[(page - 1) % len(PLACES)]).replace("terbatas.", f"terbatas di {PLACES[page % 4]}.")


# A scanned page's text: what the OCR test and bench/documents.py expect to read back.
SCAN_LINES = [
    "Surat Edaran Bupati tentang Netralitas Aparatur Sipil Negara",
    "Aparatur sipil negara wajib menjaga netralitas dalam pemilihan kepala",
    "daerah serentak dan dilarang berpihak kepada pasangan calon manapun.",
    "Larangan itu meliputi memasang spanduk, menghadiri deklarasi, dan",
    "menyukai atau membagikan unggahan calon di media sosial.",
    "Pelanggaran dilaporkan kepada Badan Pengawas Pemilihan Umum setempat",
    "dan instansi wajib menindaklanjutinya dalam waktu tujuh hari kerja.",
]


def make_scan(path: Path, pages: list[list[str]] = (SCAN_LINES,), dpi: int = 200) -> Path:
    """An image-only PDF, like a scanner's: reportlab draws ``pages`` as text, pypdfium2 renders each page at ``dpi``,
    and Pillow saves the images as a PDF with no text layer."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    drawn = path.with_suffix(".text.pdf")
    pdf = canvas.Canvas(str(drawn), pagesize=A4, invariant=1)
    for lines in pages:
        pdf.setFont("Times-Roman", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, A4[1] - 90 - 18 * i, line)
        pdf.showPage()
    pdf.save()
    document = pdfium.PdfDocument(str(drawn))
    images = [document[n].render(scale=dpi / 72, grayscale=True).to_pil() for n in range(len(document))]
    document.close()
    drawn.unlink()
    images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path
