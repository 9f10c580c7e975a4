"""The index on disk: a folder of plain files, checked on load, replaced atomically on build.

    index/
      CURRENT              name of the live build folder (replaced with os.replace)
      .lock                held by the one build allowed at a time
      build-<id>/
        manifest.json      spec (model, settings: qa.index.spec), corpus hash, counts, versions, sha256 of every file
        articles.jsonl     each article's text as loaded, metadata, content blocks and (a PDF's) page starts
        passages.jsonl     passage ids, offsets, sentence offsets, hash of the embedded text
        *.jsonl.offsets.npy  byte offset of each line (records are parsed when asked for: qa.index.records)
        articles.ids.json  doc ids in row order, with each article's first passage
        vectors.faiss      FAISS inner-product index: exact over float32 vectors, or IVF fast-scan PQ codes
        vectors.f16.npy    (IVF only) the float16 vectors its candidates are re-scored from, memory-mapped
        lexical/           BM25 shards (qa.index.bm25): bm25s arrays (.npy without pickle), JSON vocabularies

A build writes a new folder beside the live one and then swaps ``CURRENT``: killed at any
point, it leaves the previous index loadable.

Checks: every load compares every file's size with the manifest, hashes files up to
``FULL_HASH_UP_TO`` bytes in full and larger ones in ``SAMPLE_BLOCKS`` blocks spread over the
file (first and last included), so a 1M-passage index opens without reading gigabytes; FAISS
and NumPy check their own headers and shapes; a record is checked against its line offsets
when it is parsed. ``qa build`` (before keeping an index) and ``qa verify`` hash every byte.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import faiss

from qa.corpus.articles import Article
from qa.corpus.passages import Passage
from qa.errors import BadIndexError, IndexBusyError, IndexWriteError
from qa.index import records
from qa.index import vectors as vector_files
from qa.index.bm25 import LexicalIndex

FORMAT = 3  # 2: the build settings are one "spec" (qa.index.spec); 3: records parsed on demand (line offsets)
MANIFEST = "manifest.json"
DATA_FILES = ("articles.jsonl", "passages.jsonl", "articles.jsonl" + records.OFFSETS, "passages.jsonl" + records.OFFSETS,
              records.ARTICLE_IDS, vector_files.FAISS_FILE)
FULL_HASH_UP_TO = 16 << 20  # bytes; larger files are hashed in sampled blocks on load, in full by verify
SAMPLE_BLOCKS, SAMPLE_BLOCK = 16, 1 << 16


@dataclass(frozen=True)
class Index:
    """A loaded index: everything a question needs, open (records are parsed when asked for: :mod:`qa.index.records`)."""

    folder: Path
    manifest: dict
    articles: Mapping[str, Article]
    passages: Sequence[Passage]
    first_passage: Mapping[str, int]  # doc_id -> position of the article's first passage
    vectors: faiss.Index | vector_files.Rescored
    lexical: LexicalIndex

    def passage(self, passage_id: str) -> Passage | None:
        """The passage with this id (``<doc_id>#<n>``), or None when the index has none."""
        doc_id, _, n = passage_id.rpartition("#")
        first = self.first_passage.get(doc_id)
        if first is None or not n.isdigit() or first + int(n) >= len(self.passages):
            return None
        found = self.passages[first + int(n)]
        return found if found.passage_id == passage_id else None


def _rebuild_hint(root: Path) -> str:
    return f"run `qa build --index {root}` to rebuild it"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sampled_sha256(path: Path) -> str:
    """sha256 of ``SAMPLE_BLOCKS`` blocks spread evenly over the file, first and last included."""
    size = path.stat().st_size
    last = max(0, size - SAMPLE_BLOCK)
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as handle:
        for offset in sorted({last * i // (SAMPLE_BLOCKS - 1) for i in range(SAMPLE_BLOCKS)}):
            handle.seek(offset)
            digest.update(handle.read(SAMPLE_BLOCK))
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_folder(root: Path) -> Path | None:
    """The live build folder named by ``CURRENT``, or None when no index was ever built."""
    pointer = root / "CURRENT"
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    if not name.startswith("build-") or "/" in name:
        raise BadIndexError(f"{pointer} does not name a build folder; {_rebuild_hint(root)}")
    return root / name


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the index's build lock; a second build refuses at once instead of racing."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(f"another `qa build` is writing {root}; wait for it to finish and run it again") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_files(tmp: Path, manifest: dict, build_id: str, articles: list[Article], passage_records: Iterable[dict],
                 vectors: faiss.Index | vector_files.Rescored, lexical: LexicalIndex) -> None:
    """Write every file of a build into ``tmp`` and fsync them; passage records are streamed, in index order."""
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    records.write_jsonl(tmp / "articles.jsonl", (article.to_dict() for article in articles))
    first: dict[str, int] = {}

    def noting_first(rows: Iterable[dict]) -> Iterator[dict]:
        for position, row in enumerate(rows):
            first.setdefault(row["doc_id"], position)
            yield row

    records.write_jsonl(tmp / "passages.jsonl", noting_first(passage_records))
    records.write_article_ids(tmp / records.ARTICLE_IDS, [a.doc_id for a in articles], first)
    vector_files.save(vectors, tmp)
    lexical.save(tmp / "lexical")
    files = sorted(p for p in tmp.rglob("*") if p.is_file())
    manifest = {**manifest, "format": FORMAT, "build_id": build_id,
                "files": {p.relative_to(tmp).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p),
                                                          "sampled_sha256": _sampled_sha256(p)} for p in files}}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    for path in files + [tmp / MANIFEST, tmp / "lexical", tmp]:
        _fsync(path)


def write(root: Path, build_id: str, manifest: dict, articles: list[Article], passage_records: Iterable[dict],
          vectors: faiss.Index | vector_files.Rescored, lexical: LexicalIndex) -> Path:
    """Write a complete build beside the live one, then make it live with one atomic rename.

    The caller holds :func:`build_lock`. Older builds and leftovers of killed builds are removed
    only after the swap.
    """
    tmp, final = root / f".tmp-{build_id}", root / f"build-{build_id}"
    try:
        _write_files(tmp, manifest, build_id, articles, passage_records, vectors, lexical)
        os.replace(tmp, final)
        pointer_tmp = root / "CURRENT.tmp"
        pointer_tmp.write_text(final.name + "\n", encoding="utf-8")
        _fsync(pointer_tmp)
        os.replace(pointer_tmp, root / "CURRENT")
        _fsync(root)
    except (OSError, RuntimeError) as exc:  # RuntimeError: FAISS reports a failed write that way
        shutil.rmtree(tmp, ignore_errors=True)
        if current_folder(root) != final:
            shutil.rmtree(final, ignore_errors=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).strip().splitlines()[-1]
        raise IndexWriteError(f"cannot write the index in {root} ({reason}); the previous index is intact; "
                              f"free space or fix permissions and run `qa build` again") from exc
    for stale in root.iterdir():
        if stale.is_dir() and stale != final and (stale.name.startswith(("build-", ".tmp-", ".shards-"))):
            shutil.rmtree(stale, ignore_errors=True)
    return final


def read_manifest(root: Path, formats: tuple[int, ...] = (FORMAT,)) -> dict | None:
    """The live build's manifest, or None when there is no index at ``root``."""
    folder = current_folder(root)
    if folder is None:
        return None
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadIndexError(f"{path} is missing; {_rebuild_hint(root)}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadIndexError(f"{path} is not valid JSON (corrupt or truncated); {_rebuild_hint(root)}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in formats or "files" not in manifest \
            or (manifest["format"] == FORMAT and not isinstance(manifest.get("spec"), dict)):
        raise BadIndexError(f"{path} is not a format-{FORMAT} qa manifest; {_rebuild_hint(root)}")
    return manifest


def verify_files(root: Path, folder: Path, manifest: dict, full: bool = True,
                 required: tuple[str, ...] = DATA_FILES) -> None:
    """Every file the manifest lists exists with its recorded size and sha256, and it lists the ``required`` ones.

    ``full=False`` (loading) hashes files above ``FULL_HASH_UP_TO`` bytes in sampled blocks only.
    """
    for name in required:
        if name not in manifest["files"]:
            raise BadIndexError(f"{folder / MANIFEST} does not list {name}; {_rebuild_hint(root)}")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BadIndexError(f"{path} is missing; {_rebuild_hint(root)}")
        if path.stat().st_size != expected["bytes"]:
            raise BadIndexError(f"{path} has {path.stat().st_size} bytes, the manifest says {expected['bytes']} "
                                f"(truncated or changed); {_rebuild_hint(root)}")
    for name, expected in manifest["files"].items():
        path = folder / name
        if full or expected["bytes"] <= FULL_HASH_UP_TO or "sampled_sha256" not in expected:
            if _sha256(path) != expected["sha256"]:
                raise BadIndexError(f"{path} does not match its sha256 in the manifest (corrupt); {_rebuild_hint(root)}")
        elif _sampled_sha256(path) != expected["sampled_sha256"]:
            raise BadIndexError(f"{path} does not match its sampled sha256 in the manifest (corrupt); "
                                f"{_rebuild_hint(root)}")


def _checked(root: Path, full: bool) -> tuple[dict, Path]:
    """The live build's manifest and folder, its files checked (every byte with ``full``, else sampled when large)."""
    manifest = read_manifest(root)
    if manifest is None:
        raise BadIndexError(f"no index at {root}; run `qa build --source seeds --index {root}` to build one")
    folder = current_folder(root)
    assert folder is not None
    verify_files(root, folder, manifest, full=full)
    return manifest, folder


def verify(root: Path) -> dict:
    """Hash every byte of the live build against its manifest (``qa verify``); returns the manifest."""
    return _checked(root, full=True)[0]


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load(root: Path) -> Index:
    """Load and check the live build at ``root`` (model checks are the caller's)."""
    manifest, folder = _checked(root, full=False)
    try:
        doc_ids, first = records.read_article_ids(folder / records.ARTICLE_IDS)
        articles = records.StoredArticles(records.Lines(folder / "articles.jsonl"), doc_ids)
        passages = records.StoredPassages(records.Lines(folder / "passages.jsonl"), articles)
        for position in {0, len(passages) - 1} - {-1}:  # parse the first and last records now: a broken file fails here
            passages[position]
        vectors = vector_files.open_index(folder, manifest.get("faiss", {}))
        lexical = LexicalIndex.load(folder / "lexical")
    except (KeyError, TypeError, ValueError, RuntimeError, OSError) as exc:
        raise BadIndexError(f"{folder} cannot be read ({type(exc).__name__}: {exc}); {_rebuild_hint(root)}") from exc
    counts = manifest["corpus"]
    if vectors.ntotal != len(passages) or len(passages) != counts["passages"] or len(articles) != counts["articles"]:
        raise BadIndexError(f"{folder} holds {vectors.ntotal} vectors for {len(passages)} passages "
                            f"(manifest: {counts['passages']}); {_rebuild_hint(root)}")
    if vectors.d != manifest["spec"]["dim"]:
        raise BadIndexError(f"{folder / 'vectors.faiss'} has dimension {vectors.d}, the manifest says "
                            f"{manifest['spec']['dim']}; {_rebuild_hint(root)}")
    return Index(folder=folder, manifest=manifest, articles=articles, passages=passages, first_passage=first,
                 vectors=vectors, lexical=lexical)


def stored_vectors(root: Path) -> tuple[dict, list[str], faiss.Index | vector_files.Rescored] | None:
    """The live build's manifest, embedded-text hashes and vectors, checked, for reuse by a rebuild.

    Unlike :func:`load` it also reads format-1 and 2 indexes, so that upgrading does not re-embed.
    """
    manifest = read_manifest(root, formats=(1, 2, FORMAT))
    if manifest is None:
        return None
    folder = current_folder(root)
    assert folder is not None
    verify_files(root, folder, manifest, required=("passages.jsonl", vector_files.FAISS_FILE))  # what every format has
    hashes = [r["embed_hash"] for r in _jsonl(folder / "passages.jsonl")]
    return manifest, hashes, vector_files.open_index(folder, manifest.get("faiss", {}))
