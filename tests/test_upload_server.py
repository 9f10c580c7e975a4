"""Who may put files on a real `qa serve`, over plain HTTP: Gradio's own upload route closed without --allow-upload
and capped and behind the password with it; password guesses locked out per client and never in the way of the
organiser's upload; a corrected file replacing its old version, removal, and the same text under another name."""

from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from conftest import SEEDS
from serving import server
from upload_http import ask, event, file_data, post_file, run

PASSWORD = "4821"
BIG = 60 << 20
V1 = ("Satgas Netralitas ASN Sukamaju Dibentuk\n\nSukamaju - Satuan tugas netralitas ASN Sukamaju dipimpin Hendra "
      "Wijaya. Setiap laporan pelanggaran ditindaklanjuti satgas dalam tiga hari kerja.\n")
V2 = V1.replace("Hendra Wijaya", "Yulia Santoso").replace("tiga hari", "lima hari")
GUGUS = ("Gugus Tugas Pilkada Sukamulya\n\nSukamulya - Gugus tugas pilkada Sukamulya diketuai Rina Marlina dan "
         "berkantor di aula kecamatan.\n")
SE = ("Surat Edaran Bupati Sukamaju\n\nSukamaju - Bupati Sukamaju menerbitkan surat edaran nomor 800/123 tentang "
      "netralitas ASN dalam pilkada.\n")


@pytest.fixture(scope="module")
def corpus(real_index: Path, real_engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the seeds and of the real index rebuilt over it (nothing embedded again)."""
    from qa.index.build import build

    root = tmp_path_factory.mktemp("upload-server")
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(real_index, root / "index")
    assert build([root / "seeds"], root / "index", real_engine.embedder, progress=False).embedded == 0
    return root


@contextmanager
def serving(corpus: Path, name: str, *args: str, password: str | None = None) -> Iterator[tuple[str, Path]]:
    """`qa serve` over the corpus's index; its Gradio temp folder (where the upload route keeps files) is yielded."""
    temp = corpus / f"gradio-{name}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "GRADIO_"))}
    env["GRADIO_TEMP_DIR"] = str(temp)
    if password:
        env["QA_UPLOAD_PASSWORD"] = password
    with server(corpus / "index", corpus / f"serve-{name}.log", env=env, args=args) as (url, _):
        yield url, temp


def kept(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_without_allow_upload_the_gradio_upload_route_refuses_and_keeps_nothing(corpus: Path):
    with serving(corpus, "plain") as (url, temp):
        started = time.perf_counter()
        response = post_file(url, b"A" * BIG, "big.txt")
        assert response.status_code == 403 and "tanpa --allow-upload" in response.text
        assert post_file(url, b"kecil", "kecil.txt").status_code == 403
        assert not kept(temp), kept(temp)
        print(f"\n60 MB refused in {time.perf_counter() - started:.2f} s")


@pytest.fixture(scope="module")
def guarded(corpus: Path) -> Iterator[tuple[str, Path]]:
    with serving(corpus, "guarded", "--allow-upload", password=PASSWORD) as served:
        yield served


def upload(url: str, data: bytes, name: str, key: str | None = PASSWORD, local: str = "127.0.0.1") -> list[str]:
    response = post_file(url, data, name, PASSWORD, local)  # the route takes it; the event checks ``key``
    response.raise_for_status()
    return run(url, event(url, "upload", "upload"), [file_data(response.json()[0], name, len(data)), key], local)


def test_with_allow_upload_the_route_is_capped_and_behind_the_password(guarded, corpus: Path):
    url, temp = guarded
    assert post_file(url, b"A" * BIG, "big.txt", PASSWORD).status_code == 413
    missing = post_file(url, b"kecil", "kecil.txt")  # no password cookie
    assert missing.status_code == 403 and "Isi kata sandi unggah dulu" in missing.text
    refused = post_file(url, b"kecil", "kecil.txt", "1234", local="127.0.0.5")
    assert refused.status_code == 403 and "Kata sandi unggah salah" in refused.text
    assert not kept(temp), kept(temp)
    allowed = post_file(url, b"kecil", "kecil.txt", PASSWORD)
    assert allowed.status_code == 200 and Path(allowed.json()[0]).read_bytes() == b"kecil"


def test_guesses_lock_their_client_out_and_never_delay_the_organiser(guarded, corpus: Path):
    url, _ = guarded
    for guess in range(10):  # on the route: the cookie is the password
        assert post_file(url, b"x", "x.txt", f"{guess:04d}", local="127.0.0.2").status_code == 403
    locked = post_file(url, b"x", "x.txt", PASSWORD, local="127.0.0.2")
    assert locked.status_code == 403 and "Terlalu banyak kata sandi salah" in locked.text
    assert post_file(url, b"x", "x.txt", PASSWORD, local="127.0.0.1").status_code == 200  # another client is not
    posted = post_file(url, b"tebakan " * 40, "tebakan.txt", PASSWORD)  # a file the guesser's events name
    fd, add = file_data(posted.json()[0], "tebakan.txt", 320), event(url, "upload", "upload")
    guesses = [threading.Thread(target=run, args=(url, add, [fd, f"{1000 + g}"], "127.0.0.3"), daemon=True)
               for g in range(20)]  # on the page's event: the password field
    for thread in guesses:
        thread.start()
    time.sleep(0.5)
    started = time.perf_counter()
    lines = upload(url, GUGUS.encode(), "gugus.txt")
    waited = time.perf_counter() - started
    for thread in guesses:
        thread.join(timeout=60)
    print(f"\norganiser's upload behind 20 guesses: {waited:.1f} s -> {lines[-1]}")
    assert lines and "gugus.txt ditambahkan" in lines[-1] and waited < 5, (waited, lines)
    assert "Terlalu banyak" in run(url, add, [fd, PASSWORD], "127.0.0.3")[-1]  # locked out: even the right one
    assert post_file(url, b"x", "x.txt", PASSWORD, local="127.0.0.3").status_code == 403  # on the route too


def test_a_corrected_reupload_replaces_the_old_text_and_removal_takes_it_out(guarded, corpus: Path):
    url, _ = guarded
    question = "Siapa yang memimpin satgas netralitas ASN Sukamaju?"
    assert "satgas-netralitas.txt ditambahkan" in upload(url, V1.encode(), "satgas-netralitas.txt")[-1]
    assert "Hendra" in ask(url, question)["hits"][0]["text"]
    assert "diganti dengan versi baru" in upload(url, V2.encode(), "satgas-netralitas.txt")[-1]
    hits = ask(url, question, 5)["hits"]
    assert hits[0]["doc_id"] == "satgas-netralitas" and "Yulia" in hits[0]["text"]
    assert not any("Hendra" in h["text"] for h in hits)
    assert sorted(p.name for p in (corpus / "uploads").glob("satgas*")) == ["satgas-netralitas.txt"]
    lines = run(url, event(url, "upload-remove", "click"), ["satgas-netralitas.txt", PASSWORD])
    assert lines[-1].startswith("satgas-netralitas.txt dihapus dari indeks"), lines
    assert not any(h["doc_id"] == "satgas-netralitas" for h in ask(url, question, 5)["hits"])
    assert not list((corpus / "uploads").glob("*satgas*")) and not list((corpus / "seeds").glob("*satgas*"))


def test_the_same_bytes_under_another_name_change_nothing(guarded, corpus: Path):
    url, _ = guarded
    assert "surat-edaran-bupati.txt ditambahkan" in upload(url, SE.encode(), "surat-edaran-bupati.txt")[-1]
    for other in ("Arsip SE Bupati.txt", "zz-salinan.txt"):
        assert upload(url, SE.encode(), other)[-1] == (f"{other} sudah ada di indeks sebagai "
                                                       f"uploads/surat-edaran-bupati.txt; tidak ada yang berubah.")
    hit = ask(url, "Nomor surat edaran Bupati Sukamaju tentang netralitas ASN?", 1)["hits"][0]
    assert hit["doc_id"] == "surat-edaran-bupati"
    assert sorted(p.name for p in (corpus / "uploads").iterdir() if "bupati" in p.name or "salinan" in p.name) == [
        "surat-edaran-bupati.txt"]
