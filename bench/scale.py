"""Scale: the Ray build against the local one, and the index types from 20k to 1M passages.

    .venv/bin/python bench/scale.py build  [--articles 2000] [--throughput-articles 300]
    .venv/bin/python bench/scale.py search [--sizes 20000,50000,100000,1000000] [--ask-sizes 100000,1000000]
    .venv/bin/python bench/scale.py render

``build``: the IndoSum articles built locally and by Ray with two embedding actors (equality:
passages, ids, cosine, exact top-10), then build throughput of one and two actors on a subset.
``search``: vectors calibrated to the real ones of that build (bench/calibrated.py) at each size;
exact against IVF search (latency of one question on one thread, recall@10 against exact,
build seconds, nprobe sweep at the largest size), the IVF index's load time and RSS in a fresh
process, and ask() end to end at the ask sizes. ``render`` rewrites the "scale" section of
bench/RESULTS.md and bench/scale.png from $QA_BENCH_CACHE/scale.json. Run with ``nice``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrated, common, scale_report, synthetic  # noqa: E402
from qa import build as build_module  # noqa: E402
from qa import ray_build, store, vectors  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.embed import make_embedder  # noqa: E402
from qa.vectors import all_vectors  # noqa: E402

CACHE = Path(os.environ.get("QA_BENCH_CACHE") or Path.home() / ".cache" / "qa" / "bench")
RESULTS = CACHE / "scale.json"


def subset(n: int) -> Path:
    path = CACHE / f"indosum-first-{n}.jsonl"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(common.BENCHMARKS / "indosum_news" / "corpus.jsonl", encoding="utf-8") as src:
            path.write_text("".join(line for _, line in zip(range(n), src)), encoding="utf-8")
    return path


def titles(source: Path, n: int = 200) -> list[str]:
    return [json.loads(line)["title"] for line in source.read_text(encoding="utf-8").splitlines()[:n]]


def timed(fn, *args, **kwargs):
    load, started = os.getloadavg()[0], time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started, round((load + os.getloadavg()[0]) / 2, 1)


def measure_build(args: argparse.Namespace, out: dict) -> None:
    source, embedder = subset(args.articles), make_embedder(DEFAULT_MODEL)
    ray_build._connect(None, actors=2, threads=1)  # one local Ray for every build below (3 CPUs: 2 actors + tasks)
    local, local_s, local_load = timed(build_module.build, [source], CACHE / f"scale-local-{args.articles}", embedder,
                                       force=True, progress=False)
    ray, ray_s, ray_load = timed(ray_build.build, [source], CACHE / f"scale-ray-{args.articles}", DEFAULT_MODEL,
                                 actors=2, force=True, progress=False)
    a, b = store.load(CACHE / f"scale-ray-{args.articles}"), store.load(CACHE / f"scale-local-{args.articles}")
    va, vb = all_vectors(a.vectors), all_vectors(b.vectors)
    queries = embedder.encode_queries(titles(source))
    same_top = np.mean(np.all(a.vectors.search(queries, 10)[1] == b.vectors.search(queries, 10)[1], axis=1))
    out["equality"] = {"articles": local.articles, "passages": local.passages, "same_passages": list(a.passages) == list(b.passages),
                       "min_cosine": float((va * vb).sum(1).min()), "same_top10": float(same_top),
                       "queries": len(queries), "local_seconds": local_s, "local_load": local_load,
                       "ray_seconds": ray_s, "ray_load": ray_load,
                       "ray_pipeline_seconds": a.manifest["engine"]["pipeline_seconds"]}
    source = subset(args.throughput_articles)
    out["throughput"] = []
    for actors in (1, 2):
        result, seconds, load = timed(ray_build.build, [source], CACHE / f"scale-tp-{actors}", DEFAULT_MODEL,
                                      actors=actors, force=True, progress=False)
        pipeline = store.read_manifest(CACHE / f"scale-tp-{actors}")["engine"]["pipeline_seconds"]
        out["throughput"].append({"actors": actors, "passages": result.passages, "seconds": seconds,
                                  "pipeline_seconds": pipeline, "passages_per_s": result.passages / pipeline,
                                  "load": load})
        print(out["throughput"][-1], flush=True)


def latencies(search, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    found, ms = [], []
    for q in queries:
        started = time.perf_counter()
        found.append(search(q.reshape(1, -1))[0])
        ms.append((time.perf_counter() - started) * 1000)
    return np.vstack(found), ms


def pct(ms: list[float]) -> tuple[float, float]:
    return round(float(np.percentile(ms, 50)), 2), round(float(np.percentile(ms, 95)), 2)


def measure_search(args: argparse.Namespace, out: dict) -> None:
    import faiss

    bases = [store.load(Path(r)) for r in args.real]
    real = np.vstack([all_vectors(b.vectors) for b in bases])
    doc_ids = [f"{i}:{p.doc_id}" for i, b in enumerate(bases) for p in b.passages]
    embedder = make_embedder(DEFAULT_MODEL)
    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text(encoding="utf-8").splitlines()]
    queries = embedder.encode_queries(questions[:200])
    gen = calibrated.Calibrated(real, doc_ids)
    out["calibration"] = {"alpha": gen.alpha if args.no_calibrate else gen.calibrate(real), "real_passages": len(real),
                          "real_indexes": [b.manifest["corpus"]["sources"] for b in bases],
                          "compare": calibrated.compare(real, gen.sample(len(real), seed=1))}
    print(out["calibration"], flush=True)
    out["sizes"], out["ask"] = [], []
    faiss.omp_set_num_threads(1)
    largest = max(int(s) for s in args.sizes.split(","))
    for n in [int(s) for s in args.sizes.split(",")]:
        data = np.vstack([real, gen.sample(n - len(real), seed=n)]) if n > len(real) else real[:n]
        exact = faiss.IndexFlatIP(data.shape[1])
        exact.add(data)
        want, exact_ms = latencies(lambda q: exact.search(q, 10)[1], queries)
        del exact
        index, build_s, load = timed(vectors.vector_index, data)
        got, ivf_ms = latencies(lambda q: vectors.search(index, q, 10)[1], queries)
        recall = float(np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, got)]))
        row = {"n": n, "exact_ms": pct(exact_ms), "ivf_ms": pct(ivf_ms), "recall10": recall, "build_s": build_s,
               "build_load": load, "record": vectors.faiss_record(index)}
        out["sizes"].append(row)
        save(out)
        print({k: v for k, v in row.items() if k != "sweep"}, flush=True)
        if n == largest:
            row["load"] = load_in_fresh_process(index, n, queries)
            save(out)
            row["sweep"] = sweep(index, queries, want)
            save(out)
        if n in [int(s) for s in args.ask_sizes.split(",")]:
            out["ask"].append(measure_ask(bases[0], embedder, data, index, n, questions[:100]))
            save(out)
            print(out["ask"][-1], flush=True)
        del index, data


def save(out: dict) -> None:
    out["machine"] = common.machine()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1, default=float))


def sweep(index: vectors.Rescored, queries: np.ndarray, want: np.ndarray) -> list[list]:
    """Rows (nprobe, candidates re-scored, recall@10, p50 ms): the trade-off behind ivf_probes and RESCORE."""
    import faiss

    ivf, rows = faiss.extract_index_ivf(index.index), []
    configured, rescore = ivf.nprobe, vectors.RESCORE
    for probes in (8, 16, 32, 64, 128):
        for candidates in (50, 200):
            ivf.nprobe, vectors.RESCORE = probes, candidates
            got, ms = latencies(lambda q: vectors.search(index, q, 10)[1], queries)
            rows.append([probes, candidates, round(float(np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, got)])), 3),
                         pct(ms)[0]])
    ivf.nprobe, vectors.RESCORE = configured, rescore
    return rows


def load_in_fresh_process(index, n: int, queries: np.ndarray) -> dict:
    """Save the IVF index, then open it and answer 50 searches in a new process: seconds to open, RSS after."""
    folder = CACHE / f"scale-vectors-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    vectors.save(index, folder)
    np.save(folder / "queries.npy", queries[:50])
    script = ("import json, resource, sys, time; import numpy as np; t = time.perf_counter(); "
              "from qa import vectors; import faiss; a = time.perf_counter(); "
              f"i = vectors.open_index(__import__('pathlib').Path({str(folder)!r}), {vectors.faiss_record(index)!r}); "
              "b = time.perf_counter(); q = np.load(sys.argv[1]); [vectors.search(i, x.reshape(1, -1), 10) for x in q]; "
              "print(json.dumps({'import_s': a - t, 'open_s': b - a, "
              "'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", script, str(folder / "queries.npy")], capture_output=True, text=True,
                          env=env, check=True)
    files = {p.name: p.stat().st_size for p in folder.iterdir()}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "files_mb": {k: v / 1e6 for k, v in files.items()}}


def measure_ask(base, embedder, data: np.ndarray, index, n: int, questions: list[str]) -> dict:
    """ask() end to end (encode, IVF search, BM25 over n passages, rerank, quote) on the replicated corpus.

    The base index's passages are repeated up to n; ``data`` starts with the base's own vectors."""
    import resource

    from qa.answer import answer_with
    from qa.engine import Engine

    synthetic_index, _, _ = synthetic.replicate(base, n, CACHE, prebuilt=(data, index))
    engine = Engine(embedder=embedder, index=synthetic_index)
    answer_with(engine, questions[0], k=5)
    ms = []
    for q in questions:
        started = time.perf_counter()
        answer_with(engine, q, k=5)
        ms.append((time.perf_counter() - started) * 1000)
    return {"n": n, "ask_ms": pct(ms), "questions": len(questions),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=["build", "search", "render"])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--throughput-articles", type=int, default=300)
    parser.add_argument("--sizes", default="20000,50000,100000,1000000")
    parser.add_argument("--ask-sizes", default="100000,1000000")
    parser.add_argument("--no-calibrate", action="store_true", help="alpha 1 (quick trial runs)")
    parser.add_argument("--real", nargs="+", default=[str(CACHE / "scale-local-2000")],
                        help="real indexes (default onnx-int8) whose vectors calibrate the synthetic ones; the first is "
                             "replicated for ask()")
    parser.add_argument("--questions", default=str(common.BENCHMARKS / "idkmrc" / "questions_dev.jsonl"),
                        help="questions for the query vectors and ask() (the first 200 and 100)")
    args = parser.parse_args()
    out = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    if args.stage == "build":
        measure_build(args, out)
    elif args.stage == "search":
        measure_search(args, out)
    save(out)
    common.write_section("scale", scale_report.render(out))
    print(scale_report.render(out))


if __name__ == "__main__":
    main()
