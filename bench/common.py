"""Shared by the benchmark scripts: the machine description and the RESULTS.md section writer."""

from __future__ import annotations

import os
import platform
import re
import time
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"


def machine() -> str:
    """One line: date, CPU model, cores, memory, Python and key package versions."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for name in ("torch", "sentence-transformers", "faiss-cpu", "bm25s", "gradio"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu}; {os.cpu_count()} cores; {mem:.0f} GiB; "
            f"Python {platform.python_version()}; " + ", ".join(versions))


def write_section(name: str, body: str) -> None:
    """Replace the text between <!-- name:start --> and <!-- name:end --> in RESULTS.md."""
    text = RESULTS.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        text += f"\n<!-- {name}:start -->\n<!-- {name}:end -->\n"
    RESULTS.write_text(pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text), encoding="utf-8")


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table; floats get three decimals."""
    def cell(v):
        return f"{v:.3f}" if isinstance(v, float) else ("" if v is None else str(v))
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
