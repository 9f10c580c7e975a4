"""The speed section of RESULTS.md and its plot, from the numbers bench/speed.py measured."""

from __future__ import annotations

import time
from pathlib import Path

import faiss
import numpy as np

from bench.common import table
from qa.config import CORES
from qa.index import vectors as qa_vectors

PLOT = Path(__file__).resolve().parent / "speed_latency.png"


def real_recall(vectors: np.ndarray, queries: np.ndarray) -> list[list]:
    """HNSW (the parameters `qa build` uses above the threshold) against exact search on real embeddings."""
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    graph = faiss.IndexHNSWFlat(vectors.shape[1], qa_vectors.HNSW_M, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = qa_vectors.HNSW_EF_CONSTRUCTION
    faiss.omp_set_num_threads(CORES)
    graph.add(vectors)
    faiss.omp_set_num_threads(1)
    rows = []
    for ef in (32, 64, 128, 256):
        graph.hnsw.efSearch = ef
        row = [len(vectors), ef]
        for k in (10, 50):
            _, want = exact.search(queries, k)
            _, got = graph.search(queries, k)
            row.append(round(float(np.mean([len(set(w) & set(g)) / k for w, g in zip(want, got)])), 4))
        started = time.perf_counter()
        for q in queries:
            graph.search(q.reshape(1, -1), 50)
        row.append(round((time.perf_counter() - started) / len(queries) * 1000, 3))
        rows.append(row)
    started = time.perf_counter()
    for q in queries:
        exact.search(q.reshape(1, -1), 50)
    rows.append([len(vectors), "exact (flat)", 1.0, 1.0, round((time.perf_counter() - started) / len(queries) * 1000, 3)])
    print(f"  {rows}", flush=True)
    return rows


def plot(curve: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = sorted((c for c in curve if "baseline" not in c["label"]), key=lambda c: c["passages"])
    sizes = [c["passages"] for c in points]
    fig, ax = plt.subplots(figsize=(9, 4.4), dpi=110)
    bottom = np.zeros(len(points))
    for part, colour in (("encode", "#8fb3d9"), ("vector", "#f2b36b"), ("lexical", "#9ccc8a"), ("rest", "#c9c9c9")):
        values = np.array([max(0.0, c[part]) for c in points])
        ax.fill_between(sizes, bottom, bottom + values, step=None, alpha=0.6, color=colour, label=f"{part} (p50)")
        bottom += values
    ax.plot(sizes, [c["p50"] for c in points], "o-", color="#1f4e79", label="ask() p50")
    ax.plot(sizes, [c["p95"] for c in points], "s--", color="#b03a2e", label="ask() p95")
    for c in curve:
        if "baseline" in c["label"]:
            ax.plot([c["passages"]], [c["p50"]], "x", color="black", markersize=9, label="seeds, torch fp32 p50 (baseline)")
    ax.set_xscale("log")
    ax.set_xlabel("passages (10k, 100k, 1M: synthetic vectors from IDK-MRC; 1M: exact search)")
    ax.set_ylabel("ms per question (warm, one at a time)")
    ax.set_title("ask() latency against index size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(PLOT)
    plt.close(fig)


def render(r: dict) -> str:
    """The Markdown of the speed section."""
    load = ", ".join(f"{x:.1f}" for x in r["load_before"])
    after = ", ".join(f"{x:.1f}" for x in r["load_after"])
    out = [f"Measured by `bench/speed.py` on {r['machine']}.",
           f"Load average (1, 5, 15 min) before: {load}; after: {after} (the machine is shared: ratios within this run "
           f"are more reliable than absolute times). Default encoder backend: `{r['default_backend']}`.", ""]
    out += ["**Index build** (passages per second; model already loaded; `qa build --force` in process):", "",
            table(["corpus", "passages", f"qa build ({r['default_backend']})", f"{r['default_backend']}, encode only",
                   f"{r.get('other_backend', 'onnx')}, encode only", "plain fp32 SentenceTransformer.encode", "build / plain"],
                  r["build"]), ""]
    if "split_10mb_s" in r:
        out += [f"Cleaning and splitting one 10 MB article into passages: {r['split_10mb_s']:.1f} s (target: under 60 s).", ""]
    rows = []
    for c in sorted(r["latency"], key=lambda c: c["passages"]):
        extra = ""
        if "recall@10" in c:
            extra = f"recall@10 {c['recall@10']:.3f}, recall@50 {c['recall@50']:.3f} vs exact"
        rows.append([c["label"], f"{c['passages']:,}", c["faiss"], round(c["p50"], 2), round(c["p95"], 2), round(c["encode"], 2),
                     round(c["vector"], 2), round(c["lexical"], 2), round(c["rest"], 2), extra])
    plot(r["latency"])
    out += ["**ask() latency**, warm, one question at a time, ms (components are medians):", "",
            table(["index", "passages", "FAISS", "p50", "p95", "encode", "vector search", "lexical", "rest", "recall"], rows),
            "", f"![ask() latency against index size]({PLOT.name})", ""]
    if r.get("recall"):
        out += ["**HNSW against exact search on real embeddings** (FacQA + IDK-MRC passages forced into a graph, "
                f"M={qa_vectors.HNSW_M}, efConstruction={qa_vectors.HNSW_EF_CONSTRUCTION}; dev questions as queries):", "",
                table(["passages", "efSearch", "recall@10", "recall@50", "ms per search (k=50, 1 thread)"], r["recall"]), ""]
    synthetic_rows = [[f"{c['passages']:,}", *row] for c in r["latency"] for row in c.get("recall_by_ef", [])]
    if synthetic_rows:
        out += ["**HNSW on the synthetic-vector indexes** against brute force over the same vectors "
                f"(efSearch {qa_vectors.HNSW_EF_SEARCH} is the default; FAISS build seconds: " +
                ", ".join(f"{c['passages']:,}: {c['faiss_build_s']:.0f} s" for c in r["latency"] if c.get("faiss_build_s")) + "):", "",
                table(["passages", "efSearch", "recall@10", "recall@50", "ms per search (k=50, 1 thread)"], synthetic_rows), ""]
    out += ["**Throughput**, 64 questions (FacQA + IDK-MRC dev), questions per second:", "",
            table(["passages", "questions", "one at a time", "batch-encoded", "speed-up"], r["throughput"]), ""]
    if r.get("quality"):
        out += ["**Backend quality**: R@5 (hybrid, `qa eval`'s evaluate) with an index built and queried by each "
                "backend, same code, same run; a default must stay within 0.005 of fp32:", "",
                table(["dev set", "onnx (fp32; the same vectors as torch)", "onnx-int8", "onnx-int8 − fp32"], r["quality"]), ""]
    out += ["**Encoder variants** on the same 20 IndoSum articles' passages and 50 questions "
            "(cosine to fp32 over the passages):", "",
            table(["variant", "passages/s", "one question p50 ms", "min cosine", "mean cosine"], r["encoders"]), ""]
    cold = r.get("cold_ask", {})
    out += ["**Cold start** (fresh process, seeds index, median of 3): " +
            "; ".join(f"`qa ask` with {b}: {s:.2f} s" for b, s in cold.items()) + ".", ""]
    for backend, (total, top) in r.get("imports", {}).items():
        out.append(f"- imports on the ask path with {backend}: {total:.2f} s; slowest: " +
                   ", ".join(f"{name} {seconds:.2f} s" for name, seconds in top))
    serve = r.get("serve")
    if serve:
        out += ["", f"**Serving** the seeds (`qa serve`, {r['default_backend']}): page up after {serve['page_s']:.1f} s, "
                f"first answer through the /ask API after {serve['first_answer_s']:.1f} s, then p50 "
                f"{serve['http_p50_ms']:.0f} ms per question over HTTP; peak RSS {serve['rss_peak_mib']:.0f} MiB."]
    else:
        out += ["", "**Serving**: qa/app.py is not there; not measured."]
    out += [f"\nNote: {note}." for note in r.get("notes", [])]
    out += ["", targets(r)]
    return "\n".join(out)


def targets(r: dict) -> str:
    """The issue's targets against this run's numbers."""
    def mark(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "MISSED")

    seeds = next((c for c in r["latency"] if c["label"].startswith("seeds") and "baseline" not in c["label"]), None)
    build = max((row[-1] for row in r.get("build", []) if row[1] >= 100), default=None)
    graph_1m = next((c for c in r["latency"] if c["passages"] >= 1_000_000 and c["faiss"] != "flat"), None)
    flat_1m = next((c for c in r["latency"] if c["passages"] >= 1_000_000), None)
    cold = r.get("cold_ask", {}).get(r["default_backend"])
    serve = r.get("serve") or {}
    lines = ["**Targets** (this run):",
             f"- ask() p50 on the seeds ≤ 10 ms: {seeds['p50']:.1f} ms, {mark(seeds['p50'] <= 10)}" if seeds else "",
             f"- build ≥ 2× plain fp32 encode with R@5 within 0.005: {build:.2f}×, {mark(build >= 2)}" if build else "",
             f"- cold `qa ask` ≤ 5 s: {cold:.2f} s, {mark(cold <= 5)}" if cold else "",
             f"- RSS serving the seeds ≤ 1 GB: {serve['rss_peak_mib']:.0f} MiB, {mark(serve['rss_peak_mib'] <= 1024)}"
             if serve else "",
             (f"- ask() p50 at 1M ≤ 25 ms with recall ≥ 0.99: {graph_1m['p50']:.1f} ms, recall@50 "
              f"{graph_1m.get('recall@50', float('nan')):.3f}, {mark(graph_1m['p50'] <= 25)}") if graph_1m else
             ("- ask() p50 at 1M ≤ 25 ms: not measured with the HNSW graph (building a 1M graph did not finish on this "
              f"shared machine); with exact search forced {flat_1m['p50']:.0f} ms, of which vector search "
              f"{flat_1m['vector']:.0f} ms; without it {flat_1m['p50'] - flat_1m['vector']:.0f} ms" if flat_1m else "")]
    return "\n".join(line for line in lines if line)
