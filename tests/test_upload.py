"""Adding a document from the page (qa serve --allow-upload): names, types, sizes, the password rule, and the
background build that swaps the new index in while the old one keeps answering. Fast: no model (fake embedder)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from documents_made import make_pdf
from qa.answering.ask import answer_with
from qa.cli import main
from qa.errors import InputError, UploadError
from qa.index import store
from qa.index.build import build
from qa.index.engine import open_engine
from qa.page.upload import UploadPolicy, accept, check_host, corpus_folder, place, safe_name
from qa.page.upload_build import Builder

FACT = ("Bupati Wonosobo menetapkan Surat Edaran Nomor 800/77 tentang netralitas ASN pada Senin (7/10). "
        "Surat edaran itu melarang camat Kalikajar memakai mobil dinas untuk mengantar tim sukses calon.\n")


@pytest.mark.parametrize("original, kind, expected", [
    ("../../etc/passwd", "text", "passwd.txt"),
    ("C:\\Users\\ani\\Surat Édaran No. 5.PDF", "pdf", "surat-edaran-no-5.pdf"),
    ("/abs/path/Pedoman_Netralitas (final).docx", "docx", "pedoman-netralitas-final.docx"),
    (".bashrc", "text", "bashrc.txt"),
    ("...", "text", "dokumen.txt"),
    ("..\\..", "html", "dokumen.html"),
    ("berita.pdf", "html", "berita.html"),  # the content picks the suffix: a saved page named .pdf
    ("a" * 300 + ".txt", "text", "a" * 80 + ".txt"),
    ("日本語.txt", "text", "dokumen.txt"),
])
def test_safe_names_have_no_folders_and_the_suffix_of_their_content(original, kind, expected):
    assert safe_name(original, kind) == expected


def test_a_name_is_never_saved_over_another_file(tmp_path):
    folder, staged = tmp_path / "corpus", tmp_path / "staged.txt"
    folder.mkdir()
    (folder / "catatan.txt").write_text("lama", encoding="utf-8")
    staged.write_text("baru", encoding="utf-8")
    target, existed = place(staged, folder, "catatan.txt", "text")
    assert (target.name, existed) == ("catatan-2.txt", False)
    assert (folder / "catatan.txt").read_text(encoding="utf-8") == "lama"
    assert place(staged, folder, "catatan.txt", "text") == (target, True)  # the same bytes: already there
    target, _ = place(staged, folder, "pedoman.txt", "text", taken={"pedoman"})
    assert target.name == "pedoman-2.txt"  # a doc id the index holds (e.g. from a .jsonl) is not reused
    assert not list(folder.glob(".upload-*"))


def _policy(tmp_path: Path, **kw) -> UploadPolicy:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    return UploadPolicy(folder=folder, **kw)


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name, data, says", [
    ("pedoman.pdf", b"Ini bukan PDF, hanya teks biasa dengan nama .pdf\n", "tidak berisi PDF"),
    ("foto.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "bukan teks"),
    ("latin1.txt", "Surat édaran".encode("latin-1"), "bukan teks UTF-8"),
    ("kosong.txt", b"", "kosong"),
    ("lama.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc"),
    ("arsip.docx", b"PK\x03\x04broken", "ZIP"),
    ("rusak.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "rusak.pdf tidak bisa dibaca"),
])
def test_refused_files_get_one_line_naming_them_and_nothing_is_saved(tmp_path, name, data, says):
    policy = _policy(tmp_path)
    with pytest.raises(UploadError) as caught:
        accept(_file(tmp_path, name, data), name, policy)
    message = str(caught.value)
    assert says in message and name in message and "\n" not in message and str(tmp_path) not in message
    assert not list(policy.folder.iterdir())


def test_the_size_limit_is_checked_before_reading(tmp_path):
    policy = _policy(tmp_path, max_bytes=1 << 20)
    with pytest.raises(UploadError, match=r"besar\.txt berukuran 1\.5 MB; batasnya 1 MB"):
        accept(_file(tmp_path, "besar.txt", b"kata " * (300 << 10)), "besar.txt", policy)
    saved = accept(_file(tmp_path, "kecil.txt", FACT.encode()), "kecil.txt", policy)
    assert saved.path.read_text(encoding="utf-8") == FACT


def test_the_content_decides_the_type_a_pdf_named_txt_is_saved_as_a_pdf(tmp_path):
    pdf = make_pdf(tmp_path / "x.pdf")
    saved = accept(_file(tmp_path, "Pedoman Final.txt", pdf.read_bytes()), "Pedoman Final.txt", _policy(tmp_path))
    assert (saved.kind, saved.name, saved.doc_id) == ("pdf", "pedoman-final.pdf", "pedoman-final.pdf")
    assert any("no text layer" in note for note in saved.notes)  # the reader's warning comes along


@pytest.mark.parametrize("host, password, refused", [
    ("127.0.0.1", None, False), ("localhost", None, False), ("::1", None, False), ("[::1]", None, False),
    ("0.0.0.0", None, True), ("192.168.1.10", "", True), ("0.0.0.0", "rahasia", False), ("::", None, True),
])
def test_upload_beyond_loopback_needs_a_password(host, password, refused):
    if refused:
        with pytest.raises(InputError, match="QA_UPLOAD_PASSWORD"):
            check_host(host, True, password)
    else:
        check_host(host, True, password)
    check_host(host, False, None)  # without upload any host is fine


def test_the_server_refuses_to_start_without_the_password(monkeypatch, capsys):
    monkeypatch.delenv("QA_UPLOAD_PASSWORD", raising=False)
    assert main(["serve", "--allow-upload", "--host", "0.0.0.0", "--index", "/nonexistent"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qa: error: --allow-upload on --host 0.0.0.0") and "\n" not in err


def test_the_password_is_checked():
    policy = UploadPolicy(folder=Path("."), password="rahasia")
    policy.check_password("rahasia")
    for wrong in ("", "RAHASIA", None, 3):
        with pytest.raises(UploadError, match="Kata sandi"):
            policy.check_password(wrong)
    UploadPolicy(folder=Path(".")).check_password(None)


def test_uploads_need_the_index_built_from_a_folder_that_is_here(tmp_path):
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="built from a folder"):
        corpus_folder([tmp_path / "a.jsonl"], tmp_path / "index")
    with pytest.raises(InputError, match="is not here"):
        corpus_folder([tmp_path / "gone"], tmp_path / "index")


class Holder:
    """What the server holds: the engine, swapped under a lock."""

    def __init__(self, engine) -> None:
        self.engine, self.lock, self.swaps = engine, threading.Lock(), 0

    def swap(self, engine) -> None:
        with self.lock:
            self.engine, self.swaps = engine, self.swaps + 1


@pytest.fixture
def served(seeds_copy, fake_embedder, tmp_path):
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    holder = Holder(open_engine(root, fake_embedder))
    return root, seeds_copy, holder, Builder(root, [seeds_copy], lambda: holder.engine, holder.swap)


def test_an_upload_is_built_in_and_swapped_in_embedding_only_its_passages(served, tmp_path, fake_embedder):
    root, seeds, holder, builder = served
    old = holder.engine
    fake_embedder.calls.clear()
    saved = accept(_file(tmp_path, "Edaran Bupati.txt", FACT.encode()), "Edaran Bupati.txt", UploadPolicy(folder=seeds))
    outcome = builder.wait(builder.submit(saved), timeout=120)
    assert outcome is not None and outcome.ok and "edaran-bupati.txt ditambahkan (1 bagian)" in outcome.message
    assert holder.swaps == 1 and holder.engine is not old and holder.engine.embedder is old.embedder
    assert "edaran-bupati" in holder.engine.index.articles and "edaran-bupati" not in old.index.articles
    assert sum(fake_embedder.calls) == 1  # only the new passage was embedded; the seeds' vectors were reused
    answer = answer_with(holder.engine, "Siapa yang dilarang memakai mobil dinas untuk mengantar tim sukses?", k=1)
    assert answer.hits[0].doc_id == "edaran-bupati"
    assert len(old.index.articles) + 1 == len(holder.engine.index.articles)
    again = builder.wait(builder.submit(accept(_file(tmp_path, "lagi.txt", FACT.encode()), "Edaran Bupati.txt",
                                               UploadPolicy(folder=seeds))))
    assert again.ok and "sudah ada" in again.message and holder.swaps == 1


def test_a_failed_build_adds_nothing_and_the_old_index_keeps_answering(served, tmp_path):
    root, seeds, holder, builder = served
    old, before = holder.engine, store.current_folder(root)
    saved = accept(_file(tmp_path, "baru.txt", FACT.encode()), "baru.txt", UploadPolicy(folder=seeds))
    with store.build_lock(root):  # another `qa build` is writing the index
        outcome = builder.wait(builder.submit(saved), timeout=120)
    assert outcome is not None and not outcome.ok
    assert outcome.message.startswith("baru.txt tidak ditambahkan") and "Indeks lama tetap dipakai" in outcome.message
    assert holder.engine is old and store.current_folder(root) == before and not saved.path.exists()
    assert answer_with(old, "Siapa Ketua Bawaslu Jawa Tengah?", k=1).hits


def test_the_page_refuses_a_wrong_password_before_it_saves_anything(tmp_path, monkeypatch):
    from qa.page import upload_page

    monkeypatch.setattr(upload_page, "WRONG_PASSWORD_DELAY_S", 0)
    policy = _policy(tmp_path, password="rahasia")
    panel = upload_page.UploadPanel(policy, builder=None, taken=lambda: (), listing=lambda: ("", ""))  # type: ignore[arg-type]
    shown = list(panel.handle(str(_file(tmp_path, "catatan.txt", FACT.encode())), "salah"))
    assert len(shown) == 1 and 'data-state="failed"' in shown[0][0] and "Kata sandi unggah salah" in shown[0][0]
    assert not list(policy.folder.iterdir())
