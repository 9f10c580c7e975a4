"""Scale: the Ray build against the local one, and the index types from 20k to 5M passages.

    .venv/bin/python bench/scale.py build  [--articles 2000] [--throughput-articles 600]
    .venv/bin/python bench/scale.py search [--sizes 20000,50000,100000,1000000,5000000]
    .venv/bin/python bench/scale_served.py [--passages 1000000]   (a served index: load, RSS, ask())
    .venv/bin/python bench/scale.py render

``build``: the IndoSum articles built locally and by Ray with two embedding actors (equality:
passages, ids, cosine, exact top-10), then build throughput of one and two actors on a subset.
``search``: the real vectors of the FacQA, IDK-MRC and IndoSum indexes followed by synthetic ones
fitted to them (bench/calibrated.Interpolated) up to each size; exact against IVF search for 300
real FacQA and IDK-MRC dev questions (latency of one question on one thread, recall@10 against
exact, build seconds; probes and candidates swept at 1M). ``render`` rewrites the "scale" section
of bench/RESULTS.md and bench/scale.png from $QA_BENCH_CACHE/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrated, common, scale_report  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.index import build as build_module  # noqa: E402
from qa.index import ray_build, store, vectors  # noqa: E402
from qa.index.vectors import all_vectors  # noqa: E402
from qa.models.embed import make_embedder  # noqa: E402

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
        with CpuAccount() as cpu:
            result, seconds, load = timed(ray_build.build, [source], CACHE / f"scale-tp-{actors}", DEFAULT_MODEL,
                                          actors=actors, force=True, progress=False)
        pipeline = store.read_manifest(CACHE / f"scale-tp-{actors}")["engine"]["pipeline_seconds"]
        out["throughput"].append({"actors": actors, "passages": result.passages, "seconds": seconds,
                                  "pipeline_seconds": pipeline, "passages_per_s": result.passages / pipeline,
                                  "load": load, "cpu_seconds": cpu.by_kind})
        print(out["throughput"][-1], flush=True)


class CpuAccount:
    """CPU seconds spent during a block by kind of process (embedding actors, this driver, Ray's other processes),
    from /proc, sampled every half second so that processes which exit are counted up to their last sample."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[str, float]] = {}
        self.by_kind: dict[str, float] = {}

    @staticmethod
    def _processes() -> dict[int, tuple[str, float]]:
        found, tick = {}, os.sysconf("SC_CLK_TCK")
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                name = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found[int(pid)] = (name, (int(stat[11]) + int(stat[12])) / tick)
        return found

    def _kind(self, pid: int, name: str) -> str:
        if pid == os.getpid():
            return "driver"
        if "MapWorker" in name or "_Encoder" in name:
            return "embedding actors"
        return "Ray and other processes"

    def _sample(self) -> None:
        for pid, (name, cpu) in self._processes().items():  # a process that is exiting shows an empty command line
            self.seen[pid] = (name or self.seen.get(pid, ("", 0.0))[0], cpu)

    def _watch(self) -> None:
        while not self.done.wait(0.5):
            self._sample()

    def __enter__(self) -> "CpuAccount":
        import threading

        self.before = {pid: cpu for pid, (_, cpu) in self._processes().items()}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._sample()
        self.done.set()
        self.thread.join()
        for pid, (name, cpu) in self.seen.items():
            kind = self._kind(pid, name)
            self.by_kind[kind] = round(self.by_kind.get(kind, 0.0) + cpu - self.before.get(pid, 0.0), 1)


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
    """Exact against IVF search at each size, on the real vectors of the ``--real`` indexes followed by synthetic ones
    fitted to them (bench/calibrated.Interpolated), with real questions whose gold passages are among the real ones."""
    import faiss

    bases = [store.load(Path(r)) for r in args.real]
    real = np.vstack([np.asarray(vectors.vector_matrix(b.vectors), dtype=np.float32) for b in bases])
    embedder = make_embedder(DEFAULT_MODEL)
    questions = [json.loads(line)["question"] for path in args.questions
                 for line in Path(path).read_text(encoding="utf-8").splitlines()[: args.per_set]]
    queries = embedder.encode_queries(questions)
    gen = calibrated.Interpolated(real)
    out["calibration"] = {"generator": "interpolated", "sigma": gen.calibrate(real), "real_passages": len(real),
                          "real_indexes": [b.manifest["corpus"]["sources"] for b in bases], "questions": len(questions),
                          "compare": calibrated.compare(real, gen.sample(len(real), seed=1))}
    print(out["calibration"], flush=True)
    out["sizes"] = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        data = np.vstack([real, gen.sample(n - len(real), seed=n)]) if n > len(real) else real[:n]
        faiss.omp_set_num_threads(2)
        want = faiss.knn(queries, data, 10, metric=faiss.METRIC_INNER_PRODUCT)[1]  # ground truth, batched
        faiss.omp_set_num_threads(1)
        _, exact_ms = latencies(lambda q, data=data: faiss.knn(q, data, 10, metric=faiss.METRIC_INNER_PRODUCT)[1], queries[:30])
        index, build_s, load = timed(vectors.vector_index, data)
        record = vectors.faiss_record(index)
        if record["kind"] == "flat":  # below the threshold the build keeps exact search; measure IVF anyway
            saved, vectors.EXACT_SEARCH_BELOW = vectors.EXACT_SEARCH_BELOW, 0
            index, build_s, load = timed(vectors.vector_index, data)
            vectors.EXACT_SEARCH_BELOW = saved
            record = vectors.faiss_record(index)
        got, ivf_ms = latencies(lambda q, index=index: vectors.search(index, q, 10)[1], queries)
        row = {"n": n, "exact_ms": pct(exact_ms), "ivf_ms": pct(ivf_ms), "recall10": recall(want, got),
               "build_s": build_s, "build_load": load, "record": record, "chosen": "flat" if n < vectors.EXACT_SEARCH_BELOW else "ivf"}
        if n == max(s for s in sizes if s <= 1_000_000):
            row["sweep"] = sweep(index, queries, want)
        out["sizes"].append(row)
        save(out)
        print({k: v for k, v in row.items() if k != "sweep"}, flush=True)
        del index, data


def recall(want: np.ndarray, got: np.ndarray) -> float:
    return round(float(np.mean([len(set(w) & set(g)) / 10 for w, g in zip(want, got)])), 4)


def save(out: dict) -> None:
    out["machine"] = common.machine()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1, default=float))


def sweep(index: vectors.Rescored, queries: np.ndarray, want: np.ndarray) -> list[list]:
    """Rows (nprobe, candidates re-scored, recall@10, p50 ms): the trade-off behind ivf_probes and RESCORE."""
    import faiss

    ivf, rows = faiss.extract_index_ivf(index.index), []
    configured, rescore = ivf.nprobe, vectors.RESCORE
    for probes in (32, 64, 128, 256, 512):
        for candidates in (200, 1000, 4000):
            ivf.nprobe, vectors.RESCORE = probes, candidates
            got, ms = latencies(lambda q: vectors.search(index, q, 10)[1], queries)
            rows.append([probes, candidates, recall(want, got), pct(ms)[0]])
    ivf.nprobe, vectors.RESCORE = configured, rescore
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=["build", "search", "render"])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--throughput-articles", type=int, default=300)
    parser.add_argument("--sizes", default="20000,50000,100000,1000000,5000000")
    parser.add_argument("--real", nargs="+", default=[str(CACHE / "quality" / "facqa"), str(CACHE / "quality" / "idkmrc"),
                                                      str(CACHE / "scale-local-2000")],
                        help="real indexes (default onnx-int8) whose vectors come first and fit the synthetic ones")
    parser.add_argument("--questions", nargs="+", default=[str(common.BENCHMARKS / s / "questions_dev.jsonl")
                                                           for s in ("facqa", "idkmrc")],
                        help="questions whose gold passages are in the real indexes")
    parser.add_argument("--per-set", type=int, default=150, help="questions taken from each file")
    parser.add_argument("--pq-m", type=int, help="sub-quantizers of the IVF codes (default qa.index.vectors.PQ_M; 96 = 48 bytes)")
    args = parser.parse_args()
    out = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    if args.pq_m:
        vectors.PQ_M = args.pq_m
    if args.stage == "build":
        measure_build(args, out)
    elif args.stage == "search":
        measure_search(args, out)
    save(out)
    common.write_section("scale", scale_report.render(out))
    print(scale_report.render(out))


if __name__ == "__main__":
    main()
