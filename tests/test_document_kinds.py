"""Kinds of documents that were read wrong (issue 23): each file's own PDF error, HTML5 without <html>, PDF titles that
are producer junk, two-column PDFs, DOCX revisions, text boxes and nested tables. Inputs are made in the tests."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from documents_made import make_pdf
from qa.corpus import articles as corpus
from qa.corpus.documents import read
from qa.errors import DocumentError

def _no_pages() -> bytes:
    """A well-formed PDF whose page tree is empty: PDFium refuses it without setting its last-error code."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return data + b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


NO_PAGES = _no_pages()
GARBAGE = b"%PDF-1.7\n" + bytes(range(256)) * 40


def _pdf_error(path: Path) -> str:
    with pytest.raises(DocumentError) as raised:
        read(path, "pdf")
    return str(raised.value)


@pytest.mark.parametrize("before", ["encrypted", "garbage", "none"])
def test_each_pdf_gets_its_own_error_whatever_was_read_before(tmp_path: Path, before: str):
    locked = make_pdf(tmp_path / "terkunci.pdf", password="rahasia")
    (tmp_path / "rusak.pdf").write_bytes(GARBAGE)
    (tmp_path / "kosong.pdf").write_bytes(NO_PAGES)
    if before == "encrypted":
        assert "is encrypted (it needs a password)" in _pdf_error(locked)
    elif before == "garbage":
        assert "Data format error" in _pdf_error(tmp_path / "rusak.pdf")
    empty = _pdf_error(tmp_path / "kosong.pdf")
    assert empty.startswith(f"{tmp_path / 'kosong.pdf'} is not a readable PDF (PDFium gave no reason;")
    assert "password" not in empty and "encrypted" not in empty and "format" not in empty
    assert "is encrypted (it needs a password)" in _pdf_error(locked)  # and the next encrypted file is still one
    assert "Data format error" in _pdf_error(tmp_path / "rusak.pdf")


def test_a_folder_warns_for_each_bad_pdf_in_its_own_words(tmp_path: Path, caplog):
    make_pdf(tmp_path / "a-terkunci.pdf", password="rahasia")
    (tmp_path / "b-kosong.pdf").write_bytes(NO_PAGES)
    (tmp_path / "c-berita.txt").write_text("ASN wajib netral dalam pilkada, kata Bupati.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert [a.doc_id for a in corpus.load([tmp_path])] == ["c-berita"]
    (locked,) = [r.getMessage() for r in caplog.records if "a-terkunci.pdf" in r.getMessage()]
    (empty,) = [r.getMessage() for r in caplog.records if "b-kosong.pdf" in r.getMessage()]
    assert "encrypted" in locked and "not a readable PDF" in empty and "password" not in empty


_BODY = ("<h1>Camat Sukamulya Ingatkan ASN</h1><p>Sukamulya - Camat Sukamulya, Rahmat Hidayatullah Siregar, mengingatkan "
         "seluruh ASN kecamatan agar tidak hadir dalam kampanye terbuka calon bupati pada akhir pekan ini. Ia menyebut "
         "pelanggaran akan langsung dilaporkan kepada Bawaslu Kabupaten.</p><p>Rahmat juga meminta kepala desa "
         "mengawasi perangkat desa yang berstatus ASN.</p>")


@pytest.mark.parametrize("opening", [
    '<meta charset="utf-8">\n<title>Camat Sukamulya Ingatkan ASN</title>\n<div class="artikel">{body}</div>',
    "<title>Camat Sukamulya Ingatkan ASN</title>\n<article>{body}</article>",
    "\ufeff<!-- disimpan dari peramban -->\n  <P>Berita daerah.</P>{body}",
    "<div>{body}</div>",
    "<h1>{body}",
])
def test_html5_without_html_head_or_body_is_html_in_a_folder_and_on_upload(tmp_path: Path, opening: str):
    from qa.corpus.documents import kind_of
    from qa.page.upload import kind_checked

    folder = tmp_path / "src"
    folder.mkdir()
    page = folder / "camat.html"
    page.write_text(opening.format(body=_BODY), encoding="utf-8")
    assert kind_of(page) == "html" and kind_checked(page, "camat.html") == "html"
    (article,) = corpus.load([folder])
    assert article.doc_id == "camat.html" and "Rahmat Hidayatullah Siregar" in article.text and "<" not in article.text


def test_text_that_only_mentions_a_tag_is_still_text(tmp_path: Path):
    from qa.corpus.documents import kind_of

    for name, text in (("a.txt", "ASN <b>dilarang</b> kampanye."), ("b.txt", "<pre>ASN netral</pre>"),
                       ("c.txt", "<abbr>ASN</abbr> netral")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert kind_of(tmp_path / name) == "text", name


def _titled_pdf(path: Path, title: str | None, lines: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title is not None:
        pdf.setTitle(title)
    for i, line in enumerate(lines):
        pdf.drawString(72, A4[1] - 90 - 16 * i, line)
    pdf.showPage()
    pdf.save()
    return path


HEADED = ["SURAT EDARAN BUPATI SUKAMAJU NOMOR 800/417/2024",
          "Bupati Sukamaju melarang ASN mengikuti kampanye calon kepala daerah dalam bentuk apa pun."]
UNHEADED = ["Pengaduan netralitas ASN dapat disampaikan melalui nomor 0812-5550-7788 setiap hari kerja."]


@pytest.mark.parametrize("junk", ["Microsoft Word - SE_Netralitas_ASN_final_rev2.docx", "untitled", "Untitled", "",
                                  "   ", "SE_Netralitas_ASN_final_rev2", "se-bupati.pdf", "se-bupati", "Document1",
                                  "C:\\Users\\staf\\Dokumen\\se bupati.docx", None])
def test_a_pdf_title_that_is_producer_junk_loses_to_the_heading_then_the_file_name(tmp_path: Path, junk: str | None):
    headed = _titled_pdf(tmp_path / "se-bupati.pdf", junk, HEADED)
    assert read(headed, "pdf").title == HEADED[0]
    unheaded = _titled_pdf(tmp_path / "pengaduan_inspektorat.pdf", junk, UNHEADED)
    assert read(unheaded, "pdf").title == "pengaduan inspektorat"


@pytest.mark.parametrize("title", ["Pedoman Netralitas ASN", "Peraturan BKN No. 2/2024", "Surat Edaran Bupati"])
def test_a_real_pdf_title_is_kept(tmp_path: Path, title: str):
    assert read(_titled_pdf(tmp_path / "a.pdf", title, HEADED), "pdf").title == title


def test_a_wrapped_first_line_is_no_heading(tmp_path: Path):
    lines = ["Pedoman ini mengatur netralitas aparatur sipil negara dalam pemilihan", "kepala daerah tahun 2024."]
    assert read(_titled_pdf(tmp_path / "pedoman_2024.pdf", "untitled", lines), "pdf").title == "pedoman 2024"


def test_a_docx_title_that_is_producer_junk_loses_to_the_first_heading(tmp_path: Path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Microsoft Word - edaran_final.docx"
    document.add_heading("Surat Edaran Netralitas ASN", level=1)
    document.add_paragraph("ASN dilarang berkampanye.")
    document.save(str(tmp_path / "edaran.docx"))
    assert read(tmp_path / "edaran.docx", "docx").title == "Surat Edaran Netralitas ASN"


def _docx_lines(path: Path) -> list[str]:
    return read(path, "docx").text.split("\n")


def test_docx_tracked_insertions_count_and_deletions_stay_out(tmp_path: Path):
    from documents_made import deleted, inserted, make_docx_body, paragraph, run

    moved_from = '<w:moveFrom w:id="3" w:author="E" w:date="2024-09-01T00:00:00Z">' + run("Pasal lama. ") + "</w:moveFrom>"
    moved_to = '<w:moveTo w:id="4" w:author="E" w:date="2024-09-01T00:00:00Z">' + run(" Pasal pindahan.") + "</w:moveTo>"
    path = make_docx_body(
        tmp_path / "revisi.docx",
        paragraph(run("Surat Edaran Netralitas ASN"), style="Heading1"),
        paragraph(run("Penanggung jawab pengawasan adalah "), deleted("Bambang Sutejo"), inserted("Kurniawati Prameswari"),
                  run(", Asisten Pemerintahan.")),
        paragraph(moved_from, run("ASN wajib netral."), moved_to),
        paragraph(inserted("Paragraf baru seluruhnya sisipan.")),
        paragraph(deleted("Paragraf yang dihapus seluruhnya.")),
    )
    text = read(path, "docx").text
    assert "Penanggung jawab pengawasan adalah Kurniawati Prameswari, Asisten Pemerintahan." in text
    assert "ASN wajib netral. Pasal pindahan." in text and "Paragraf baru seluruhnya sisipan." in text
    for gone in ("Bambang", "Sutejo", "Pasal lama", "dihapus"):
        assert gone not in text


def test_docx_text_boxes_are_read_once_after_their_paragraph(tmp_path: Path):
    from documents_made import make_docx_body, paragraph, run, text_box, vml_text_box

    path = make_docx_body(
        tmp_path / "kotak.docx",
        paragraph(run("Lihat kotak: "), text_box(paragraph(run("Nomor pengaduan adalah 0812-5550-1234.")))),
        paragraph(run("Kotak lama: "), vml_text_box(paragraph(run("Alamat: Jalan Merdeka 5.")),
                                                    paragraph(run("Buka setiap hari kerja.")))),
        paragraph(run("Paragraf penutup.")),
    )
    assert _docx_lines(path) == ["Lihat kotak:", "Nomor pengaduan adalah 0812-5550-1234.", "Kotak lama:",
                                 "Alamat: Jalan Merdeka 5.", "Buka setiap hari kerja.", "Paragraf penutup."]


def test_docx_tables_nested_in_cells_are_read_in_their_row(tmp_path: Path):
    from documents_made import make_docx_body, paragraph, run, table

    nested = table([paragraph(run("Penurunan jabatan selama dua belas bulan"))])
    two_rows = table([paragraph(run("Jenis"))], [paragraph(run("Teguran tertulis"))])
    path = make_docx_body(
        tmp_path / "tabel.docx",
        paragraph(run("Daftar Sanksi"), style="Heading1"),
        table([paragraph(run("Pelanggaran")), paragraph(run("Sanksi"))],
              [paragraph(run("Memasang spanduk calon")), paragraph() + nested + paragraph()],
              [paragraph(run("Menyukai unggahan")), paragraph(run("Ringan:")) + two_rows]),
        paragraph(run("Paragraf penutup.")),
    )
    assert _docx_lines(path) == [
        "Daftar Sanksi",
        "Pelanggaran: Memasang spanduk calon; Sanksi: Penurunan jabatan selama dua belas bulan",
        "Pelanggaran: Menyukai unggahan; Sanksi: Ringan: Jenis: Teguran tertulis",
        "Paragraf penutup."]


def test_docx_content_controls_hyperlinks_and_fields_are_text_in_order(tmp_path: Path):
    from documents_made import make_docx_body, paragraph, run

    sdt = f"<w:sdt><w:sdtPr/><w:sdtContent>{paragraph(run('Isi kontrol konten.'))}</w:sdtContent></w:sdt>"
    inline = f"<w:sdt><w:sdtPr/><w:sdtContent>{run('Andi Wijaya')}</w:sdtContent></w:sdt>"
    field = f'<w:fldSimple w:instr="DATE">{run("6 Juni 2024")}</w:fldSimple>'
    link = f'<w:hyperlink w:anchor="x">{run("tautan")}</w:hyperlink>'
    path = make_docx_body(tmp_path / "kontrol.docx", sdt,
                          paragraph(run("Ditandatangani "), inline, run(" pada "), field, run(", lihat "), link, run(".")))
    assert _docx_lines(path) == ["Isi kontrol konten.", "Ditandatangani Andi Wijaya pada 6 Juni 2024, lihat tautan."]


@pytest.mark.parametrize("row_by_row", [True, False], ids=["drawn-row-by-row", "drawn-column-by-column"])
def test_a_two_column_pdf_is_read_column_by_column(tmp_path: Path, row_by_row: bool):
    from documents_made import LEFT_COLUMN, RIGHT_COLUMN, column_text, make_two_column_pdf

    article = corpus.read_file(make_two_column_pdf(tmp_path / "kolom.pdf", row_by_row=row_by_row), "kolom.pdf")[0]
    text = " ".join(article.text.split())
    for number in (1, 2):
        left, right = column_text(LEFT_COLUMN, number), column_text(RIGHT_COLUMN, number)
        assert f"{left} {right}" in text  # each column whole and in order, the sentence running on across them
        assert article.page(article.text.index(left[:40])) == number
    assert "Halaman" not in text  # the footer is still found at the page's edge and removed
    assert article.title == "Warta Netralitas Sukamaju"


def test_single_column_pages_read_exactly_as_pdfium_gives_them(tmp_path: Path):
    import pypdfium2

    from documents_made import make_long_pdf
    from qa.corpus.documents.columns import reading_order

    table = [f"{label}" for label in ("Nama", "Jabatan", "Unit kerja", "Pelanggaran", "Sanksi")]
    paths = [make_pdf(tmp_path / "pedoman.pdf"), make_long_pdf(tmp_path / "panjang.pdf", pages=3),
             _label_value_pdf(tmp_path / "tabel.pdf", table)]
    for path in paths:
        document = pypdfium2.PdfDocument(str(path))
        for page in document:
            textpage = page.get_textpage()
            assert reading_order(textpage) == textpage.get_text_range(), path.name


def _label_value_pdf(path: Path, labels: list[str]) -> Path:
    """A form of short labels on the left and long values on the right: a table, read row by row."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for i, label in enumerate(labels):
        pdf.drawString(60, 760 - 16 * i, label)
        pdf.drawString(310, 760 - 16 * i, f"isian panjang untuk {label.lower()} yang memenuhi kolom kanan tabel ini")
    pdf.showPage()
    pdf.save()
    return path
