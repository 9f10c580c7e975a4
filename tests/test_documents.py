"""PDF, HTML and DOCX readers: files made in code (tests/documents_made.py) and a real PDF from Debian's bash-doc."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path

import pytest

from documents_made import HEADER, PAGES, SCAN_LINES, make_docx, make_html, make_long_pdf, make_pdf, make_scan
from qa.corpus import articles as corpus
from qa.corpus.documents import kind_of, ocr, read
from qa.corpus.documents.furniture import page_lines, running_text, strip_furniture

REAL_PDF = Path("/usr/share/doc/bash/bash.pdf")  # Debian package bash-doc (make test installs it)


def _article(path: Path) -> corpus.Article:
    (article,) = corpus.read_file(path, path.name)
    return article


def test_pdf_text_has_no_furniture_and_joins_hyphenated_words(tmp_path: Path):
    article = _article(make_pdf(tmp_path / "pedoman.pdf"))
    text = article.text
    assert HEADER not in text and "Halaman" not in text and "dari 5" not in text
    assert "dalam pemilihan kepala daerah" in text and "pemi-" not in text
    assert "masing-masing instansi" in text  # reduplication keeps its hyphen
    for item in ("a. memasang spanduk", "b. menyukai atau membagikan", "c. menghadiri deklarasi"):
        assert f"\n{item}" in text  # list items stay, each on its own line
    assert article.title == "Pedoman Netralitas ASN" and article.doc_id == "pedoman.pdf"


OFF = "OCR is off: the tesseract program is not installed; install it"


def test_pdf_pages_place_every_line_on_its_page(tmp_path: Path, caplog, monkeypatch):
    monkeypatch.setattr(ocr, "unavailable", lambda: OFF)  # as on a machine without Tesseract
    with caplog.at_level(logging.WARNING):
        article = _article(make_pdf(tmp_path / "pedoman.pdf"))
    assert len(article.pages) == len(PAGES)
    for number, lines in enumerate(PAGES, start=1):
        for line in lines:
            words = line.rstrip("-").split()[1:4]  # a few words from inside the line
            at = article.text.index(" ".join(words))
            assert article.page(at) == number, (line, number)
    assert article.pages[2] == article.pages[3]  # the page without text starts where the next does
    scanned = [r.getMessage() for r in caplog.records if "no text layer" in r.getMessage()]
    assert scanned == [f"{tmp_path / 'pedoman.pdf'}: 1 of 5 pages have no text layer (scanned?); they are not indexed"]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _word_accuracy(known: str, read_back: str) -> float:
    """The share of the known text's words that the read text has (each counted as often as it occurs)."""
    found = {}
    for word in _words(read_back):
        found[word] = found.get(word, 0) + 1
    hits = 0
    for word in _words(known):
        if found.get(word, 0):
            found[word] -= 1
            hits += 1
    return hits / len(_words(known))


needs_tesseract = pytest.mark.skipif(bool(ocr.unavailable()), reason=f"{ocr.unavailable()} (make test installs it)")


@needs_tesseract
def test_a_scanned_page_is_read_by_ocr_and_cited_as_ocr(tmp_path: Path, caplog):
    import pypdfium2 as pdfium

    lines = [list(SCAN_LINES), ["Sanksi bagi pelanggar adalah teguran tertulis dari pejabat pembina kepegawaian."]]
    path = make_scan(tmp_path / "edaran.pdf", pages=lines)
    document = pdfium.PdfDocument(str(path))
    assert all(not document[n].get_textpage().get_text_range().strip() for n in range(len(document)))  # image only
    document.close()
    with caplog.at_level(logging.WARNING):
        (article,) = corpus.load([path])
    accuracy = _word_accuracy(" ".join(sum(lines, [])), article.text)
    assert accuracy >= 0.8, (accuracy, article.text)
    assert article.ocr_pages == (1, 2) and len(article.pages) == 2
    at = article.text.lower().index("teguran tertulis")
    assert article.page(at) == 2 and article.ocr(at)
    assert corpus.Article.from_dict(article.to_dict()) == article
    notes = [r.getMessage() for r in caplog.records if "no text layer" in r.getMessage()]
    assert notes == [f"{path}: 2 of 2 pages have no text layer (scanned?); read with OCR (tesseract, ind)"]


def test_a_page_read_by_ocr_is_cited_as_ocr():
    from qa.answering.cite import article_citation, citation

    assert citation("Edaran", "", "", source="edaran.pdf", page=3, ocr=True) == "Edaran (edaran.pdf, hlm. 3, OCR)"
    assert citation("Edaran", "", "", source="edaran.pdf", page=3) == "Edaran (edaran.pdf, hlm. 3)"
    cited = article_citation("Edaran", "", "", ["e#0", "e#4"], page_numbers=[3, 4], ocr=[True, False])
    assert cited == "Edaran · hlm. 3 (OCR), 4 · bagian 1, 5"


def test_without_tesseract_the_build_says_so_once_and_leaves_scans_out(tmp_path: Path, caplog, monkeypatch):
    monkeypatch.setattr(ocr, "unavailable", lambda: OFF)
    folder = tmp_path / "korpus"
    folder.mkdir()
    make_pdf(folder / "a.pdf")
    make_pdf(folder / "b.pdf", pages=[*PAGES[:4], ["Pedoman kedua ini berlaku bagi seluruh instansi daerah."]])
    with caplog.at_level(logging.WARNING):
        articles = corpus.load([folder])
    assert [a.doc_id for a in articles] == ["a.pdf", "b.pdf"] and all(not a.ocr_pages for a in articles)
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if "OCR is off" in m] == [f"{OFF}; scanned PDF pages are not indexed"]
    assert len([m for m in messages if "they are not indexed" in m]) == 2  # one line per file, as before


def test_page_numbers_printed_with_a_header_are_furniture():
    words = ["netral", "kampanye", "spanduk", "unggahan", "deklarasi", "sanksi"]
    pages = [[f"Chapter 1: Netralitas {n + 4}", f"ASN dan {word}."] for n, word in enumerate(words)]
    assert strip_furniture(pages) == [[f"ASN dan {word}."] for word in words]


def test_content_that_repeats_on_few_pages_is_kept():
    pages = [["Pasal 3", "ASN wajib netral."], ["Pasal 4", "ASN dilarang kampanye."]] + [[f"teks {n}."] for n in range(6)]
    assert strip_furniture(pages)[:2] == [["Pasal 3", "ASN wajib netral."], ["Pasal 4", "ASN dilarang kampanye."]]


def test_pdfium_hyphen_marker_is_joined():
    assert page_lines("pemi\ufffe\r\nlihan umum\r\nmasing\ufffe\r\nmasing") == ["pemilihan umum", "masing-masing"]
    text, starts = running_text([["ASN dilarang ikut kampa-"], ["nye calon."]])
    assert text == "ASN dilarang ikut kampanye calon." and starts == (0, len("ASN dilarang ikut kampa"))


def test_docx_keeps_order_headings_lists_and_table_rows(tmp_path: Path):
    article = _article(make_docx(tmp_path / "edaran.docx"))
    lines = article.text.split("\n")
    assert lines[0] == "Surat Edaran Netralitas ASN" and article.title == "Surat Edaran Netralitas ASN"
    assert "Larangan" in lines and "Sanksi" in lines
    assert ["1. ASN dilarang memasang spanduk calon.", "2. ASN dilarang menghadiri deklarasi calon.",
            "3. ASN dilarang menyukai unggahan calon."] == [l for l in lines if l[:2] in ("1.", "2.", "3.")]
    assert "• teguran lisan atau tertulis;" in lines and "• penundaan kenaikan pangkat." in lines
    assert "Jenis pelanggaran: Menyukai unggahan calon; Sanksi: Teguran tertulis" in lines
    assert lines.index("Larangan") < lines.index("Sanksi") < lines.index("Demikian surat edaran ini untuk dilaksanakan.")
    assert article.pages == ()


def test_html_main_text_and_metadata_without_furniture(tmp_path: Path):
    article = _article(make_html(tmp_path / "berita.html"))
    assert (article.title, article.outlet, article.date) == ("Bupati Kendal larang ASN kampanye", "Kabar Jateng", "2024-06-06")
    assert article.source == "https://kabar.example/berita/bupati-kendal-larang-asn" and article.place == "Kendal"
    for furniture in ("Beranda", "cookie", "Terpopuler", "Harga cabai", "Hak cipta"):
        assert furniture not in article.text
    content = " ".join(article.text[s:e] for s, e in article.blocks)
    assert "- menyukai unggahan calon di media sosial;" in content and "dijatuhi sanksi disiplin" in content
    assert "Baca juga" not in content


def test_the_content_decides_the_reader_not_the_suffix(tmp_path: Path):
    pdf_as_txt = make_pdf(tmp_path / "pedoman.txt")
    docx_as_pdf = make_docx(tmp_path / "edaran.pdf")
    assert (kind_of(pdf_as_txt), kind_of(docx_as_pdf)) == ("pdf", "docx")
    assert "masing-masing instansi" in _article(pdf_as_txt).text
    assert "1. ASN dilarang memasang spanduk calon." in _article(docx_as_pdf).text


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 << 20))  # 200 MB of zeros, 200 KB packed
    return path


def test_bad_files_fail_alone_with_one_line_naming_them(tmp_path: Path, caplog):
    folder = tmp_path / "korpus"
    folder.mkdir()
    make_pdf(folder / "terkunci.pdf", password="rahasia")
    whole = make_pdf(tmp_path / "utuh.pdf").read_bytes()
    (folder / "terpotong.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "rusak.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    _zip_bomb(folder / "bom.docx")
    (folder / "besar.html").write_bytes(b"<html><body><p>" + b"ASN netral. " * ((50 << 20) // 12) + b"</p></body></html>")
    (folder / "lama.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (folder / "berita.txt").write_text("ASN wajib netral dalam pilkada, kata Bupati Kendal.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        articles = corpus.load([folder])
    assert [a.doc_id for a in articles] == ["berita"]
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    for name, why in (("terkunci.pdf", "encrypted"), ("terpotong.pdf", "not a readable PDF"),
                      ("rusak.pdf", "not a readable PDF"), ("bom.docx", "zip bomb"), ("besar.html", "the limit"),
                      ("lama.docx", "old binary Word")):
        found = [m for m in messages if name in m]
        assert len(found) == 1 and why in found[0] and "\n" not in found[0], (name, messages)


def test_a_1000_page_pdf_is_read_whole(tmp_path: Path):
    article = _article(make_long_pdf(tmp_path / "panjang.pdf", pages=1000, lines=3))
    assert len(article.pages) == 1000
    at = article.text.index("kode 777-0 ")
    assert article.page(at) == 777 and "SURAT EDARAN" not in article.text


def test_build_cites_the_page_and_offsets_hold_on_the_stored_text(tmp_path: Path, fake_embedder):
    from qa.answering.ask import answer_with
    from qa.index.build import build
    from qa.index.engine import open_engine
    from qa.page.render import reader_html

    folder = tmp_path / "korpus"
    folder.mkdir()
    make_pdf(folder / "pedoman.pdf")
    make_docx(folder / "edaran.docx")
    build([folder], tmp_path / "index", fake_embedder, progress=False)
    engine = open_engine(tmp_path / "index", fake_embedder)
    answer = answer_with(engine, "Apa sanksi kepala daerah yang membiarkan pelanggaran netralitas oleh inspektorat?",
                         k=5, reader=False)
    hit = next(h for h in answer.hits if h.doc_id == "pedoman.pdf")
    article = engine.index.articles["pedoman.pdf"]
    assert article.text[hit.start:hit.end] == hit.text and article.text[hit.quote_start:hit.quote_end] == hit.quote
    assert hit.page == article.page(hit.quote_start) and hit.page in (1, 2, 4, 5)
    assert f"(korpus/pedoman.pdf, hlm. {hit.page})" in hit.citation()
    assert all(h.page is None for h in answer.hits if h.doc_id == "edaran.docx")
    assert json.loads(json.dumps(answer.to_dict()))["hits"][0]["page"] == answer.hits[0].page
    page = reader_html(article, hit.start, hit.end, hit.quote_start, hit.quote_end)
    assert [int(n) for n in re.findall(r'class="page-break" data-page="(\d+)"', page)] == [1, 2, 4, 5]
    assert re.sub(r"<[^>]+>", "", page).endswith(article.text.replace("&", "&amp;").replace("<", "&lt;")[-40:])


@pytest.mark.skipif(not REAL_PDF.is_file(), reason=f"{REAL_PDF} is absent: install Debian's bash-doc (make test does)")
def test_a_real_pdf_from_debian(tmp_path: Path):
    import pypdfium2

    article = _article(REAL_PDF)
    raw = pypdfium2.PdfDocument(str(REAL_PDF))
    assert len(article.pages) == len(raw) > 50
    assert "General Commands Manual" not in article.text  # the running header "BASH(1) General Commands Manual BASH(1)"
    assert not re.search(r"GNU Bash 5\.\d+ \d{4} \w+ \d+ \d+", article.text)  # the footer with its page number
    assert "\ufffe" not in article.text
    for number in (2, 17, 40, len(raw) - 1):
        start, end = article.pages[number - 1], article.pages[number]
        words = article.text[start:end].split()[5:12]  # words from inside the page, past any joined line
        page_text = " ".join(raw[number - 1].get_textpage().get_text_range().replace("\ufffe", "").split())
        assert " ".join(words[1:4]) in page_text, number
        assert article.page(article.text.index(" ".join(words), start)) == number


def test_handouts_cite_the_page(tmp_path: Path, fake_embedder):
    from qa.answering.ask import answer_with
    from qa.index.build import build
    from qa.index.engine import open_engine
    from qa.page import handout
    from qa.page.render import Turn

    folder = tmp_path / "korpus"
    folder.mkdir()
    make_pdf(folder / "pedoman.pdf")
    build([folder], tmp_path / "index", fake_embedder, progress=False)
    answer = answer_with(open_engine(tmp_path / "index", fake_embedder), "Siapa menindaklanjuti laporan pelanggaran?",
                         k=1, reader=False)
    page = answer.hits[0].page
    assert page is not None
    number = answer.hits[0].passage_id.rsplit("#", 1)[1]  # each article cited once: its pages, then its passages
    shown = int(number) + 1  # people count passages from 1; the id keeps its 0-based number
    assert (f"· hlm. {page} · bagian {shown} (`korpus/pedoman.pdf`; `pedoman.pdf#{number}`)"
            in handout.as_markdown([Turn(answer.question, answer=answer)]))
    assert f"· hlm. {page} · bagian {shown}" in handout.as_html([Turn(answer.question, answer=answer)])


def test_a_footer_run_into_the_last_line_is_cut_off():
    """PDFium sometimes gives a page's last line and its footer as one line: '…pelanggaranHalaman 2 dari 20'."""
    pages = [[f"PEDOMAN NETRALITAS ASN {'Isi awal' if n == 3 else ''}".rstrip(), f"ASN dan kalimat {word}.",
              f"akhir kalimat {word}" + (f"Halaman {n + 1} dari 6" if n % 2 else ""), f"Halaman {n + 1} dari 6"][: 4 - n % 2]
             for n, word in enumerate(["netral", "kampanye", "spanduk", "unggahan", "deklarasi", "sanksi"])]
    kept = strip_furniture(pages)
    assert [page[-1] for page in kept] == [f"akhir kalimat {w}" for w in ["netral", "kampanye", "spanduk", "unggahan",
                                                                           "deklarasi", "sanksi"]]
    assert kept[3][0] == "Isi awal" and all(page[0].startswith("ASN dan") for i, page in enumerate(kept) if i != 3)
