"""The index folder: plain files, reused embeddings, stale and corrupt detection, atomic swaps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fakes import HashEmbedder
from qa.answering.ask import answer_with
from qa.errors import BadIndexError, IndexBusyError, IndexWriteError
from qa.index import store
from qa.index.build import build
from qa.index.engine import check, open_engine
from qa.models.reader import identity as reader_identity


def test_build_writes_plain_files_and_a_manifest(seeds_copy: Path, tmp_path: Path, fake_embedder):
    result = build([seeds_copy], tmp_path / "index", fake_embedder, progress=False)
    folder = result.folder
    assert (tmp_path / "index" / "CURRENT").read_text().strip() == folder.name
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"manifest.json", "articles.jsonl", "passages.jsonl", "vectors.faiss"} <= names
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    manifest = json.loads((folder / "manifest.json").read_text())
    spec = manifest["spec"]
    assert {k: spec[k] for k in ("model", "backend", "fingerprint", "dim", "runtime", "query_prompt", "passage_prompt")} == {
        "model": fake_embedder.name, "backend": "hash", "fingerprint": "hash-64", "dim": 64, "runtime": "numpy",
        "query_prompt": "", "passage_prompt": ""}
    assert spec["vector_index"]["metric"] == "inner_product"
    assert spec["reader"] == reader_identity() and spec["reader"].startswith("sha256:")  # recorded, never refused
    assert spec["calibration"].startswith("neutral:")  # the fake model has no fitted calibration
    assert manifest["corpus"]["articles"] == 5 and manifest["corpus"]["passages"] == result.passages
    assert manifest["faiss"]["kind"] == "flat"
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert manifest["versions"]["faiss-cpu"] and manifest["created"]


def test_unchanged_corpus_is_not_embedded_again(seeds_copy: Path, tmp_path: Path, fake_embedder):
    first = build([seeds_copy], tmp_path / "index", fake_embedder, progress=False)
    second = build([seeds_copy], tmp_path / "index", fake_embedder, progress=False)
    assert second.skipped and second.embedded == 0 and second.folder == first.folder
    assert fake_embedder.calls == [first.passages]


# Protects against: answers from articles that changed after the index was built.
def test_a_changed_article_is_stale_and_only_new_passages_are_embedded(seeds_copy: Path, tmp_path: Path, fake_embedder):
    root = tmp_path / "index"
    first = build([seeds_copy], root, fake_embedder, progress=False)
    index = store.load(root)
    (seeds_copy / "005_new.txt").write_text("Bupati Contoh meminta ASN netral. Ia berbicara di Kota Contoh.", encoding="utf-8")
    warning = check(index, fake_embedder, root)  # still answers, from the articles it holds, and says so
    assert re.search(r"stale: 1 file added \(seeds/005_new\.txt\) since .*run `qa build --index .* --source ", warning)
    second = build([seeds_copy], root, fake_embedder, progress=False)
    assert not second.skipped and second.embedded == 1 and second.reused == first.passages
    assert check(store.load(root), fake_embedder, root) == ""


# Protects against: vectors of one model searched with another model's query vectors.
def test_an_index_from_another_model_is_refused(seeds_copy: Path, tmp_path: Path, fake_embedder):
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    with pytest.raises(BadIndexError, match="built with model 'test/hash-embedder', this setup has 'other/model'; run `qa build --index .* --model other/model` or set --model / QA_MODEL=test/hash-embedder"):
        open_engine(root, HashEmbedder(name="other/model"))
    with pytest.raises(BadIndexError, match="weights .* changed"):
        open_engine(root, HashEmbedder(dim=32))


# Protects against: a truncated or bit-flipped file giving wrong answers instead of a clear error.
@pytest.mark.parametrize("name", ["manifest.json", "articles.jsonl", "passages.jsonl", "vectors.faiss",
                                  "passages.jsonl.offsets.npy", "articles.ids.json"])
def test_truncated_or_corrupt_files_give_a_clear_error(seeds_copy: Path, tmp_path: Path, fake_embedder, name: str):
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    path = store.current_folder(root) / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadIndexError, match=r"qa build"):
        store.load(root)
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    with pytest.raises(BadIndexError, match=r"qa build"):
        store.load(root)
    path.unlink()
    with pytest.raises(BadIndexError, match=f"{name}.*(missing|qa build)"):
        store.load(root)
    assert not build([seeds_copy], root, fake_embedder, progress=False).skipped  # a build recovers
    store.load(root)


# Protects against: a missing index ending in a stack trace instead of the command that fixes it.
def test_missing_index_says_how_to_build(tmp_path: Path):
    with pytest.raises(BadIndexError, match="no index at .*qa build --source seeds"):
        store.load(tmp_path / "nothing")


# Protects against: two builds writing one index at once.
def test_a_second_build_refuses_while_the_lock_is_held(seeds_copy: Path, tmp_path: Path, fake_embedder):
    root = tmp_path / "index"
    with store.build_lock(root):
        with pytest.raises(IndexBusyError, match="another `qa build`"):
            build([seeds_copy], root, fake_embedder, progress=False)
    build([seeds_copy], root, fake_embedder, progress=False)


# Protects against: a failed write (disk full) replacing the live index with half of one.
def test_a_failed_write_leaves_the_previous_index(seeds_copy: Path, tmp_path: Path, fake_embedder, monkeypatch):
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    before = store.current_folder(root)
    (seeds_copy / "005_new.txt").write_text("Berita baru tentang ASN di Kota Contoh.", encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.faiss, "write_index", disk_full)
    with pytest.raises(IndexWriteError, match="No space left.*previous index is intact"):
        build([seeds_copy], root, fake_embedder, progress=False)
    assert store.current_folder(root) == before
    assert len(store.load(root).articles) == 5
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [before.name]  # no half-written folder left


def test_answers_cite_exact_offsets(seeds_copy: Path, tmp_path: Path, fake_embedder):
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    engine = open_engine(root, fake_embedder)
    answer = answer_with(engine, "Harun Sulianto membuka penyuluhan hukum", k=3)
    assert answer.hits[0].doc_id == "003_3854d067d48f8347"
    for hit in answer.hits:
        article = engine.index.articles[hit.doc_id]
        assert article.text[hit.start : hit.end] == hit.text
        assert article.text[hit.quote_start : hit.quote_end] == hit.quote and hit.quote in hit.text
    assert json.loads(json.dumps(answer.to_dict()))["hits"][0]["passage_id"] == answer.hits[0].passage_id


def test_qa_build_shows_progress_and_its_rate_and_q_silences_them(seeds_copy: Path, tmp_path: Path, cli_env: dict):
    import subprocess
    import sys

    command = [sys.executable, "-m", "qa", "build", "--source", str(seeds_copy), "--index", str(tmp_path / "index"),
               "--force"]
    loud = subprocess.run(command, env=cli_env, capture_output=True, text=True)
    assert loud.returncode == 0, loud.stderr
    assert "embedding" in loud.stderr and "lexical index" in loud.stderr  # the bars (default onnx-int8 encoder)
    assert "passage/s" in loud.stderr or "passages/s" in loud.stderr
    assert re.search(r"embedded \d+ passages in [\d.]+ s \(\d+ passages/s\)", loud.stderr)
    quiet = subprocess.run(command[:3] + ["-q", "build"] + command[4:], env=cli_env, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr.strip() == "", quiet.stderr
    assert "built (" in quiet.stdout


def test_q_silences_the_bars_of_the_default_auto_build_too(seeds_copy: Path, cli_env: dict):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "qa", "-q", "ask", "Siapa Sekda Jateng?"], cwd=seeds_copy.parent,
                         env=cli_env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (seeds_copy.parent / "index" / "CURRENT").is_file()  # ./index was built from ./seeds first
    assert "embedding" not in run.stderr and "lexical index" not in run.stderr, run.stderr
    assert "Sumarno" in run.stdout


# Protects against: every open of a large index hashing gigabytes of sources, and against trusting a fresh edit.
def test_sources_unchanged_since_the_build_are_checked_by_size_and_time_not_hashed(seeds_copy: Path, tmp_path: Path,
                                                                                  fake_embedder, monkeypatch):
    import os
    import time

    from qa.corpus import articles as corpus

    old = time.time() - 60
    for path in seeds_copy.iterdir():
        os.utime(path, (old, old))
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    assert store.read_manifest(root)["corpus"]["stats"] is not None

    def no_hashing(files):
        raise AssertionError("hashed the sources")

    with monkeypatch.context() as patched:
        patched.setattr(corpus, "content_hash", no_hashing)
        open_engine(root, fake_embedder)
    edited = sorted(seeds_copy.iterdir())[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("a", "o", 1), encoding="utf-8")  # same size, new time: hashed, found stale
    assert f"1 file changed (seeds/{edited.name})" in check(store.load(root), fake_embedder, root)
    fresh = tmp_path / "fresh"
    build([seeds_copy], fresh, fake_embedder, progress=False)  # a source edited seconds ago: no stats to trust
    assert store.read_manifest(fresh)["corpus"]["stats"] is None


# Protects against: `qa ask --index DIR` refusing every question once a file is added to the index's source folder,
# and staying so after a rebuild that failed (issue 23): it answers from the index as built, with one warning line.
def test_ask_answers_from_a_stale_index_with_one_warning_naming_the_change_and_the_rebuild(seeds_copy: Path,
                                                                                           cli_env: dict):
    import subprocess
    import sys

    def qa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa", "-q", *args], cwd=seeds_copy.parent, env=cli_env,
                              capture_output=True, text=True)

    assert qa("build", "--source", "seeds", "--index", "index").returncode == 0
    (seeds_copy / "005_new.txt").write_text("Bupati Contoh meminta ASN netral. Ia berbicara di Kota Contoh.\n",
                                            encoding="utf-8")
    for added in ("1 file added (seeds/005_new.txt)", "2 files added (seeds/005_new.txt, seeds/006_rusak.txt)"):
        run = qa("ask", "--index", "index", "Siapa Sekda Jateng?")
        assert run.returncode == 0 and "Sumarno" in run.stdout, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and "index is stale" in lines[0] and added in lines[0], run.stderr
        assert "run `qa build --index index --source seeds` to rebuild it" in lines[0]
        (seeds_copy / "006_rusak.txt").write_bytes(b"Bukan UTF-8: \xff\xfe\n")  # the next rebuild fails on it
        failed = qa("build", "--source", "seeds", "--index", "index")
        assert failed.returncode != 0 and "UTF-8" in failed.stderr
