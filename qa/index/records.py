"""The articles and passages of a stored index, read from their JSONL files when asked for.

Parsing every record at load costs seconds and gigabytes at a million passages (about 250k
articles). So each JSONL file is written with a line-offset array beside it
(``<file>.offsets.npy``: int64, one entry more than lines) and is memory-mapped; a record is
parsed when a question needs it, and the most recent are kept in a bounded cache. Articles are
found by ``doc_id`` through ``articles.ids.json`` (doc ids in row order, with the position of each
article's first passage), which is also how a passage is found by its id (``<doc_id>#<n>``).
"""

from __future__ import annotations

import json
import mmap
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence, overload

import numpy as np

from qa.corpus.articles import Article
from qa.corpus.passages import Passage
from qa.errors import BadIndexError

OFFSETS = ".offsets.npy"
ARTICLE_IDS = "articles.ids.json"
CACHED = 4096  # parsed records kept per file: a question touches about a hundred


def offsets_path(path: Path) -> Path:
    return path.with_name(path.name + OFFSETS)


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write one JSON object a line and the line-offset array beside it; returns the number of lines."""
    offsets = [0]
    with open(path, "wb") as out:
        for record in records:
            line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            out.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(offsets_path(path), np.asarray(offsets, dtype=np.int64), allow_pickle=False)
    return len(offsets) - 1


def passage_record(passage: Passage, embed_hash: str) -> dict:
    """A passage as ``passages.jsonl`` stores it: its place in its article, not its text (:func:`passage_of` reverses it)."""
    return {"passage_id": passage.passage_id, "doc_id": passage.doc_id, "start": passage.start, "end": passage.end,
            "sentences": [list(s) for s in passage.sentences], "embed_hash": embed_hash}


def passage_of(record: dict, article: Article) -> Passage:
    """The passage a stored record describes, its text sliced from its article."""
    return Passage(passage_id=record["passage_id"], doc_id=record["doc_id"], start=record["start"], end=record["end"],
                   text=article.text[record["start"] : record["end"]],
                   sentences=tuple(tuple(s) for s in record["sentences"]))


class Lines:
    """A JSONL file's records by line number, memory-mapped; checked against its offsets when opened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offsets = np.load(offsets_path(path), mmap_mode="r", allow_pickle=False)
        size = path.stat().st_size
        if self.offsets.dtype != np.int64 or self.offsets.ndim != 1 or not len(self.offsets) \
                or self.offsets[0] != 0 or self.offsets[-1] != size:
            raise ValueError(f"{offsets_path(path).name} does not match {path.name} ({size} bytes)")
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> dict:
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        try:
            if end <= start or self._map[end - 1 : end] != b"\n":
                raise ValueError("it does not end where its offset says")
            record = json.loads(self._map[start:end])
            if not isinstance(record, dict):
                raise ValueError("it is not a JSON object")
            return record
        except ValueError as exc:  # JSON and UTF-8 errors are ValueErrors too
            raise BadIndexError(f"{self.path} line {row + 1} is corrupt ({exc}); run `qa verify`, then `qa build` "
                                f"to rebuild the index") from exc


class StoredArticles(Mapping[str, Article]):
    """Articles by ``doc_id``, parsed on first use."""

    def __init__(self, lines: Lines, doc_ids: Sequence[str]) -> None:
        if len(doc_ids) != len(lines):
            raise ValueError(f"{ARTICLE_IDS} lists {len(doc_ids)} articles, {lines.path.name} holds {len(lines)}")
        self._rows = {doc_id: row for row, doc_id in enumerate(doc_ids)}
        self._parse = lru_cache(maxsize=CACHED)(self._article)
        self._lines = lines

    def _article(self, row: int) -> Article:
        return Article.from_dict(self._lines[row])

    def __getitem__(self, doc_id: str) -> Article:
        return self._parse(self._rows[doc_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class StoredPassages(Sequence[Passage]):
    """Passages by position (the FAISS and BM25 row), parsed on first use, their text sliced from their article."""

    def __init__(self, lines: Lines, articles: Mapping[str, Article]) -> None:
        self._lines, self._articles = lines, articles
        self._parse = lru_cache(maxsize=CACHED)(self._passage)

    def _passage(self, position: int) -> Passage:
        record = self._lines[position]
        return passage_of(record, self._articles[record["doc_id"]])

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, position: int) -> Passage: ...

    @overload
    def __getitem__(self, position: slice) -> list[Passage]: ...

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self._parse(i) for i in range(*position.indices(len(self)))]
        if not -len(self) <= position < len(self):
            raise IndexError(f"passage {position} of {len(self)}")
        return self._parse(position % len(self))

    def embed_hash(self, position: int) -> str:
        """The hash of the text embedded for this passage (what a rebuild reuses its vector by)."""
        return self._lines[position]["embed_hash"]


def write_article_ids(path: Path, doc_ids: Sequence[str], first: Mapping[str, int]) -> None:
    path.write_text(json.dumps([[d, first.get(d, -1)] for d in doc_ids], ensure_ascii=False), encoding="utf-8")


def read_article_ids(path: Path) -> tuple[list[str], dict[str, int]]:
    """Doc ids in row order, and each article's first passage position (articles without passages left out)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 2 for r in rows):
        raise ValueError(f"{path.name} is not a list of [doc_id, first passage] pairs")
    return [r[0] for r in rows], {r[0]: int(r[1]) for r in rows if r[1] >= 0}
