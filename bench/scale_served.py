"""Scale: a served index of a million passages, written by the real build code, opened and asked in a fresh process.

    .venv/bin/python bench/scale_served.py [--passages 1000000] [--base $QA_BENCH_CACHE/scale-local-2000]

The index is written by ``qa.index.build.finish`` (the FAISS index the build chooses for the size, BM25
shards, records with line offsets, a manifest with sha256 of every file): its articles are the base
index's real IndoSum articles repeated under new doc ids (``<doc_id>~<copy>``), its vectors are the
base's real ones followed by synthetic ones fitted to them (bench/calibrated.Interpolated). Then a
new process opens it as ``qa serve`` would (``qa.index.engine.engine_for``) and answers 200 questions
(100 IndoSum titles, in the corpus; 100 IDK-MRC dev questions, not): seconds to open with the page
cache warm and dropped (when allowed), resident memory after opening and after the questions,
ask() p50/p95 without and with the reader. Results go to $QA_BENCH_CACHE/scale.json ("served").
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrated, common  # noqa: E402

CACHE = Path(os.environ.get("QA_BENCH_CACHE") or Path.home() / ".cache" / "qa" / "bench")


def rss_mb() -> dict:
    """Resident memory in MB: all of it, anonymous (the process's own) and file-backed (memory-mapped index files,
    shared with the page cache and dropped first under pressure)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("VmRSS", "RssAnon", "RssFile"):
            found[{"VmRSS": "total", "RssAnon": "anon", "RssFile": "file"}[key]] = round(int(line.split()[1]) / 1024)
    return found


def write_index(base_root: Path, n: int, root: Path) -> dict:
    from qa.config import DEFAULT_MODEL
    from qa.corpus import articles as corpus
    from qa.index import build, records, store
    from qa.index.bm25 import LexicalIndex
    from qa.index.vectors import vector_matrix
    from qa.models.embed import make_embedder

    base = store.load(base_root)
    articles, passages = list(base.articles.values()), list(base.passages)
    real = np.asarray(vector_matrix(base.vectors), dtype=np.float32)
    generator = calibrated.Interpolated(real)
    sigma = generator.calibrate(real)
    by_id = {a.doc_id: a for a in articles}
    all_articles, all_passages = list(articles), list(passages)
    for copy in range(1, -(-n // len(passages))):
        for passage in passages[: n - copy * len(passages)]:
            doc_id = f"{passage.doc_id}~{copy}"
            if doc_id not in by_id:
                by_id[doc_id] = dataclasses.replace(by_id[passage.doc_id], doc_id=doc_id)
                all_articles.append(by_id[doc_id])
            number = passage.passage_id.rpartition("#")[2]
            all_passages.append(dataclasses.replace(passage, doc_id=doc_id, passage_id=f"{doc_id}#{number}"))
    texts = [build.indexed_text(by_id[p.doc_id], p) for p in all_passages]
    matrix = np.vstack([real, generator.sample(n - len(real), seed=n)]) if n > len(real) else real[:n]
    sources = [Path(s) if Path(s).is_absolute() else base_root / s for s in base.manifest["corpus"]["sources"]]
    embedder = make_embedder(DEFAULT_MODEL)
    started = time.perf_counter()
    build.finish(root, build.expected_spec(embedder), corpus.source_files(sources), sources, all_articles,
                 (records.passage_record(p, build.embed_hash(t)) for p, t in zip(all_passages, texts)), len(all_passages),
                 matrix, LexicalIndex.build(texts, progress=True),
                 engine={"kind": "bench: replicated articles, synthetic vectors"})
    seconds = time.perf_counter() - started
    folder = store.current_folder(root)
    return {"passages": n, "articles": len(all_articles), "real_vectors": len(real), "sigma": sigma,
            "index_and_write_s": round(seconds, 1), "faiss": store.read_manifest(root)["faiss"],
            "files_mb": {p.relative_to(folder).as_posix(): round(p.stat().st_size / 1e6, 1)
                         for p in sorted(folder.rglob("*")) if p.is_file() and p.stat().st_size > 1e6}}


def drop_page_cache() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def measure(root: Path, questions: list[str], cold: bool) -> dict:
    """In this (fresh) process: open the index as `qa serve` does, then ask."""
    dropped = drop_page_cache() if cold else False
    began = time.perf_counter()
    from qa.answering.ask import answer_with
    from qa.config import DEFAULT_MODEL
    from qa.index import engine, store

    imported = time.perf_counter()
    index = store.load(root)
    loaded = time.perf_counter()
    opened = engine.engine_for(root, DEFAULT_MODEL, reader=False)
    ready = time.perf_counter()
    out = {"cold": dropped, "import_s": round(imported - began, 2), "store_load_s": round(loaded - imported, 2),
           "engine_s": round(ready - loaded, 2), "rss_after_open_mb": rss_mb(), "passages": len(index.passages)}
    del index
    for reader in (False, True):
        chosen = engine.engine_for(root, DEFAULT_MODEL, reader=reader) if reader else opened
        answer_with(chosen, questions[0], k=5)
        ms = []
        for question in questions:
            started = time.perf_counter()
            answer_with(chosen, question, k=5)
            ms.append((time.perf_counter() - started) * 1000)
        key = "reader" if reader else "no_reader"
        out[key] = {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
                    "in_corpus_p50_ms": round(float(np.percentile(ms[: len(ms) // 2], 50)), 1),
                    "rss_after_mb": rss_mb()}
    return out


def questions() -> list[str]:
    titles = [json.loads(line)["title"] for line in
              (CACHE / "indosum-first-2000.jsonl").read_text(encoding="utf-8").splitlines()[:100]]
    dev = [json.loads(line)["question"] for line in
           (common.BENCHMARKS / "idkmrc" / "questions_dev.jsonl").read_text(encoding="utf-8").splitlines()[:100]]
    return titles + dev


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--base", type=Path, default=CACHE / "scale-local-2000")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the fresh process
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, questions(), args.cold)))
        return
    root = CACHE / f"served-{args.passages}"
    results = CACHE / "scale.json"
    out = json.loads(results.read_text()) if results.is_file() else {}
    served = {"machine": common.machine(), "index": write_index(args.base, args.passages, root), "runs": []}
    print(served["index"], flush=True)
    for cold in (False, True):
        done = subprocess.run([sys.executable, __file__, "--measure", str(root)] + (["--cold"] if cold else []),
                              capture_output=True, text=True, check=True)
        served["runs"].append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(served["runs"][-1], flush=True)
    out.setdefault("served", {})[str(args.passages)] = served
    results.write_text(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
