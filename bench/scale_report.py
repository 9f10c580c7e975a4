"""The "scale" section of bench/RESULTS.md and bench/scale.png, from the numbers bench/scale.py measured."""

from __future__ import annotations

from pathlib import Path

from bench.common import table

PLOT = Path(__file__).resolve().parent / "scale.png"
DIM = 384


def plot(sizes: list[dict], served: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    n = [s["n"] for s in sizes]
    ax.plot(n, [s["exact_ms"][0] for s in sizes], "o-", label="exact search, p50")
    ax.plot(n, [s["ivf_ms"][0] for s in sizes], "s-", label="IVF fast-scan PQ + re-score, p50")
    asks = sorted((int(k), v["runs"][0]["no_reader"]["p50_ms"]) for k, v in served.items())
    if asks:
        ax.plot([a for a, _ in asks], [b for _, b in asks], "^", label="ask() without the reader, served index, p50")
    for s in sizes:
        ax.annotate(f"R@10 {s['recall10']:.3f}", (s["n"], s["ivf_ms"][0]), textcoords="offset points", xytext=(4, -12),
                    fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages (real vectors, then synthetic ones fitted to them)")
    ax.set_ylabel("ms, one question, one thread")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=120)
    plt.close(fig)


def projections(r: dict) -> list[list]:
    """PROJECTED time and memory for 10M and 50M passages from the measured rates (labelled as such)."""
    rates = {t["actors"]: t["passages_per_s"] for t in r.get("throughput", [])}
    if 1 not in rates:
        return []
    per_core = rates[1]
    efficiency = rates.get(2, 2 * per_core) / (2 * per_core)
    code_bytes = 96 + 8  # fast-scan codes and ids a passage (qa.index.vectors.PQ_M / 2 + an int64 id)
    rows = []
    for passages in (10_000_000, 50_000_000):
        core_hours = passages / per_core / 3600
        for nodes, cores in ((10, 8), (100, 8)):
            hours = passages / (per_core * nodes * cores * min(1.0, efficiency)) / 3600
            rows.append([f"{passages / 1e6:.0f}M", f"{nodes} × {cores} cores", round(core_hours), round(hours, 1),
                         round(passages * code_bytes / 1e9, 2), round(passages * DIM * 2 / 1e9, 1),
                         round(passages * DIM * 4 / 1e9, 1)])
    return rows


def _ray(r: dict) -> list[str]:
    lines = []
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
        kinds = ["embedding actors", "driver", "Ray and other processes"]
        lines += ["**Build throughput by embedding actors** (Ray pipeline from reading to the last vector; one "
                  "intra-op thread an actor; a local Ray gets one CPU more than the actors for the read and split tasks; "
                  "CPU seconds from /proc during the build, by kind of process):", "",
                  table(["actors", "passages", "pipeline s", "passages/s", "speed-up", "load average"]
                        + [f"CPU s: {k}" for k in kinds],
                        [[t["actors"], t["passages"], round(t["pipeline_seconds"], 1), round(t["passages_per_s"], 1),
                          round(t["passages_per_s"] / base, 2), t["load"]]
                         + [t.get("cpu_seconds", {}).get(k) for k in kinds] for t in r["throughput"]]), ""]
    return lines


def _search(r: dict) -> list[str]:
    lines = []
    cal = r.get("calibration")
    if cal and cal.get("generator") == "interpolated":
        lines += [f"**Vectors**: the {cal['real_passages']:,} real passage vectors of the FacQA, IDK-MRC and IndoSum "
                  "indexes come first; beyond them, synthetic vectors fitted to them (bench/calibrated.Interpolated): a "
                  "point between a real vector and one of its 10 nearest real neighbours, plus Gaussian noise of "
                  f"sigma = {cal['sigma']:.4f} per component (bisected so the median nearest-neighbour cosine at the real "
                  "size matches), normalised. Real against synthetic at the real size:", "",
                  table(["statistic", "quantile", "real", "synthetic"], cal["compare"]), ""]
    sizes = r.get("sizes", [])
    if sizes:
        lines += [f"**Vector search**, one question on one thread ({cal['questions'] if cal else ''} real FacQA and "
                  "IDK-MRC dev questions, whose gold passages are among the real vectors); recall@10 of the IVF index "
                  "against exact search over the same vectors (measured at every size, also where the build keeps "
                  "exact search):", "",
                  table(["passages", "the build chooses", "exact p50 / p95 ms", "IVF p50 / p95 ms", "IVF recall@10",
                         "lists", "nprobe", "codes", "quantizer", "IVF build s (load)"],
                        [[f"{s['n']:,}", s.get("chosen", ""), "{} / {}".format(*s["exact_ms"]),
                          "{} / {}".format(*s["ivf_ms"]), round(s["recall10"], 3), s["record"].get("lists"),
                          s["record"].get("nprobe"), s["record"].get("codes"), s["record"].get("quantizer"),
                          f"{s['build_s']:.0f} ({s['build_load']})"] for s in sizes]), ""]
        swept = next((s for s in sizes if s.get("sweep")), None)
        if swept:
            lines += [f"Lists probed and candidates re-scored at {swept['n']:,} passages:", "",
                      table(["nprobe", "candidates re-scored", "recall@10", "p50 ms"], swept["sweep"]), ""]
    return lines


def _served(r: dict) -> list[str]:
    lines = []
    for n, s in sorted(r.get("served", {}).items(), key=lambda kv: int(kv[0])):
        ix = s["index"]
        lines += [f"**A served index of {int(n):,} passages** (`bench/scale_served.py`; measured {s['machine'][:20]}): "
                  f"{ix['articles']:,} articles (the 2,000 real IndoSum articles repeated under new ids), "
                  f"{ix['real_vectors']:,} real vectors then synthetic ones (sigma {ix['sigma']:.4f}), written by "
                  f"`qa.index.build.finish` in {ix['index_and_write_s']:.0f} s ({ix['faiss']['kind']}, {ix['faiss'].get('lists')} "
                  f"lists, nprobe {ix['faiss'].get('nprobe')}). Files over 1 MB: "
                  + ", ".join(f"{k} {v:,.0f} MB" for k, v in ix["files_mb"].items()) + ". Opened in a new process as "
                  "`qa serve` opens it, then 200 questions (100 IndoSum titles, 100 IDK-MRC dev):", "",
                  table(["page cache", "store.load s", "engine (encoder, checks) s", "RSS after open MB",
                         "ask() p50 / p95 ms, no reader", "RSS after MB", "ask() p50 / p95 ms, reader", "RSS after MB"],
                        [["dropped" if run["cold"] else "warm", run["store_load_s"], run["engine_s"],
                          _rss(run["rss_after_open_mb"]),
                          f"{run['no_reader']['p50_ms']} / {run['no_reader']['p95_ms']}",
                          _rss(run["no_reader"]["rss_after_mb"]),
                          f"{run['reader']['p50_ms']} / {run['reader']['p95_ms']}", _rss(run["reader"]["rss_after_mb"])]
                         for run in s["runs"]]),
                  "", "RSS is given as total (anonymous: the process's own memory + file-backed: pages of the "
                  "memory-mapped index files, which the page cache shares and drops first under pressure).", ""]
    return lines


def _rss(value) -> str:
    if isinstance(value, dict):
        return f"{value['total']} ({value['anon']} + {value['file']})"
    return str(value)


def render(r: dict) -> str:
    lines = [f"Measured {r.get('machine', '')}; the load average during each build is given.", ""]
    lines += [f"- {note}" for note in r.get("notes", [])] + ([""] if r.get("notes") else [])
    lines += _ray(r) + _search(r) + _served(r)
    rows = projections(r)
    if rows:
        lines += ["**PROJECTIONS, not measurements**: embedding time from the measured one-actor rate and the measured "
                  "two-actor efficiency (capped at 1), assuming it holds across nodes; memory from the bytes a passage "
                  "of the IVF codes (96 code + 8 id). The float32 vectors are gathered by the driver into a memory-mapped file "
                  "on disk (the actors write them as shards), and the float16 copy is made in the driver's RAM while indexing.", "",
                  table(["passages", "cluster", "core-hours", "wall hours", "IVF codes GB (RAM)",
                         "float16 vectors GB (disk, mmap; RAM while indexing)", "float32 gathered on the driver's disk GB"], rows), ""]
    lines.append("![scale](scale.png)")
    if r.get("sizes"):
        plot(r["sizes"], r.get("served", {}))
    return "\n".join(lines)
