"""The index type for large corpora (IVF-PQ + exact re-score from float16 vectors) and how a large index is
checked: sampled hashes on load, every byte by `qa build` and `qa verify`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import faiss
import numpy as np
import pytest

from fakes import HashEmbedder
from qa.errors import BadIndexError
from qa.index import store, vectors
from qa.index.build import build


def clustered(rows: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors around 50 centres: structure for product quantisation to find, like real embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dim)).astype(np.float32)
    x = centres[rng.integers(0, 50, rows)] + 0.5 * rng.standard_normal((rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_ivf_is_chosen_above_the_threshold_and_rescoring_makes_it_agree_with_exact_search(monkeypatch, tmp_path):
    monkeypatch.setattr(vectors, "EXACT_SEARCH_BELOW", 500)
    monkeypatch.setattr(vectors, "PQ_M", 24)  # 2 dimensions a sub-quantizer, as 384 / 192 for the real model
    data, queries = clustered(3000, 48, 0), clustered(50, 48, 1)
    assert isinstance(vectors.vector_index(data[:400]), faiss.IndexFlatIP)
    index = vectors.vector_index(data)
    record = vectors.faiss_record(index)
    assert isinstance(index, vectors.Rescored) and record["kind"] == "ivf" and record["rescore"] == vectors.RESCORE
    assert record["codes"] == f"pq{vectors.PQ_M}x{vectors.PQ_BITS}fs" and record["nprobe"] == vectors.ivf_probes(record["lists"])
    exact = faiss.IndexFlatIP(48)
    exact.add(data)
    _, want = exact.search(queries, 10)
    scores, got = vectors.search(index, queries, 10)
    assert np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, got)]) >= 0.98
    exact_scores = np.einsum("qd,qkd->qk", queries, data[got])
    assert np.allclose(scores, exact_scores, atol=2e-3)  # exact scores from the float16 vectors, not PQ estimates
    vectors.save(index, tmp_path)
    reopened = vectors.open_index(tmp_path, record)
    assert isinstance(reopened.matrix, np.memmap) and reopened.matrix.dtype == np.float16
    assert np.array_equal(vectors.search(reopened, queries, 10)[1], got)
    assert np.allclose(vectors.all_vectors(reopened), data, atol=1e-3)
    assert vectors.vector_matrix(reopened) is reopened.matrix  # the view retrieval reads, not a copy


def test_lists_and_probes_grow_with_the_corpus():
    assert [vectors.ivf_lists(n) for n in (20_000, 100_000, 1_000_000, 10_000_000)] == [512, 1024, 4096, 16384]
    assert vectors.ivf_lists(1000) == 1000 // 39  # never fewer than 39 vectors a list
    assert [vectors.ivf_probes(vectors.ivf_lists(n)) for n in (20_000, 1_000_000)] == [64, 512]


@pytest.fixture
def many_articles(tmp_path: Path) -> Path:
    """400 short articles (enough passages to train product quantisation) as a .jsonl corpus."""
    rng = np.random.default_rng(5)
    words = ("pegawai negeri sipil netral pemilu bawaslu kampanye calon bupati gubernur camat sanksi laporan "
             "pengawas desa kepala dinas media sosial foto dukungan partai").split()
    path = tmp_path / "many.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(400):
            text = " ".join(" ".join(rng.choice(words, 12)).capitalize() + "." for _ in range(4))
            out.write(json.dumps({"doc_id": f"a{i}", "title": f"Berita {i}", "text": text}) + "\n")
    return path


def test_an_ivf_index_round_trips_through_the_index_folder_and_answers(monkeypatch, tmp_path, many_articles):
    from qa.answering.retrieve import search

    monkeypatch.setattr(vectors, "EXACT_SEARCH_BELOW", 2)
    monkeypatch.setattr(vectors, "PQ_M", 32)  # the fake's 64 dimensions, 2 a sub-quantizer
    embedder = HashEmbedder()
    build([many_articles], tmp_path / "index", embedder, progress=False)
    index = store.load(tmp_path / "index")
    assert isinstance(index.vectors, vectors.Rescored) and index.manifest["faiss"]["kind"] == "ivf"
    assert set(index.manifest["files"]) >= {"vectors.faiss", "vectors.f16.npy"}
    question = "sanksi pegawai negeri yang tidak netral"
    candidates, _ = search(index, embedder.encode_queries([question])[0], question, 5)
    assert len(candidates) == 5 and all(0 <= c.position < len(index.passages) for c in candidates)
    assert build([many_articles], tmp_path / "index", embedder, progress=False).skipped  # full verify passes


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_large_files_are_checked_by_sampled_blocks_on_load_and_in_full_by_verify(monkeypatch, tmp_path, seeds_copy,
                                                                                   cli_env):
    monkeypatch.setattr(store, "FULL_HASH_UP_TO", 0)  # every file counts as large
    monkeypatch.setattr(store, "SAMPLE_BLOCKS", 3)
    monkeypatch.setattr(store, "SAMPLE_BLOCK", 64)
    root = tmp_path / "index"
    build([seeds_copy], root, HashEmbedder(), progress=False)
    folder = store.current_folder(root)
    articles = folder / "articles.jsonl"
    size = articles.stat().st_size
    assert size > 1000  # room for bytes no sampled block covers

    flip(articles, size - 10)  # in the last block: found on load, without reading the whole file
    with pytest.raises(BadIndexError, match=r"articles\.jsonl does not match its sampled sha256.*qa build"):
        store.load(root)
    flip(articles, size - 10)
    store.load(root)

    hidden = 64 + (size // 2 - 64) // 2  # between the first and the middle block
    flip(articles, hidden)
    with pytest.raises(BadIndexError, match=r"articles\.jsonl does not match its sha256"):
        store.verify(root)
    done = subprocess.run([sys.executable, "-m", "qa", "verify", "--index", str(root)], env=cli_env,
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "articles.jsonl" in done.stderr
    assert not build([seeds_copy], root, HashEmbedder(), progress=False).skipped  # qa build hashes all and rebuilds
    store.verify(root)


def test_verify_reports_a_sound_index(tmp_path, seeds_copy, cli_env):
    root = tmp_path / "index"
    build([seeds_copy], root, HashEmbedder(), progress=False)
    done = subprocess.run([sys.executable, "-m", "qa", "verify", "--index", str(root)], env=cli_env,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "every byte matches" in done.stdout


def test_a_memory_mapped_input_gets_its_float16_copy_beside_it_not_in_ram(monkeypatch, tmp_path):
    monkeypatch.setattr(vectors, "EXACT_SEARCH_BELOW", 500)
    monkeypatch.setattr(vectors, "PQ_M", 24)
    data = clustered(3000, 48, 0)
    gathered = np.lib.format.open_memmap(tmp_path / "vectors.npy", mode="w+", dtype=np.float32, shape=data.shape)
    gathered[:] = data  # what a Ray build gathers from its actors' shards
    index = vectors.vector_index(gathered)
    assert isinstance(index.matrix, np.memmap) and Path(index.matrix.filename) == tmp_path / "vectors.f16.npy"
    assert np.array_equal(np.asarray(index.matrix), data.astype(np.float16))
    (tmp_path / "out").mkdir()
    vectors.save(index, tmp_path / "out")
    assert np.array_equal(np.load(tmp_path / "out" / vectors.F16_FILE), data.astype(np.float16))


def test_many_lists_are_found_through_an_hnsw_graph_and_survive_a_save(monkeypatch, tmp_path):
    monkeypatch.setattr(vectors, "EXACT_SEARCH_BELOW", 500)
    monkeypatch.setattr(vectors, "PQ_M", 24)
    monkeypatch.setattr(vectors, "HNSW_QUANTIZER_FROM", 64)  # 10M passages' 16,384 lists, scaled down
    data, queries = clustered(4000, 48, 0), clustered(50, 48, 1)
    index = vectors.vector_index(data)
    record = vectors.faiss_record(index)
    assert record["quantizer"] == "hnsw" and record["lists"] >= 64
    exact = faiss.IndexFlatIP(48)
    exact.add(data)
    want = exact.search(queries, 10)[1]
    got = vectors.search(index, queries, 10)[1]
    assert np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, got)]) >= 0.95
    vectors.save(index, tmp_path)
    assert np.array_equal(vectors.search(vectors.open_index(tmp_path, record), queries, 10)[1], got)
