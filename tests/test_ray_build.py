"""`qa build --engine ray`: the same index as a local build, on a local Ray and on a head + worker cluster,
and an embedding actor killed mid-build is retried, or the build fails in one line leaving the live index."""

from __future__ import annotations

import functools
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fakes import HashEmbedder, dying_factory, hash_factory
from qa.config import DEFAULT_MODEL
from qa.errors import QAError
from qa.index import store
from qa.index.build import build as local_build
from qa.index.ray_build import RayBuildError
from qa.index.ray_build import build as ray_build
from qa.index.vectors import all_vectors

# IndoSum articles in the CI equality test. The issue asks for all 2,000; on 2 cores that is about
# 9 extra minutes of embedding, so CI takes the first 200 (about 800 passages) and the 2,000-article
# run is measured once by hand (bench/RESULTS.md, "Ray build").
EQUALITY_ARTICLES = 200


@pytest.fixture(scope="module", autouse=True)
def fakes_travel_by_value():
    """Ray workers import this repository's ``qa`` but not ``tests/``: ship the fakes inside the pickles."""
    import fakes
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(fakes)
    yield
    cloudpickle.unregister_pickle_by_value(fakes)


def assert_same_index(ray_root: Path, local_root: Path, queries: np.ndarray) -> None:
    """Identical passages and ids, vectors within 1e-3 cosine, identical exact top-10."""
    a, b = store.load(ray_root), store.load(local_root)
    assert [p.passage_id for p in a.passages] == [p.passage_id for p in b.passages]
    assert list(a.passages) == list(b.passages)
    assert [a.passages.embed_hash(i) for i in range(len(a.passages))] == \
        [b.passages.embed_hash(i) for i in range(len(b.passages))]
    assert a.manifest["corpus"] == b.manifest["corpus"] and a.manifest["spec"] == b.manifest["spec"]
    va, vb = all_vectors(a.vectors), all_vectors(b.vectors)
    assert va.shape == vb.shape and float((va * vb).sum(1).min()) >= 1 - 1e-3
    assert a.manifest["faiss"]["kind"] == b.manifest["faiss"]["kind"] == "flat"
    k = min(10, len(va))
    assert np.array_equal(a.vectors.search(queries, k)[1], b.vectors.search(queries, k)[1])
    for question in ("Bawaslu mengawasi netralitas ASN", "pemilu di Jawa Tengah"):  # BM25 built by Ray tasks
        assert np.array_equal(a.lexical.scores(question), b.lexical.scores(question))


@pytest.fixture(scope="module")
def indosum_subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import BENCHMARKS

    corpus = BENCHMARKS / "indosum_news" / "corpus.jsonl"
    if not corpus.is_file():
        pytest.skip("../shared/benchmarks is not present")
    target = tmp_path_factory.mktemp("indosum") / "indosum.jsonl"
    with open(corpus, encoding="utf-8") as lines:
        target.write_text("".join(itertools.islice(lines, EQUALITY_ARTICLES)), encoding="utf-8")
    return target


def test_ray_build_equals_local_build_with_the_real_encoder(indosum_subset: Path, tmp_path: Path, cli_env: dict):
    from qa.models.embed import make_embedder

    embedder = make_embedder(DEFAULT_MODEL)
    local_build([indosum_subset], tmp_path / "local", embedder, progress=False)
    done = subprocess.run([sys.executable, "-m", "qa", "-q", "build", "--engine", "ray", "--actors", "2",
                           "--source", str(indosum_subset), "--index", str(tmp_path / "ray")],
                          env=cli_env, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "built (" in done.stdout
    titles = [json.loads(line)["title"] for line in indosum_subset.read_text(encoding="utf-8").splitlines()[:50]]
    assert_same_index(tmp_path / "ray", tmp_path / "local", embedder.encode_queries(titles))
    engine = store.read_manifest(tmp_path / "ray")["engine"]
    assert engine["kind"] == "ray" and engine["actors"] == 2 and engine["threads_per_actor"] == 1


def test_ray_build_on_a_head_and_a_worker_node(real_index: Path, tmp_path: Path):
    from ray.cluster_utils import Cluster

    from qa.models.embed import make_embedder

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    try:
        cluster.add_node(num_cpus=2)
        cluster.wait_for_nodes()
        from conftest import SEEDS

        result = ray_build([SEEDS], tmp_path / "index", DEFAULT_MODEL, address=cluster.address, actors=2,
                           progress=False)
    finally:
        cluster.shutdown()
    assert result.passages == store.read_manifest(real_index)["corpus"]["passages"] and not result.skipped
    assert store.read_manifest(tmp_path / "index")["engine"]["nodes"] == 2
    questions = ["Siapa Ketua Bawaslu Jawa Tengah?", "Kapan pemungutan suara?", "netralitas ASN"]
    assert_same_index(tmp_path / "index", real_index, make_embedder(DEFAULT_MODEL).encode_queries(questions))


def test_an_unchanged_corpus_is_not_rebuilt_on_ray(seeds_copy: Path, tmp_path: Path):
    root = tmp_path / "index"
    local_build([seeds_copy], root, HashEmbedder(), progress=False)
    before = store.current_folder(root)
    result = ray_build([seeds_copy], root, "test", factory=hash_factory, actors=1, progress=False)
    assert result.skipped and store.current_folder(root) == before  # no Ray started: nothing to do


def test_a_killed_embedding_actor_is_restarted_and_its_batch_retried(seeds_copy: Path, tmp_path: Path):
    marker = tmp_path / "kill-once"
    marker.write_text("")
    local_build([seeds_copy], tmp_path / "local", HashEmbedder(), progress=False)
    ray_build([seeds_copy], tmp_path / "ray", "test", factory=functools.partial(dying_factory, str(marker), True),
              actors=2, progress=False)
    assert not marker.exists() and Path(str(marker) + ".used").exists()  # an actor was killed ...
    queries = HashEmbedder().encode_queries(["Bawaslu", "ASN netral", "pemilu"])
    assert_same_index(tmp_path / "ray", tmp_path / "local", queries)  # ... and the build is still complete
    assert [p.name for p in (tmp_path / "ray").iterdir() if p.is_dir()] == [store.current_folder(tmp_path / "ray").name]


def test_an_actor_that_keeps_dying_fails_in_one_line_and_leaves_the_live_index(seeds_copy: Path, tmp_path: Path):
    root = tmp_path / "index"
    local_build([seeds_copy], root, HashEmbedder(), progress=False)
    live, files = store.current_folder(root), sorted(p.name for p in root.iterdir())
    marker = tmp_path / "kill-always"
    marker.write_text("")
    with pytest.raises(RayBuildError) as failure:
        ray_build([seeds_copy], root, "test", factory=functools.partial(dying_factory, str(marker), False),
                  actors=1, force=True, progress=False)
    message = str(failure.value)
    assert "\n" not in message and "untouched" in message and "--engine ray" in message
    assert store.current_folder(root) == live and sorted(p.name for p in root.iterdir()) == files
    assert len(store.load(root).passages) > 0


def test_corpus_errors_inside_ray_tasks_keep_their_one_line_message(tmp_path: Path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "latin1.txt").write_bytes("Pegawai negeri sipil harus netral dalam pemilu.\n".encode() + b"caf\xe9\n")
    with pytest.raises(QAError, match=r"latin1\.txt is not UTF-8.*--decode-errors replace"):
        ray_build([bad], tmp_path / "index", "test", factory=hash_factory, actors=1, progress=False)
    assert store.current_folder(tmp_path / "index") is None


# Protects against: BM25 shards built by Ray tasks scoring differently from the local build's shards.
def test_bm25_in_several_shards_built_by_ray_tasks_equals_the_local_build(seeds_copy: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    from qa.index import bm25

    monkeypatch.setattr(bm25, "SHARD_PASSAGES", 7)  # the seeds' passages in 3 shards, on both sides
    local_build([seeds_copy], tmp_path / "local", HashEmbedder(), progress=False)
    ray_build([seeds_copy], tmp_path / "ray", "test", factory=hash_factory, actors=2, progress=False)
    assert len(store.load(tmp_path / "ray").lexical._shards) == 3
    assert_same_index(tmp_path / "ray", tmp_path / "local", HashEmbedder().encode_queries(["Bawaslu", "ASN netral"]))
