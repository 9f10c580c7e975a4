"""DOCX content controls and fields (issue 23): a content control's text is text where it stands, in the body, in a
line, around table rows or cells; one showing its placeholder has none. A field reads as its result, the text Word
shows, never as its code. Inputs are made in the tests (python-docx, WordprocessingML by hand)."""

from __future__ import annotations

from pathlib import Path

from documents_made import complex_field, content_control, make_docx_body, paragraph, run, simple_field
from qa.corpus.documents import read


def _lines(path: Path) -> list[str]:
    return read(path, "docx").text.split("\n")


def _cell(text: str) -> str:
    return f"<w:tc>{paragraph(run(text))}</w:tc>"


def test_docx_content_controls_are_text_where_they_stand(tmp_path: Path):
    table = ("<w:tbl><w:tblPr/><w:tr>" + _cell("Nama") + _cell("Jabatan") + "</w:tr>"
             + content_control("<w:tr>" + _cell("Andi Wijaya") + _cell("Camat Sukamaju") + "</w:tr>",
                               "<w:tr>" + _cell("Rina Lestari") + _cell("Lurah Cibodas") + "</w:tr>")
             + "<w:tr>" + content_control(_cell("Budi Santoso")) + _cell("Sekretaris Camat") + "</w:tr></w:tbl>")
    path = make_docx_body(
        tmp_path / "formulir.docx",
        content_control(paragraph(run("Formulir Laporan Netralitas")), paragraph(run("Diisi oleh pelapor."))),
        paragraph(run("Pelapor: "), content_control(run("Siti Aminah")), run(", warga Sukamaju.")),
        table,
        paragraph(run("Paragraf penutup.")),
    )
    assert _lines(path) == ["Formulir Laporan Netralitas", "Diisi oleh pelapor.", "Pelapor: Siti Aminah, warga Sukamaju.",
                            "Nama: Andi Wijaya; Jabatan: Camat Sukamaju", "Nama: Rina Lestari; Jabatan: Lurah Cibodas",
                            "Nama: Budi Santoso; Jabatan: Sekretaris Camat", "Paragraf penutup."]


def test_docx_a_content_control_showing_its_placeholder_has_no_text(tmp_path: Path):
    path = make_docx_body(
        tmp_path / "kosong.docx",
        paragraph(run("Nama pelapor: "), content_control(run("Klik atau ketuk di sini untuk memasukkan teks."),
                                                         placeholder=True)),
        content_control(paragraph(run("Pilih item.")), placeholder=True),
        paragraph(run("Laporan dikirim ke Bawaslu.")),
    )
    assert _lines(path) == ["Nama pelapor:", "Laporan dikirim ke Bawaslu."]


def test_docx_fields_read_as_their_result_never_their_code(tmp_path: Path):
    gender = complex_field(" MERGEFIELD Gender ", run("P"))
    path = make_docx_body(
        tmp_path / "surat.docx",
        paragraph(run("Yth. "), complex_field(" MERGEFIELD Nama ", run("Andi "), run("Wijaya")), run(" di Sukamaju.")),
        paragraph(run("Tanggal: "), simple_field("DATE \\@ \"d MMMM yyyy\"", "6 Juni 2024"), run(".")),
        paragraph(run("Sapaan: "), complex_field((" IF ", gender, ' = "P" "Ibu" "Bapak" '), run("Ibu")), run(" Camat.")),
        paragraph(run("Pasal larangan"), complex_field(' XE "larangan" ')),  # an index entry: code only, no result
        paragraph(run("Halaman "), complex_field(" PAGE ", run("3")), run(" dari "), complex_field(" NUMPAGES ", run("5"))),
    )
    text = read(path, "docx").text
    assert text.split("\n") == ["Yth. Andi Wijaya di Sukamaju.", "Tanggal: 6 Juni 2024.", "Sapaan: Ibu Camat.",
                                "Pasal larangan", "Halaman 3 dari 5"]
    for code in ("MERGEFIELD", "DATE", "IF", "XE", "PAGE", "NUMPAGES", "Gender", "Bapak"):
        assert code not in text
