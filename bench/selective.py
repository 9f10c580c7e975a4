"""The selective measure that decides which path users get: right and wrong answers stated, per question kind.

For each question set (the seed questions, FacQA dev, IDK-MRC dev) and each path, in one run, every question is
asked once and its outcome counted (``Answer.outcome``, :mod:`qa.answering.verify`):

- **right**: answered from a gold article, and what is stated holds a gold answer (SQuAD-normalised words, in
  order): the quote when no span is marked; the reader's span, or the quote shown with it when the span covers
  at least half of the gold answer (token F1 ≥ 0.5: "(23/01/2024)" for "Selasa (23/01/2024)");
- **wrong**: answered otherwise, including any answer to an unanswerable question;
- **not sure** and **no answer**: not stated.

Paths: ``retrieval`` (retrieval alone) and ``reader`` (the trained reader on), each with the checks and, as the
baseline, ``unchecked`` (the decision alone, as before the checks). A path ships on by default when it states more
right answers and no more wrong ones than the path without it (README, "Which path users get"). Also printed: a
risk–coverage table (stated answers by confidence, best first). Writes the ``selective`` section of RESULTS.md::

    .venv/bin/python bench/selective.py [--sets seeds,facqa,idkmrc] [--paths ...] [--no-write] [--show-wrong]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from bench.quality import SETS, default_root, index_for  # noqa: E402
from qa.answering.ask import answer_with  # noqa: E402
from qa.answering.evaluate import judge, read_questions  # noqa: E402

PATHS = {  # name: (reader on, checks on)
    "retrieval unchecked": (False, False), "retrieval": (False, True),
    "reader unchecked": (True, False), "reader": (True, True),
}
COLUMNS = ("right", "wrong", "not_sure", "no_answer")


def kind_of_row(row: dict) -> str:
    return row.get("kind") or ("answerable" if row.get("answerable", True) else "unanswerable")


def measure(engine, rows: list[dict], reader: bool, checks: bool) -> list[dict]:
    out = []
    for row in rows:
        started = time.perf_counter()
        answer = answer_with(engine, row["question"], 5, reader=reader, checks=checks)
        out.append({"kind": kind_of_row(row), "answerable": row.get("answerable", True), "judged": judge(row, answer),
                    "confidence": answer.confidence, "question": row["question"], "reason": answer.reason,
                    "stated": (answer.hits[0].answer or answer.hits[0].quote) if answer.hits else "",
                    "gold": row.get("answer") or "", "ms": 1000 * (time.perf_counter() - started)})
    return out


def tally(items: list[dict]) -> dict:
    counts = Counter(item["judged"] for item in items)
    answerable = sum(item["answerable"] for item in items)
    return {"n": len(items), **{c: counts[c] for c in COLUMNS}, "answerable": answerable,
            "unanswerable": len(items) - answerable,
            "held_back": sum(item["judged"] in ("not_sure", "no_answer") for item in items if not item["answerable"])}


def risk_coverage(items: list[dict], steps: int = 5) -> list[list]:
    """Stated answers sorted by confidence: at each coverage, how many are stated and the share wrong."""
    stated = sorted((i for i in items if i["judged"] in ("right", "wrong")), key=lambda i: -i["confidence"])
    rows = []
    for step in range(1, steps + 1):
        head = stated[: round(len(stated) * step / steps)]
        if head:
            wrong = sum(i["judged"] == "wrong" for i in head)
            rows.append([f"{step / steps:.0%}", len(head), f"{head[-1]['confidence']:.3f}", wrong / len(head)])
    return rows


def report(results: dict[str, dict[str, list[dict]]]) -> str:
    lines = [f"Measured {machine()}.", "",
             "right / wrong: answered, and the stated span (or quote) holds / does not hold a gold answer from a gold "
             "article (any answer to an unanswerable question is wrong); not sure and no answer state nothing.", ""]
    for name, paths in results.items():
        totals = {path: tally(items) for path, items in paths.items()}
        lines += [f"### {name}", "", table(["path", "n", "right", "wrong", "not sure", "no answer",
                                             "right / answerable", "wrong / all", "held back / unanswerable"],
                                            [[path, t["n"], t["right"], t["wrong"], t["not_sure"], t["no_answer"],
                                              t["right"] / t["answerable"] if t["answerable"] else None,
                                              t["wrong"] / t["n"],
                                              t["held_back"] / t["unanswerable"] if t["unanswerable"] else None]
                                             for path, t in totals.items()]), ""]
        kinds = sorted({item["kind"] for items in paths.values() for item in items})
        if len(kinds) > 1:
            lines += ["Per kind (right / wrong / not sure / no answer):", "",
                      table(["kind", "n", *paths], [[kind, sum(i["kind"] == kind for i in next(iter(paths.values())))]
                            + ["/".join(str(tally([i for i in items if i["kind"] == kind])[c]) for c in COLUMNS)
                               for items in paths.values()] for kind in kinds]), ""]
        for path, items in paths.items():
            if "unchecked" not in path:
                lines += [f"Risk–coverage, {name}, {path} (stated answers by confidence, best first):", "",
                          table(["coverage", "stated", "confidence ≥", "wrong share"], risk_coverage(items)), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="seeds,facqa,idkmrc")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--index-root", type=Path, default=default_root())
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-wrong", action="store_true", help="list each wrong answer (and each not sure one "
                                                                   "of an answerable seed question)")
    args = parser.parse_args()
    results: dict[str, dict[str, list[dict]]] = {}
    for name in args.sets.split(","):
        questions, sources = SETS[name]
        engine = index_for(args.index_root, name, sources)
        rows = read_questions(questions)
        results[name] = {path: measure(engine, rows, *PATHS[path]) for path in args.paths.split(",")}
        if args.show_wrong:
            for path, items in results[name].items():
                for item in items:
                    if item["judged"] == "wrong" or (name == "seeds" and item["answerable"] and item["judged"] != "right"):
                        print(f"[{name} {path}] {item['judged']}: {item['question']} -> {item['stated'][:90]!r} "
                              f"(gold {item['gold'][:40]!r}; {item['reason']})")
    text = report(results)
    print(text)
    if not args.no_write:
        write_section("selective", text)


if __name__ == "__main__":
    main()
