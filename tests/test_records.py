"""Records parsed on demand: line offsets, lookups by doc id and passage id, and what a broken file gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.errors import BadIndexError
from qa.index import records, store
from qa.index.build import build


def test_lines_are_read_by_number_and_checked_against_their_offsets(tmp_path: Path):
    path = tmp_path / "rows.jsonl"
    assert records.write_jsonl(path, ({"n": i, "text": "é" * i} for i in range(5))) == 5
    lines = records.Lines(path)
    assert len(lines) == 5 and [lines[i]["n"] for i in range(5)] == [0, 1, 2, 3, 4] and lines[4]["text"] == "éééé"
    offsets = np.load(records.offsets_path(path))
    offsets[2] += 1  # a line start moved: the record no longer parses where the offsets say
    np.save(records.offsets_path(path), offsets)
    with pytest.raises(BadIndexError, match=r"rows\.jsonl line 2 is corrupt \(it does not end where its offset says\); "
                                            r"run `qa verify`"):
        records.Lines(path)[1]
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match="does not match rows.jsonl"):
        records.Lines(path)


def test_a_loaded_index_finds_articles_and_passages_by_id_and_parses_only_what_is_asked(seeds_copy: Path,
                                                                                       tmp_path: Path, fake_embedder):
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    index = store.load(root)
    assert isinstance(index.passages, records.StoredPassages)
    assert index.passages._parse.cache_info().currsize <= 2  # the load parsed the first and last records only
    every = list(index.passages)
    for position in (0, 7, len(every) - 1):
        passage = every[position]
        assert index.passage(passage.passage_id) == passage
        assert index.articles[passage.doc_id].text[passage.start : passage.end] == passage.text
    assert index.passages[-1] == every[-1] and index.passages[2:4] == every[2:4]
    assert index.passage(every[0].doc_id + "#999") is None and index.passage("nothing#0") is None
    assert index.passage(every[0].doc_id + "#x") is None
    assert sorted(index.articles) == sorted({p.doc_id for p in every}) and len(index.articles) == 5
    with pytest.raises(IndexError):
        index.passages[len(every)]


def test_bm25_in_shards_scores_every_passage_as_one_index_does(tmp_path: Path):
    from qa.index.bm25 import LexicalIndex

    texts = [f"ASN {word} netral dalam pemilu nomor {i} di kabupaten {i % 7}" for i, word in
             enumerate(["wajib", "harus", "tetap", "menjaga", "dilarang", "boleh", "tidak"] * 9)]
    texts += ["Bawaslu mengawasi kampanye calon kepala daerah " * (1 + i % 3) for i in range(20)]
    whole, sharded = LexicalIndex.build(texts), LexicalIndex.build(texts, shard_passages=25)
    assert len(sharded._shards) == 4 and sharded.passages == whole.passages == len(texts)
    sharded.save(tmp_path / "lexical")
    opened = LexicalIndex.load(tmp_path / "lexical")
    for question in ("asn wajib netral di kabupaten 3", "bawaslu mengawasi kampanye", "tidak ada kata ini: zzz"):
        a, b = whole.scores(question), opened.scores(question)
        assert a.shape == b.shape == (len(texts),)
        assert np.array_equal(a > 0, b > 0)  # the same passages match
        # the idf is the corpus's in every shard; what differs is each shard's mean passage length
        assert np.corrcoef(a, b)[0, 1] > 0.97 if a.any() else not b.any()
    assert opened.idf() == pytest.approx(whole.idf())


# Protects against: a record broken after the load's sampled check ending in a traceback instead of one line.
def test_a_record_corrupted_inside_a_large_file_fails_in_one_line_when_asked_and_verify_finds_it(
        seeds_copy: Path, tmp_path: Path, fake_embedder, monkeypatch):
    from qa.index.engine import open_engine

    monkeypatch.setattr(store, "FULL_HASH_UP_TO", 0)  # every file is "large": the load samples 16 blocks of 64 bytes
    monkeypatch.setattr(store, "SAMPLE_BLOCK", 64)
    root = tmp_path / "index"
    build([seeds_copy], root, fake_embedder, progress=False)
    path = store.current_folder(root) / "passages.jsonl"
    data = bytearray(path.read_bytes())
    last = len(data) - store.SAMPLE_BLOCK
    sampled = {last * i // (store.SAMPLE_BLOCKS - 1) for i in range(store.SAMPLE_BLOCKS)}
    starts = [int(o) for o in records.Lines(path).offsets[1:-2]]  # neither the first nor the last record
    hit = next(o + 1 for o in starts if not any(b <= o + 1 < b + store.SAMPLE_BLOCK for b in sampled))
    data[hit] = ord("#")  # a record no longer JSON, in a byte the load's sampled hash does not read
    path.write_bytes(bytes(data))
    engine = open_engine(root, fake_embedder)
    with pytest.raises(BadIndexError, match=r"passages\.jsonl line \d+ is corrupt .*qa verify") as failure:
        list(engine.index.passages)
    assert "\n" not in str(failure.value)
    with pytest.raises(BadIndexError, match="does not match its sha256"):
        store.verify(root)
