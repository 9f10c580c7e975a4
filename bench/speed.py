"""Speed and scale: build rate, ask() latency by index size, throughput, cold start, memory.

    .venv/bin/python bench/speed.py [--quick] [--indosum-articles 300] [--sizes 100000,1000000]

Prints each table and writes the speed section of bench/RESULTS.md and bench/speed_latency.png.
Every comparison (fp32 baseline against the default backend) is measured in the same run.
Large indexes are kept in $QA_BENCH_CACHE (default ~/.cache/qa/bench), outside the repo.
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

from bench import common, encoders, report, startup, synthetic  # noqa: E402
from qa.answering.ask import answer_with  # noqa: E402
from qa.answering.evaluate import evaluate, read_questions  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.corpus import articles as corpus  # noqa: E402
from qa.corpus.passages import split  # noqa: E402
from qa.index import store  # noqa: E402
from qa.index.engine import Engine, open_engine  # noqa: E402
from qa.models import model as model_files  # noqa: E402
from qa.models.embed import DEFAULT_BACKEND, make_embedder  # noqa: E402

from qa.answering import retrieve as retrieve_module  # noqa: E402
from qa.index import build as build_module  # noqa: E402
from qa.index import vectors as qa_vectors  # noqa: E402
ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("QA_BENCH_CACHE") or Path.home() / ".cache" / "qa" / "bench")
B = common.BENCHMARKS


def passage_texts(sources) -> list[str]:
    """Exactly the texts `qa build` embeds for these sources."""
    return [build_module.indexed_text(a, p) for a in corpus.load(sources)
            for p in split(a.doc_id, a.text, a.blocks, build_module.TARGET_WORDS, build_module.OVERLAP_WORDS)]


def indosum_subset(n: int) -> Path:
    path = CACHE / f"indosum-first-{n}.jsonl"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(B / "indosum_news" / "corpus.jsonl", encoding="utf-8") as src:
            path.write_text("".join(line for _, line in zip(range(n), src)), encoding="utf-8")
    return path


def split_seconds(megabytes: int = 10) -> float:
    """Seconds to clean and split one article of about ``megabytes`` MB into passages (was a limit in tests/)."""
    text = "Kalimat panjang tentang netralitas ASN di daerah, kata Bupati Contoh. " * (15_000 * megabytes)
    started = time.perf_counter()
    article = corpus._article("huge", text, "huge.txt")
    split(article.doc_id, article.text, article.blocks, build_module.TARGET_WORDS, build_module.OVERLAP_WORDS)
    return time.perf_counter() - started


def build_rate(label: str, sources, embedder, st, other) -> list:
    """`qa build` (forced, model already loaded) against plain fp32 SentenceTransformer.encode of the same texts."""
    texts = passage_texts(sources)
    started = time.perf_counter()
    st.encode(texts, prompt="passage: ", batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    plain = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    build_module.build(sources, CACHE / f"build-rate-{label.split()[0].lower()}", embedder, force=True, progress=False)
    built = len(texts) / (time.perf_counter() - started)
    rates = []
    for encoder in (embedder, other):
        started = time.perf_counter()
        encoder.encode_passages(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return [label, len(texts), round(built, 1), round(rates[0], 1), round(rates[1], 1), round(plain, 1),
            round(built / plain, 2)]


def latency(engine: Engine, questions: list[str], label: str) -> dict:
    """Warm ask() one question at a time, split into query encoding, vector search, lexical search and the rest."""
    spent = {"encode": 0.0, "vector": 0.0, "lexical": 0.0}

    def timed(part, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - t0
        return wrapper

    embedder, lexical = engine.embedder, engine.index.lexical
    original_search = retrieve_module.vector_search
    embedder.encode_queries = timed("encode", embedder.encode_queries)
    lexical.scores = timed("lexical", lexical.scores)
    retrieve_module.vector_search = timed("vector", original_search)
    rows = []
    try:
        for question in questions[:5]:
            answer_with(engine, question, k=5)
        for question in questions:
            spent.update(encode=0.0, vector=0.0, lexical=0.0)
            t0 = time.perf_counter()
            answer_with(engine, question, k=5)
            total = time.perf_counter() - t0
            rows.append([total, spent["encode"], spent["vector"], spent["lexical"]])
    finally:
        del embedder.encode_queries, lexical.scores
        retrieve_module.vector_search = original_search
    ms = np.array(rows) * 1000
    rest = ms[:, 0] - ms[:, 1:].sum(1)
    result = {"label": label, "passages": len(engine.index.passages), "faiss": engine.index.manifest["faiss"]["kind"],
              "p50": float(np.percentile(ms[:, 0], 50)), "p95": float(np.percentile(ms[:, 0], 95)),
              "encode": float(np.median(ms[:, 1])), "vector": float(np.median(ms[:, 2])),
              "lexical": float(np.median(ms[:, 3])), "rest": float(np.median(rest))}
    print(f"  {result}", flush=True)
    return result


def throughput(engine: Engine, questions: list[str]) -> list:
    """Questions per second answered one at a time against encoding them all in one batch first."""
    started = time.perf_counter()
    for question in questions:
        answer_with(engine, question, k=5)
    single = len(questions) / (time.perf_counter() - started)
    cleaned = [" ".join(q.split()) for q in questions]
    engine.embedder.encode_queries(cleaned[:4])  # warm the batch path too
    started = time.perf_counter()
    vectors = engine.embedder.encode_queries(cleaned)
    for question, vector in zip(cleaned, vectors):
        answer_with(engine, question, k=5, vector=vector)
    batched = len(questions) / (time.perf_counter() - started)
    return [len(engine.index.passages), len(questions), round(single, 1), round(batched, 1), round(batched / single, 2)]


def synthetic_points(curve: list, sizes: str, fast, questions: list[str], query_vectors: np.ndarray, save=None) -> None:
    """Latency and recall on synthetic-vector indexes; ``N:exact`` forces exact search (no graph build)."""
    for size in (s for s in sizes.split(",") if s):
        n, exact = int(size.split(":")[0]), size.endswith(":exact")
        index, vectors, seconds = synthetic.replicate(store.load(CACHE / "quality-idkmrc-onnx-int8"), n, CACHE, exact)
        curve.append(latency(Engine(fast, index), questions,
                             f"{n:,} (synthetic vectors{', exact search forced' if exact else ''})"))
        curve[-1]["faiss_build_s"] = seconds
        curve[-1]["recall_by_ef"] = synthetic.recall(index.vectors, vectors, query_vectors)
        configured = [r for r in curve[-1]["recall_by_ef"] if r[0] == qa_vectors.HNSW_EF_SEARCH]
        if configured:
            curve[-1]["recall@10"], curve[-1]["recall@50"] = configured[0][1], configured[0][2]
        del index, vectors
        if save:
            save(f"latency {n:,}")


def backend_quality(embedders: dict) -> list:
    """R@5 (hybrid, `qa eval`'s evaluate) on FacQA and IDK-MRC dev with an index built by each backend."""
    rows = []
    for dataset in ("facqa", "idkmrc"):
        questions = read_questions(B / dataset / "questions_dev.jsonl")
        row = [dataset]
        for backend, embedder in embedders.items():
            root = CACHE / f"quality-{dataset}-{backend}"
            build_module.build([B / dataset / "corpus.jsonl"], root, embedder, progress=False)
            row.append(round(evaluate(open_engine(root, embedder), questions, k=10).recall_at_5, 4))
        rows.append(row + [round(value - row[1], 4) for value in row[2:]])
        print(f"  {rows[-1]}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seeds only: no IndoSum, no large indexes, no quality check")
    parser.add_argument("--indosum-articles", type=int, default=100, help="IndoSum articles for the build-rate row")
    parser.add_argument("--sizes", default="10000,100000,1000000:exact",
                        help="synthetic index sizes for the latency curve; N:exact forces exact search (no graph build)")
    parser.add_argument("--questions", type=int, default=60, help="questions per latency measurement")
    parser.add_argument("--add-sizes", default="", help="only measure these synthetic sizes into the last run")
    parser.add_argument("--render", action="store_true", help="only rewrite RESULTS.md from the last run's speed.json")
    args = parser.parse_args()
    if args.add_sizes:  # measure more synthetic sizes into the last run's numbers (e.g. once a big graph is built)
        results = json.loads((CACHE / "speed.json").read_text())
        fast = make_embedder(DEFAULT_MODEL, DEFAULT_BACKEND)
        questions = [r["question"] for d in ("facqa", "idkmrc") for r in read_questions(B / d / "questions_dev.jsonl")]
        questions = questions[:: max(1, len(questions) // args.questions)][: args.questions]
        wanted = {int(size.split(":")[0]) for size in args.add_sizes.split(",") if size}
        results["latency"] = [c for c in results["latency"] if c["passages"] not in wanted or "real" in c["label"]]
        synthetic_points(results["latency"], args.add_sizes, fast, questions, fast.encode_queries(questions))
        results["latency"].sort(key=lambda c: (c["passages"], "baseline" not in c["label"]))
        results.setdefault("notes", []).append(f"{args.add_sizes} re-measured at {time.strftime('%H:%M UTC', time.gmtime())}, "
                                               f"load {os.getloadavg()[0]:.1f}")
        (CACHE / "speed.json").write_text(json.dumps(results, indent=1, default=str))
        args.render = True
    if args.render:
        body = report.render(json.loads((CACHE / "speed.json").read_text()))
        print(body)
        common.write_section("speed", body)
        return
    load_before = os.getloadavg()
    results: dict = {"machine": common.machine(), "load_before": load_before, "default_backend": DEFAULT_BACKEND}
    questions = [r["question"] for d in ("facqa", "idkmrc") for r in read_questions(B / d / "questions_dev.jsonl")]
    questions = questions[:: max(1, len(questions) // args.questions)][: args.questions]
    st = model_files.load(DEFAULT_MODEL)
    fast, fp32 = make_embedder(DEFAULT_MODEL, DEFAULT_BACKEND), make_embedder(DEFAULT_MODEL, "torch")
    other = make_embedder(DEFAULT_MODEL, "onnx" if DEFAULT_BACKEND != "onnx" else "onnx-int8")
    seeds = [ROOT / "seeds"]

    def save(stage: str) -> None:  # after every stage, so that a cut-short run still leaves its numbers
        results["load_after"] = os.getloadavg()
        (CACHE / "speed.json").write_text(json.dumps(results, indent=1, default=str))
        print(f"[{stage} done; load {results['load_after'][0]:.1f}]", flush=True)

    print("encoder variants", flush=True)
    results["encoders"] = encoders.compare(passage_texts([indosum_subset(20)]), questions[:50])
    save("encoders")
    print("build rate", flush=True)
    results["build"] = [build_rate("seeds", seeds, fast, st, other)]
    results["split_10mb_s"] = split_seconds(10)
    if not args.quick:
        results["build"].append(build_rate(f"IndoSum (first {args.indosum_articles} of 2,000 articles)",
                                           [indosum_subset(args.indosum_articles)], fast, st, other))
    save("build rate")
    print("latency", flush=True)
    seeds_torch, seeds_fast = CACHE / "seeds-torch", CACHE / "seeds-default"
    build_module.build(seeds, seeds_torch, fp32, progress=False)
    build_module.build(seeds, seeds_fast, fast, progress=False)
    curve = results["latency"] = [latency(open_engine(seeds_torch, fp32), questions, "seeds, torch fp32 (baseline)"),
                                  latency(open_engine(seeds_fast, fast), questions, f"seeds, {DEFAULT_BACKEND}")]
    engines = {"seeds": open_engine(seeds_fast, fast)}
    results["throughput"] = [throughput(engines["seeds"], questions[:64])]
    query_vectors = fast.encode_queries(questions)
    if not args.quick:
        synthetic_points(curve, args.sizes, fast, questions, query_vectors, save)
    print("cold start", flush=True)
    results["cold_ask"] = {DEFAULT_BACKEND: startup.cold_ask(seeds_fast, DEFAULT_BACKEND, runs=3),
                           "torch (1 run)": startup.cold_ask(seeds_torch, "torch", runs=1)}
    results["imports"] = {b: startup.import_profile(root, b) for b, root in ((DEFAULT_BACKEND, seeds_fast), ("torch", seeds_torch))}
    results["serve"] = startup.cold_serve(seeds_fast, DEFAULT_BACKEND, questions[:20])
    save("cold start")
    if not args.quick:
        print("backend quality", flush=True)
        # fp32 is measured through the onnx backend: its vectors equal torch's (cosine 1.0000, encoder table)
        results["quality"] = backend_quality({other.backend: other, fast.backend: fast} if other.backend == "onnx"
                                             else {fast.backend: fast, other.backend: other})
        results["other_backend"] = other.backend
        save("quality")
        engines["real"] = open_engine(CACHE / f"quality-idkmrc-{DEFAULT_BACKEND}", fast)  # real vectors
        curve.append(latency(engines["real"], questions, "IDK-MRC (real vectors)"))
        results["throughput"].append(throughput(engines["real"], questions[:64]))
        real = [np.array(qa_vectors.vector_matrix(open_engine(CACHE / f"quality-{d}-{DEFAULT_BACKEND}", fast).index.vectors))
                for d in ("facqa", "idkmrc")]
        results["recall"] = report.real_recall(np.vstack(real), query_vectors)
    curve.sort(key=lambda c: (c["passages"], "baseline" not in c["label"]))
    results["load_after"] = os.getloadavg()
    (CACHE / "speed.json").write_text(json.dumps(results, indent=1, default=str))
    body = report.render(results)
    print(body)
    common.write_section("speed", body)


if __name__ == "__main__":
    main()
