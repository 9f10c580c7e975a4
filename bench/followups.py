"""Follow-up questions over the seed articles: how often the second turn of a conversation is answered right.

``bench/data/followups.jsonl`` holds conversation pairs written over ``seeds/``: a first question (``history``) and a
follow-up (``question``) of one kind:

- **elliptic**: leaves out what it asks about ("Kalau sekdanya?", "And when?", "Tanggal berapa?");
- **pronominal**: refers to the earlier turn's person ("Apa katanya soal media sosial?", "What did he say ...?");
- **event**: refers to the earlier turn's event ("acara itu", "kegiatan tersebut", "that event");
- **standalone**: stands alone and must be answered as asked, the history ignored;
- **absent**: asks about something no article holds ("Kalau ketua Bawaslu Kota Semarang?"): it must not be
  answered, least of all with the earlier turn's subject.

Each line also has ``lang`` (id, id-informal, en) and ``history_answer`` (the first turn's gold answer). For each
path (``retrieval``: retrieval alone; ``reader``: the trained reader on) the first question is answered, then the
follow-up with ``answer_with(..., history=...)``, the history given as the chat page gives it (``page``: the earlier
question with its Answer) or as ``/api/ask`` does (``api``: the earlier question alone). Each follow-up is judged as
``bench/selective.py`` judges a question (:func:`qa.answering.evaluate.judge`: right / wrong / not sure / no answer).
Also counted: **resolved** (the follow-up was rewritten: ``Answer.asked`` set and not the question answered) and,
for ``absent``, answered with the earlier subject (answered, and what is stated holds the first turn's gold
answer); and, as the baseline, how many are right when the follow-up is asked alone, with no history. Writes the
``followups`` section of RESULTS.md (about a minute and a half on 2 cores)::

    .venv/bin/python bench/followups.py [--paths retrieval,reader] [--history page,api] [--show] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, table, write_section  # noqa: E402
from bench.quality import SETS, default_root, index_for  # noqa: E402
from qa.answering.ask import answer_with  # noqa: E402
from qa.answering.evaluate import judge, read_questions  # noqa: E402
from qa.answering.squad import holds  # noqa: E402

FOLLOWUPS = ROOT / "bench" / "data" / "followups.jsonl"
PATHS = {"retrieval": False, "reader": True}  # name: reader on
HISTORIES = ("page", "api")
KINDS = ("elliptic", "pronominal", "event", "standalone", "absent")
COLUMNS = ("right", "wrong", "not_sure", "no_answer")


def stated(answer) -> str:
    """What an answer states: the reader's span, else the first quote; "" when not answered."""
    if not answer.answered or not answer.hits:
        return ""
    return answer.hits[0].answer or answer.hits[0].quote


def measure(engine, rows: list[dict], reader: bool, history: str) -> list[dict]:
    out = []
    for row in rows:
        started = time.perf_counter()
        turns: list = []
        for earlier in row["history"]:
            if history == "page":  # the page passes (answer.question, answer) of each earlier turn (qa/app.py)
                first = answer_with(engine, earlier, 5, reader=reader, history=turns)
                turns.append((first.question, first))
            else:
                turns.append(earlier)
        answer = answer_with(engine, row["question"], 5, reader=reader, history=turns)
        alone = answer_with(engine, row["question"], 5, reader=reader)  # the baseline: the follow-up with no history
        said = stated(answer)
        earlier_gold = row.get("history_answer") or ""
        out.append({
            "id": row["id"], "kind": row["kind"], "lang": row["lang"], "answerable": row["answerable"],
            "judged": judge(row, answer), "alone": judge(row, alone), "history": row["history"],
            "question": row["question"],
            "understood": answer.question, "resolved": bool(answer.asked) and answer.asked != answer.question,
            "took_earlier": bool(said and earlier_gold and holds(said, earlier_gold)),
            "stated": said, "gold": row.get("answer") or "", "reason": answer.reason, "outcome": answer.outcome,
            "doc": answer.hits[0].doc_id if answer.hits else "", "ms": 1000 * (time.perf_counter() - started)})
    return out


def tally(items: list[dict]) -> dict:
    counts = Counter(item["judged"] for item in items)
    answerable = sum(item["answerable"] for item in items)
    absent = [item for item in items if item["kind"] == "absent"]
    return {"n": len(items), **{c: counts[c] for c in COLUMNS}, "answerable": answerable,
            "resolved": sum(item["resolved"] for item in items),
            "resolved_right": sum(item["resolved"] and item["judged"] == "right" for item in items),
            "right_alone": sum(item["alone"] == "right" for item in items),
            "absent": len(absent), "took_earlier": sum(item["took_earlier"] for item in absent)}


def row_of(label: str, t: dict) -> list:
    return [label, t["n"], t["resolved"], t["resolved_right"], t["right"], t["wrong"], t["not_sure"], t["no_answer"],
            t["right"] / t["answerable"] if t["answerable"] else None, t["right_alone"],
            t["took_earlier"] if t["absent"] else None]


HEADERS = ["kind", "n", "resolved", "resolved and right", "right", "wrong", "not sure", "no answer", "right / answerable",
           "right asked alone", "absent answered with the earlier subject"]


def same(a: list[dict], b: list[dict]) -> bool:
    keys = ("id", "understood", "judged", "stated")
    return [[i[k] for k in keys] for i in a] == [[i[k] for k in keys] for i in b]


def report(results: dict[tuple[str, str], list[dict]], rows: list[dict]) -> str:
    langs = Counter(row["lang"] for row in rows)
    kinds = Counter(row["kind"] for row in rows)
    lines = [f"Measured {machine()}.", "",
             f"{len(rows)} conversation pairs over the seed articles (`bench/data/followups.jsonl`): "
             + ", ".join(f"{kinds[k]} {k}" for k in KINDS) + "; "
             + ", ".join(f"{n} {lang}" for lang, n in sorted(langs.items())) + ". "
             "Each follow-up judged as `bench/selective.py` judges a question (right / wrong: answered, and the stated "
             "span or quote holds / does not hold a gold answer from a gold article; any answer to an absent one is "
             "wrong). resolved: the follow-up was rewritten before answering (`Answer.asked` set; for a standalone "
             "follow-up that is a miss), and how many of those were answered right. Last column: absent follow-ups answered with a statement holding the first "
             "turn's gold answer. History as the page gives it (`page`: the earlier question with its Answer) or as "
             "`/api/ask` does (`api`: the earlier question alone). right asked alone: the follow-up asked with no "
             "history (the baseline; for a standalone follow-up the figure to keep).", ""]
    lines += ["All follow-ups:", "", table(["path, history", *HEADERS[1:]],
                                           [row_of(f"{path}, {history}", tally(items))
                                            for (path, history), items in results.items()]), ""]
    for (path, history), items in results.items():
        page = results.get((path, "page"))
        if history != "page" and page is not None and same(items, page):
            lines += [f"### {path}, history from the {history}", "",
                      "Every follow-up understood and judged as with the history from the page.", ""]
            continue
        body = [row_of(kind, tally([i for i in items if i["kind"] == kind])) for kind in KINDS]
        lines += [f"### {path}, history from the {history}", "",
                  table(HEADERS, body + [row_of("**all**", tally(items))]), ""]
    if results:
        by_lang = sorted({i["lang"] for items in results.values() for i in items})
        lines += ["Right / answerable by language:", "",
                  table(["path, history", *by_lang],
                        [[f"{path}, {history}"] + [
                            f"{t['right']}/{t['answerable']}" for t in (
                                tally([i for i in items if i["lang"] == lang]) for lang in by_lang)]
                         for (path, history), items in results.items()]), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated: " + ", ".join(PATHS))
    parser.add_argument("--history", default=",".join(HISTORIES), help="comma-separated: page, api")
    parser.add_argument("--index-root", type=Path, default=default_root())
    parser.add_argument("--file", type=Path, default=FOLLOWUPS)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing RESULTS.md")
    parser.add_argument("--show", action="store_true", help="print each follow-up not answered right")
    args = parser.parse_args()
    rows = read_questions(args.file)
    engine = index_for(args.index_root, "seeds", SETS["seeds"][1])
    results: dict[tuple[str, str], list[dict]] = {}
    for path in args.paths.split(","):
        for history in args.history.split(","):
            if path not in PATHS or history not in HISTORIES:
                parser.error(f"unknown path {path!r} or history {history!r}")
            results[(path, history)] = items = measure(engine, rows, PATHS[path], history)
            if args.show:
                for item in items:
                    if item["judged"] != "right":
                        understood = f" => {item['understood']!r}" if item["resolved"] else " (not resolved)"
                        earlier = " [holds the earlier answer]" if item["took_earlier"] else ""
                        print(f"[{path} {history}] {item['id']} {item['kind']} {item['judged']}{earlier}: "
                              f"{item['history'][-1]!r} -> {item['question']!r}{understood}; stated "
                              f"{item['stated'][:80]!r} from {item['doc'][:3] or '-'} (gold {item['gold'][:40]!r}; "
                              f"asked alone: {item['alone']}"
                              f"{'; ' + item['reason'] if item['reason'] else ''})")
    text = report(results, rows)
    print(text)
    if not args.no_write:
        write_section("followups", text)


if __name__ == "__main__":
    main()
