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
from qa.page.upload import UploadPolicy, accept, check_host, removal, safe_name, sources_with_uploads, uploads_folder
from qa.page.upload_files import place
from qa.page.upload_gate import Gate
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


def test_the_same_name_replaces_an_upload_and_a_doc_id_of_another_source_is_never_reused(tmp_path):
    folder, staged = tmp_path / "uploads", tmp_path / "staged.txt"
    folder.mkdir()
    (folder / "catatan.txt").write_text("lama", encoding="utf-8")
    staged.write_text("baru", encoding="utf-8")
    change = place(staged, folder, "catatan.txt", "text")
    assert (change.how, change.path.name) == ("replaced", "catatan.txt")
    assert (folder / "catatan.txt").read_text(encoding="utf-8") == "baru"
    assert change.old is not None and change.old.read_text(encoding="utf-8") == "lama"  # kept until the build settles
    assert place(staged, folder, "catatan.txt", "text").how == "present"  # the same bytes: nothing changes
    change = place(staged, folder, "pedoman.txt", "text", taken={"pedoman"})
    assert (change.how, change.path.name) == ("added", "pedoman-2.txt")  # a seed's doc id is not reused
    assert not list(folder.glob(".upload-*.part"))


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
    gate = Gate("rahasia")
    gate.check("rahasia", "10.0.0.1")
    for wrong in ("RAHASIA", 3, "rahasia\0", "rahasi"):
        with pytest.raises(UploadError, match="Kata sandi unggah salah"):
            gate.check(wrong, "10.0.0.1")
    for empty in ("", None):
        with pytest.raises(UploadError, match="Isi kata sandi unggah dulu"):
            gate.check(empty, "10.0.0.2")
    Gate(None).check(None, "10.0.0.1")


def test_uploads_go_beside_the_index_never_into_its_sources(tmp_path):
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    root = tmp_path / "index"
    assert uploads_folder(root) == tmp_path / "uploads" and uploads_folder(Path("index")) == Path("uploads")
    assert sources_with_uploads([tmp_path / "a.jsonl"], root) == [tmp_path / "a.jsonl", tmp_path / "uploads"]
    assert (tmp_path / "uploads").is_dir()
    assert sources_with_uploads([tmp_path / "uploads"], root) == [tmp_path / "uploads"]  # never twice
    with pytest.raises(InputError, match="is not here"):
        sources_with_uploads([tmp_path / "gone"], root)


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
    sources = sources_with_uploads([seeds_copy], root)
    return root, uploads_folder(root), holder, Builder(root, sources, lambda: holder.engine, holder.swap)


def test_an_upload_is_built_in_and_swapped_in_embedding_only_its_passages(served, tmp_path, fake_embedder):
    root, uploads, holder, builder = served
    old = holder.engine
    fake_embedder.calls.clear()
    saved = accept(_file(tmp_path, "Edaran Bupati.txt", FACT.encode()), "Edaran Bupati.txt", UploadPolicy(folder=uploads))
    outcome = builder.wait(builder.submit(saved), timeout=120)
    assert outcome is not None and outcome.ok and "edaran-bupati.txt ditambahkan (1 bagian)" in outcome.message
    assert holder.swaps == 1 and holder.engine is not old and holder.engine.embedder is old.embedder
    assert "edaran-bupati" in holder.engine.index.articles and "edaran-bupati" not in old.index.articles
    assert sum(fake_embedder.calls) == 1  # only the new passage was embedded; the seeds' vectors were reused
    answer = answer_with(holder.engine, "Siapa yang dilarang memakai mobil dinas untuk mengantar tim sukses?", k=1)
    assert answer.hits[0].doc_id == "edaran-bupati"
    assert len(old.index.articles) + 1 == len(holder.engine.index.articles)
    again = builder.wait(builder.submit(accept(_file(tmp_path, "lagi.txt", FACT.encode()), "Edaran Bupati.txt",
                                               UploadPolicy(folder=uploads), holder.engine.index.articles)))
    assert again.ok and "sudah ada" in again.message and holder.swaps == 1


def test_a_failed_build_adds_nothing_and_the_old_index_keeps_answering(served, tmp_path):
    root, uploads, holder, builder = served
    old, before = holder.engine, store.current_folder(root)
    saved = accept(_file(tmp_path, "baru.txt", FACT.encode()), "baru.txt", UploadPolicy(folder=uploads))
    with store.build_lock(root):  # another `qa build` is writing the index
        outcome = builder.wait(builder.submit(saved), timeout=120)
    assert outcome is not None and not outcome.ok
    assert outcome.message.startswith("baru.txt tidak ditambahkan") and "Indeks lama tetap dipakai" in outcome.message
    assert holder.engine is old and store.current_folder(root) == before and not saved.path.exists()
    assert answer_with(old, "Siapa Ketua Bawaslu Jawa Tengah?", k=1).hits


def test_the_page_refuses_a_wrong_password_before_it_saves_anything(tmp_path):
    from qa.page import upload_page

    policy = _policy(tmp_path)
    panel = upload_page.UploadPanel(policy, builder=None, indexed=lambda: {}, listing=lambda: ("", ""),  # type: ignore[arg-type]
                                    gate=Gate("rahasia"))
    shown = list(panel.handle(str(_file(tmp_path, "catatan.txt", FACT.encode())), "salah", "10.0.0.9"))
    assert len(shown) == 1 and 'data-state="failed"' in shown[0][0] and "Kata sandi unggah salah" in shown[0][0]
    assert not list(policy.folder.iterdir())


V1 = ("Satgas Netralitas ASN Sukamaju dipimpin Hendra Kusuma. Laporan pelanggaran ditindaklanjuti dalam tiga hari "
      "kerja oleh satgas netralitas Sukamaju.\n")
V2 = ("Satgas Netralitas ASN Sukamaju dipimpin Yulia Rahmawati. Laporan pelanggaran ditindaklanjuti dalam lima hari "
      "kerja oleh satgas netralitas Sukamaju.\n")


def _texts(engine) -> str:
    return "\n".join(a.text for a in engine.index.articles.values())


def test_a_corrected_file_under_the_same_name_replaces_the_old_version(served, tmp_path):
    root, uploads, holder, builder = served
    policy = UploadPolicy(folder=uploads)
    first = accept(_file(tmp_path, "v1.txt", V1.encode()), "satgas-netralitas.txt", policy, holder.engine.index.articles)
    assert builder.wait(builder.submit(first)).ok
    before = holder.engine
    second = accept(_file(tmp_path, "v2.txt", V2.encode()), "satgas-netralitas.txt", policy, holder.engine.index.articles)
    assert (second.how, second.name) == ("replaced", "satgas-netralitas.txt")
    assert "Hendra" in _texts(holder.engine)  # the old index answers until the swap
    outcome = builder.wait(builder.submit(second))
    assert outcome.ok and "satgas-netralitas.txt diganti dengan versi baru" in outcome.message, outcome
    assert holder.engine is not before and len(holder.engine.index.articles) == len(before.index.articles)
    assert "Hendra" not in _texts(holder.engine) and "tiga hari" not in _texts(holder.engine)
    assert not any("Hendra" in p.text for p in holder.engine.index.passages)
    hit = answer_with(holder.engine, "Siapa yang memimpin satgas netralitas ASN Sukamaju?", k=1).hits[0]
    assert hit.doc_id == "satgas-netralitas" and "Yulia" in hit.text
    assert [p.name for p in uploads.iterdir()] == ["satgas-netralitas.txt"]  # no -2 copy, no old version left


def test_a_replacement_whose_build_fails_keeps_the_old_version(served, tmp_path):
    root, uploads, holder, builder = served
    policy = UploadPolicy(folder=uploads)
    assert builder.wait(builder.submit(accept(_file(tmp_path, "v1.txt", V1.encode()), "satgas.txt", policy))).ok
    second = accept(_file(tmp_path, "v2.txt", V2.encode()), "satgas.txt", policy, holder.engine.index.articles)
    with store.build_lock(root):
        outcome = builder.wait(builder.submit(second), timeout=120)
    assert not outcome.ok and outcome.message.startswith("satgas.txt tidak diganti")
    assert (uploads / "satgas.txt").read_text(encoding="utf-8") == V1 and len(list(uploads.iterdir())) == 1
    assert "Hendra" in _texts(holder.engine)


def test_an_uploaded_document_can_be_removed_and_is_never_answered_again(served, tmp_path):
    root, uploads, holder, builder = served
    policy = UploadPolicy(folder=uploads)
    assert builder.wait(builder.submit(accept(_file(tmp_path, "v1.txt", V1.encode()), "satgas.txt", policy))).ok
    count = len(holder.engine.index.articles)
    with pytest.raises(UploadError, match="bukan dokumen unggahan"):
        removal(uploads, "000_5694f4041b0bfc12.txt")  # a seed is not the page's to remove
    with pytest.raises(UploadError, match="bukan dokumen unggahan"):
        removal(uploads, "../seeds/000_5694f4041b0bfc12.txt")
    gone = removal(uploads, "satgas.txt")
    assert "Hendra" in _texts(holder.engine)  # answered until the swap
    outcome = builder.wait(builder.submit(gone))
    assert outcome.ok and outcome.message.startswith("satgas.txt dihapus dari indeks"), outcome
    assert "satgas" not in holder.engine.index.articles and len(holder.engine.index.articles) == count - 1
    assert not any(p.doc_id == "satgas" for p in holder.engine.index.passages)
    hits = answer_with(holder.engine, "Siapa yang memimpin satgas netralitas ASN Sukamaju?", k=5).hits
    assert all("Hendra" not in h.text for h in hits)
    assert not list(uploads.iterdir())  # no hidden old version left either


def test_the_same_text_under_another_name_is_reported_present_and_changes_nothing(served, tmp_path):
    root, uploads, holder, builder = served
    policy = UploadPolicy(folder=uploads)
    first = accept(_file(tmp_path, "se.txt", FACT.encode()), "surat-edaran-bupati.txt", policy)
    assert builder.wait(builder.submit(first)).ok
    ids, swaps = set(holder.engine.index.articles), holder.swaps
    for other in ("Arsip SE Bupati.txt", "zz-salinan.txt", "a.txt"):  # sorting before or after the first name
        saved = accept(_file(tmp_path, "se.txt", FACT.encode()), other, policy, holder.engine.index.articles)
        outcome = builder.wait(builder.submit(saved))
        assert outcome.ok and outcome.message == (f"{other} sudah ada di indeks sebagai uploads/surat-edaran-bupati.txt; "
                                                  f"tidak ada yang berubah."), outcome
    seed = next(iter((root.parent / "seeds").glob("000_*.txt")))
    saved = accept(seed, "salinan seed.txt", policy, holder.engine.index.articles)
    assert saved.existed and saved.same_as == f"seeds/{seed.name}"
    assert set(holder.engine.index.articles) == ids and holder.swaps == swaps
    assert [p.name for p in uploads.iterdir()] == ["surat-edaran-bupati.txt"]


def test_wrong_passwords_lock_one_client_out_for_a_while():
    now = [1000.0]
    gate = Gate("4821", clock=lambda: now[0])
    gate.check("4821", "127.0.0.2")
    for guess in range(9):
        with pytest.raises(UploadError, match="Kata sandi unggah salah"):
            gate.check(f"{guess:04d}", "127.0.0.2")
    with pytest.raises(UploadError, match="Terlalu banyak kata sandi salah"):
        gate.check("0009", "127.0.0.2")  # the tenth miss
    with pytest.raises(UploadError, match="selama 15 menit"):
        gate.check("4821", "127.0.0.2")  # locked out: even the right password
    gate.check("4821", "127.0.0.1")  # another client is not
    now[0] += 14 * 60
    with pytest.raises(UploadError, match="selama 1 menit"):
        gate.check("4821", "127.0.0.2")
    now[0] += 61
    gate.check("4821", "127.0.0.2")  # the lockout expired; the right password clears the misses
    for guess in range(9):
        with pytest.raises(UploadError, match="salah"):
            gate.check("x", "127.0.0.2")
    now[0] += 16 * 60  # misses older than the window are forgotten
    with pytest.raises(UploadError, match="Kata sandi unggah salah"):
        gate.check("x", "127.0.0.2")
