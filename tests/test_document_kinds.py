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
