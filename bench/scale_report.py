"""The "scale" section of bench/RESULTS.md and bench/scale.png, from the numbers bench/scale.py measured."""

from __future__ import annotations

from pathlib import Path

from bench.common import table

PLOT = Path(__file__).resolve().parent / "scale.png"
DIM = 384


def plot(sizes: list[dict], asks: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    n = [s["n"] for s in sizes]
    ax.plot(n, [s["exact_ms"][0] for s in sizes], "o-", label="exact search, p50")
    ax.plot(n, [s["ivf_ms"][0] for s in sizes], "s-", label="IVF-PQ + re-score, p50")
    if asks:
        ax.plot([a["n"] for a in asks], [a["ask_ms"][0] for a in asks], "^-", label="ask() end to end (IVF), p50")
    for s in sizes:
        ax.annotate(f"R@10 {s['recall10']:.3f}", (s["n"], s["ivf_ms"][0]), textcoords="offset points", xytext=(4, -12),
                    fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages (calibrated synthetic vectors beyond the 8k real ones)")
    ax.set_ylabel("ms, one question, one thread")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=120)
    plt.close(fig)


def projections(r: dict) -> list[list]:
    """PROJECTED time and memory for 10M and 50M passages from the measured rates (labelled as such)."""
    rates = {t["actors"]: t["passages_per_s"] for t in r.get("throughput", [])}
    if "projection_rate" in r:  # a per-core rate given when this run's throughput is not usable (see notes)
        rates = {1: r["projection_rate"]}
    if 1 not in rates:
        return []
    per_core = rates[1]
    efficiency = rates.get(2, 2 * per_core) / (2 * per_core)
    big = max(r.get("sizes", [{}]), key=lambda s: s.get("n", 0), default={})
    files = big.get("load", {}).get("files_mb", {})
    code_bytes = files["vectors.faiss"] * 1e6 / big["n"] if "vectors.faiss" in files else 56  # 48 code + 8 id
    rows = []
    for passages in (10_000_000, 50_000_000):
        core_hours = passages / per_core / 3600
        for nodes, cores in ((10, 8), (100, 8)):
            hours = passages / (per_core * nodes * cores * min(1.0, efficiency)) / 3600
            rows.append([f"{passages / 1e6:.0f}M", f"{nodes} × {cores} cores", round(core_hours), round(hours, 1),
                         round(passages * code_bytes / 1e9, 2), round(passages * DIM * 2 / 1e9, 1),
                         round(passages * DIM * 4 / 1e9, 1)])
    return rows


def render(r: dict) -> str:
    lines = [f"Measured {r.get('machine', '')}. Shared machine: a training job at higher priority ran throughout, "
             "so wall times are upper bounds; the load average during each build is given.", ""]
    lines += [f"- {note}" for note in r.get("notes", [])] + ([""] if r.get("notes") else [])
    eq = r.get("equality")
    if eq:
        lines += ["**Ray build = local build** (`bench/scale.py build`, IndoSum, default onnx-int8 encoder, Ray with 2 "
                  "embedding actors of one thread each against a local build on 2 threads):", "",
                  table(["articles", "passages", "same passages and ids", "min cosine", f"same exact top-10 ({eq['queries']} titles)",
                         "local s (load)", "Ray s (load)", "Ray pipeline s"],
                        [[eq["articles"], eq["passages"], eq["same_passages"], round(eq["min_cosine"], 6),
                          eq["same_top10"], f"{eq['local_seconds']:.0f} ({eq['local_load']})",
                          f"{eq['ray_seconds']:.0f} ({eq['ray_load']})", round(eq["ray_pipeline_seconds"])]]), ""]
    if r.get("throughput"):
        base = r["throughput"][0]["passages_per_s"]
        lines += ["**Build throughput by embedding actors** (Ray pipeline from reading to the last vector; one "
                  "intra-op thread an actor; a local Ray gets one CPU more than the actors for the read and split tasks):", "",
                  table(["actors", "passages", "pipeline s", "passages/s", "speed-up", "load average"],
                        [[t["actors"], t["passages"], round(t["pipeline_seconds"], 1), round(t["passages_per_s"], 1),
                          round(t["passages_per_s"] / base, 2), t["load"]] for t in r["throughput"]]), ""]
    cal = r.get("calibration")
    if cal:
        lines += [f"**Vectors** beyond the {cal['real_passages']:,} real ones are synthetic, calibrated to them "
                  "(bench/calibrated.py): a two-level Gaussian fitted to the real vectors by article (centres from the "
                  "articles' mean vectors, passages around them with the real within-article covariance scaled by "
                  f"alpha = {cal['alpha']:.3f}, bisected toward the real median nearest-neighbour cosine at the real size), "
                  "normalised. Real against synthetic at the real size:", "",
                  table(["statistic", "quantile", "real", "synthetic"], cal["compare"]), ""]
    sizes = r.get("sizes", [])
    if sizes:
        lines += ["**Vector search**, one question on one thread (200 real questions); recall@10 of the IVF index "
                  "against exact search over the same vectors:", "",
                  table(["passages", "exact p50 / p95 ms", "IVF p50 / p95 ms", "IVF recall@10", "lists", "nprobe",
                         "quantizer", "IVF build s (load)"],
                        [[f"{s['n']:,}", "{} / {}".format(*s["exact_ms"]), "{} / {}".format(*s["ivf_ms"]),
                          round(s["recall10"], 3), s["record"].get("lists"), s["record"].get("nprobe"),
                          s["record"].get("quantizer"), f"{s['build_s']:.0f} ({s['build_load']})"] for s in sizes]), ""]
        big = max(sizes, key=lambda s: s["n"])
        if big.get("sweep"):
            lines += [f"nprobe and re-scored candidates at {big['n']:,} passages:", "",
                      table(["nprobe", "candidates re-scored", "recall@10", "p50 ms"], big["sweep"]), ""]
        if big.get("load"):
            ld = big["load"]
            lines += [f"Opening the {big['n']:,}-passage IVF index in a fresh process: {ld['open_s']:.2f} s "
                      f"(imports {ld['import_s']:.2f} s more), peak RSS after 50 searches {ld['rss_mb']:.0f} MB; files: "
                      + ", ".join(f"{k} {v:.0f} MB" for k, v in ld["files_mb"].items() if k != "queries.npy") +
                      " (the float16 file is memory-mapped: only re-scored rows are read).", ""]
    if r.get("ask"):
        lines += ["**ask() end to end** (encode the question, IVF search, BM25 over every passage, rerank, quote; the "
                  "first real index's passages replicated to the size, real BM25 over the copies):", "",
                  table(["passages", "ask() p50 / p95 ms", "questions", "process peak RSS MB (incl. building it)"],
                        [[f"{a['n']:,}", "{} / {}".format(*a["ask_ms"]), a["questions"], round(a["rss_mb"])]
                         for a in r["ask"]]), ""]
    rows = projections(r)
    if rows:
        source = (f"a rate of {r['projection_rate']} passages/s per core ({r.get('projection_rate_source', '')}) and "
                  "perfect scaling (not measured)" if "projection_rate" in r else
                  "the measured one-actor rate and the measured two-actor efficiency (capped at 1)")
        lines += [f"**PROJECTIONS, not measurements**: embedding time from {source}, assuming it holds across nodes; "
                  "memory from the bytes per passage of the IVF codes (48 code + 8 id). The float32 matrix is what "
                  "today's driver holds while indexing.", "",
                  table(["passages", "cluster", "core-hours", "wall hours", "IVF codes GB (RAM)",
                         "float16 vectors GB (disk, mmap)", "float32 on the driver GB"], rows), ""]
    lines.append("![scale](scale.png)")
    if sizes:
        plot(sizes, r.get("ask", []))
    return "\n".join(lines)
