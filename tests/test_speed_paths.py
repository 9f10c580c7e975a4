"""Correctness of the fast paths: the ONNX encoder backends and the zero-copy vector view (IVF: test_scale_index.py).

Speed itself is measured by bench/speed.py, never asserted here.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from qa.config import DEFAULT_MODEL
from qa.errors import BadIndexError, InputError
from qa.index import store, vectors
from qa.index.engine import check
from qa.models.embed import backend_name, make_embedder


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_vector_view_keeps_its_index_alive(monkeypatch):
    import gc

    data = _unit(300, 16, 2)
    for threshold in (10_000,):  # flat (the IVF index's float16 view: tests/test_scale_index.py)
        monkeypatch.setattr(vectors, "EXACT_SEARCH_BELOW", threshold)
        view = vectors.vector_matrix(vectors.vector_index(data))  # no other reference to the index
        gc.collect()
        _unit(5000, 16, 3)  # reuse freed memory, if any were freed
        assert np.array_equal(view, data) and not view.flags.writeable


def test_backend_setting_is_checked(monkeypatch):
    monkeypatch.delenv("QA_BACKEND", raising=False)
    assert backend_name(DEFAULT_MODEL) == "onnx-int8"
    assert backend_name("some/other-model") == "torch"
    monkeypatch.setenv("QA_BACKEND", "onnx")
    assert backend_name(DEFAULT_MODEL) == "onnx"
    assert backend_name(DEFAULT_MODEL, "torch") == "torch"
    monkeypatch.setenv("QA_BACKEND", "tensorrt")
    with pytest.raises(InputError, match="backend 'tensorrt' is unknown"):
        backend_name(DEFAULT_MODEL)


def test_an_index_built_with_one_backend_is_refused_with_another(tmp_path: Path, fake_embedder):
    from qa.index.build import build
    from conftest import SEEDS

    fake_embedder.backend = "onnx-int8"
    build([SEEDS], tmp_path / "index", fake_embedder, progress=False)
    index = store.load(tmp_path / "index")
    assert index.manifest["spec"]["backend"] == "onnx-int8"
    check(index, fake_embedder, tmp_path / "index")
    fake_embedder.backend = "torch"
    with pytest.raises(BadIndexError, match="built with backend 'onnx-int8', this setup has 'torch'.*QA_BACKEND=onnx-int8"):
        check(index, fake_embedder, tmp_path / "index")


@pytest.fixture(scope="module")
def torch_embedder():
    return make_embedder(DEFAULT_MODEL, "torch")


@pytest.mark.parametrize("backend, close", [("onnx", 0.99999), ("onnx-int8", 0.985)])
def test_onnx_backends_give_vectors_close_to_fp32(torch_embedder, backend: str, close: float):
    fast = make_embedder(DEFAULT_MODEL, backend)
    assert fast.backend == backend and fast.dim == torch_embedder.dim and fast.prompts() == torch_embedder.prompts()
    assert fast.fingerprint() != torch_embedder.fingerprint()
    texts = ["Siapa Ketua Bawaslu Jawa Tengah?", "ASN wajib netral " * 400, "ok"]  # the second is truncated at 512 tokens
    for method in ("encode_queries", "encode_passages"):
        got, want = getattr(fast, method)(texts), getattr(torch_embedder, method)(texts)
        assert got.dtype == np.float32 and got.shape == want.shape
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
        assert (got * want).sum(1).min() >= close
    one = fast.encode_queries(texts[:1])  # the single-question path (one thread, no batching)
    assert float(one[0] @ torch_embedder.encode_queries(texts[:1])[0]) >= close


def test_onnx_tokens_match_sentence_transformers(torch_embedder):
    fast = make_embedder(DEFAULT_MODEL, "onnx-int8")
    hf = torch_embedder._model.tokenizer
    for text in ("passage: Netralitas ASN di Pilkada Jateng 2024, kata M. Amin (26/9).", "query: " + "kata " * 900):
        want = hf([text], truncation=True, max_length=torch_embedder._model.max_seq_length)["input_ids"][0]
        assert fast._tokenizer.encode(text).ids == list(want)


def test_a_question_copies_no_stored_vectors_and_searches_on_one_thread(monkeypatch, tmp_path: Path, fake_embedder):
    """Per-question waste that once crept back: reconstructing vectors one by one, searching on every core."""
    from conftest import SEEDS
    from qa.answering.retrieve import search
    from qa.index.build import build

    build([SEEDS], tmp_path / "index", fake_embedder, progress=False)
    index = store.load(tmp_path / "index")

    def refuse(*args):
        raise AssertionError("reconstruct called while answering; use qa.index.vectors.vector_matrix")

    monkeypatch.setattr(faiss.IndexFlatIP, "reconstruct", refuse)
    monkeypatch.setattr(faiss.IndexFlat, "reconstruct", refuse)
    faiss.omp_set_num_threads(2)
    question = "Siapa Ketua Bawaslu Jawa Tengah?"
    candidates, _ = search(index, fake_embedder.encode_queries([question])[0], question, 5)
    assert candidates and faiss.omp_get_max_threads() == 1
