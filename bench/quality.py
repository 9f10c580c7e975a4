"""Retrieval and reader quality in one run: seeds, FacQA dev, IDK-MRC dev, both again with 2,000 IndoSum distractors,
and the reader alone on both dev sets with the official SQuAD 2.0 metric.

For each question set and each mode (lexical only, dense only, hybrid): R@1, R@5 and MRR@10
of the gold article (as ``qa eval``), and, where the file gives answer strings, the share of
questions whose answer stands in the first passage / in one of the first five, and in the
first passage's quote. Abstention precision, recall and ROC AUC where unanswerable questions
exist (hybrid, the shipped mode), and the same with the reader on (``reader``). Writes the ``quality``
section of bench/RESULTS.md (``--section NAME`` writes another, for a subset of the sets and modes):

    .venv/bin/python bench/quality.py [--index-root DIR] [--sets seeds,facqa,...] [--no-write]
    .venv/bin/python bench/quality.py --sets seeds,facqa,idkmrc,idkmrc-squad,facqa-squad --modes hybrid,reader --section reader-quality

The seed questions also get the table a user would feel (``seed_table``): answer in the first passage,
in the shown span, false "no answer", abstention on unanswerable / false-premise / off-topic questions,
and per kind, retrieval alone beside the reader. ``idkmrc-squad`` and ``facqa-squad`` score the reader alone
with the gold paragraph with the official SQuAD 2.0 metric (``qa/answering/squad.py``, as ``qa eval-reader``), beside
the published figures. The seed table alone, quickly (about a minute):

    .venv/bin/python bench/quality.py --sets seeds --modes hybrid,reader --no-write

Indexes are built into ``--index-root`` when missing (IndoSum's 8,000 passages take about
15 minutes on 2 cores) and reused otherwise: changing retrieval code needs no rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import logging
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BENCHMARKS, machine, table, write_section  # noqa: E402
from qa.answering import squad  # noqa: E402
from qa.answering.ask import answer_with  # noqa: E402
from qa.answering.evaluate import MODES, auc, f1, gold_ids, normalise, read_questions  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.config import backend_name  # noqa: E402
from qa.index.build import build  # noqa: E402
from qa.index.engine import engine_for, reader_for  # noqa: E402
from qa.models.embed import make_embedder  # noqa: E402

SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
INDOSUM = BENCHMARKS / "indosum_news" / "corpus.jsonl"
SETS = {  # name: (question file, sources)
    "seeds": (SEED_QUESTIONS, [ROOT / "seeds"]),
    "facqa": (BENCHMARKS / "facqa" / "questions_dev.jsonl", [BENCHMARKS / "facqa" / "corpus.jsonl"]),
    "idkmrc": (BENCHMARKS / "idkmrc" / "questions_dev.jsonl", [BENCHMARKS / "idkmrc" / "corpus.jsonl"]),
    "facqa+indosum": (BENCHMARKS / "facqa" / "questions_dev.jsonl", [BENCHMARKS / "facqa" / "corpus.jsonl", INDOSUM]),
    "idkmrc+indosum": (BENCHMARKS / "idkmrc" / "questions_dev.jsonl", [BENCHMARKS / "idkmrc" / "corpus.jsonl", INDOSUM]),
}
# The reader alone with the gold paragraph, scored with the official SQuAD 2.0 metric (qa/answering/squad.py, `qa eval-reader`):
# IDK-MRC's valid split as the SQuAD 2.0 file it ships in; FacQA dev (all answerable) made into one from its gold passages.
SQUAD_SETS = {
    "idkmrc-squad": (BENCHMARKS / "idkmrc" / "dev_squad2.json", None),
    "facqa-squad": (BENCHMARKS / "facqa" / "questions_dev.jsonl", BENCHMARKS / "facqa" / "corpus.jsonl"),
}
PUBLISHED = {  # the same split, gold paragraph, official metric (../shared/benchmarks/README.md; issue 16)
    "idkmrc-squad": "published on this split: IndoBERT-base EM ≈ 59.9 (HasAns F1 64.6), mBERT-base EM ≈ 73.2 "
                    "(HasAns F1 72.7), XLM-R-large EM 74.1 / F1 81.0; issue 16's target EM ≥ 70, F1 ≥ 76",
    "facqa-squad": "no published figure on this split with this metric (IndoNLU scores FacQA as token tagging); "
                   "issue 16's target EM ≥ 65, F1 ≥ 80",
}
UNANSWERABLE_KINDS = ("unanswerable", "falsepremise")
CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
NOTES = """
How the settings were chosen (dev sets only; int8 encoder unless said, 2026-11-23; R@1 unless said):

- Passage size, seeds, answer in the first passage (dense / BM25 / fused): 60 words 0.42 / 0.60 / 0.64,
  100 words 0.49 / 0.69 / 0.69, 120 words 0.49 / 0.73 / 0.73, 150 words 0.47 / 0.73 / 0.71, 200 words
  0.58 / 0.76 / 0.73: no size is clearly better, 120 words with 50 overlapping is kept.
- Title once: a title taken from the lead sentence was indexed twice; leaving it out where the passage holds
  it lifts FacQA dense 0.698 to 0.746.
- Tokens: Snowball stemming vs none, FacQA BM25 0.762 vs 0.752; BM25 k1/b grid: FacQA prefers k1 0.9 b 0.4
  (0.785), IDK-MRC the default 1.2 / 0.75, kept. Informal words, acronyms and the English glossary: seeds
  BM25 answer-in-first 0.73 to 0.80.
- Fusion without the rerank, FacQA / IDK-MRC: cosine + BM25 / max with weight 0.9 on the cosine 0.788 / 0.908;
  z-scores over the top 50, 0.791 / 0.908; RRF k 20, 0.810 / 0.880; RRF k 60, 0.794 / 0.877. RRF loses on
  IDK-MRC, where dense is far stronger than BM25; the weighted sum is kept (0.93: cosines spread little).
- Sentence rerank weight 0.1: FacQA +0.01 to +0.02, seeds answer-in-first +0.07; 0.2 and above cost IDK-MRC
  0.01 to 0.04. Cosine weight 0.95 with rerank 0.05 (fp32): IDK-MRC 0.924 / R@5 0.976 and IDK-MRC+IndoSum R@5
  0.971, but FacQA 0.807 and FacQA+IndoSum 0.797: not kept. Scoring sentence pairs as well as single
  sentences: seeds +0.02, FacQA -0.003 to -0.016: not kept.
- Near-duplicates: passages of one article that only looked alike (cosine >= 0.97, which two overlapping
  windows with the same title reach) were dropped from the results; now only other articles' passages are
  folded, by cosine or by 80% shared words (the vectors also carry each outlet's title).
- Sentence embeddings (tried offline on the seeds, not built): ranking passages by their best sentence's
  cosine puts the answer first for 0.62 of the seed questions (BM25 0.73); fused with dense and BM25, 0.73
  to 0.76; as the quote picker 0.44 to 0.53 against 0.78 for the word-and-answer-type scorer. Building them
  would embed about 0.6 times more text than the passages do (IndoSum: about 590k words of sentences
  against about 970k words of overlapping passages), plus 1.5 kB per sentence on disk.
- Cross-encoder or reader: none of the registry packages found ships multilingual weights in its wheel
  (small-hybrid-reranker: Portuguese/English static embeddings fetched from the hub and a joblib model;
  jev-reranker: an API client), so none was evaluated.
- Abstention features alone, IDK-MRC answerable vs unanswerable AUC: best cosine 0.729, its margin over the
  candidates' mean 0.713, question words in the quote 0.687, in the passage 0.678, answer-type cue 0.48.
"""


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def article_rank(hits, gold: set[str]) -> int | None:
    """Rank of the first distinct article that is gold; a story folded in as "also in" counts where it is shown."""
    seen: set[str] = set()
    for hit in hits:
        if hit.doc_id not in seen:
            seen.add(hit.doc_id)
            if gold & {hit.doc_id, *(c.doc_id for c in hit.also_in)}:
                return len(seen)
    return None


def measure(engine, rows: list[dict], mode: str) -> dict:
    """Every metric of one question set in one mode (one ``answer_with`` call per question)."""
    ranks, in_passage, in_quote, timings, spans = [], [], [], [], []
    answerable_conf, unanswerable_conf, kinds, outcomes = [], [], {}, []
    abstained_right = abstained_wrong = answered_answerable = 0
    for row in rows:
        started = time.perf_counter()
        answer = answer_with(engine, row["question"], k=10, dense_weight=MODES.get(mode), reader=mode == "reader")
        timings.append(time.perf_counter() - started)
        outcomes.append(outcome(row, answer, mode))
        if not row.get("answerable", True):
            unanswerable_conf.append(answer.confidence)
            abstained_right += not answer.answered
            kinds.setdefault(row.get("kind", "unanswerable"), []).append(not answer.answered)
            continue
        answerable_conf.append(answer.confidence)
        answered_answerable += answer.answered
        abstained_wrong += not answer.answered
        gold = gold_ids(row)
        ranks.append(article_rank(answer.hits, gold))
        answers = [normal(a) for a in row.get("all_answers") or ([row["answer"]] if row.get("answer") else [])]
        if answers:
            holding = [hit.doc_id in gold and any(a in normal(hit.text) for a in answers) for hit in answer.hits]
            in_passage.append(next((r for r, ok in enumerate(holding, start=1) if ok), None))
            top = answer.hits[0] if answer.hits else None
            in_quote.append(bool(top and top.doc_id in gold and any(a in normal(top.quote) for a in answers)))
            if mode == "reader" and top:
                spans.append((max(float(normalise(top.answer) == normalise(a)) for a in answers),
                              max(f1(top.answer, a) for a in answers)))
    n = max(1, len(ranks))
    result = {"R@1": sum(r == 1 for r in ranks) / n, "R@5": sum(bool(r and r <= 5) for r in ranks) / n,
              "MRR@10": sum(1 / r for r in ranks if r and r <= 10) / n,
              "ms_p50": statistics.median(timings) * 1000}
    if in_passage:
        m = len(in_passage)
        result |= {"passage@1": sum(r == 1 for r in in_passage) / m,
                   "passage@5": sum(bool(r and r <= 5) for r in in_passage) / m, "quote": sum(in_quote) / m}
    if spans:
        result |= {"EM": sum(e for e, _ in spans) / len(spans), "F1": sum(f for _, f in spans) / len(spans)}
    if unanswerable_conf:
        said_no = abstained_right + abstained_wrong
        result |= {"abstain_P": abstained_right / said_no if said_no else None,
                   "abstain_R": abstained_right / len(unanswerable_conf),
                   "abstain_AUC": auc([-c for c in unanswerable_conf], [-c for c in answerable_conf]),
                   "answered": answered_answerable / n,
                   "by_kind": {kind: sum(v) / len(v) for kind, v in kinds.items()}}
    return result | {"user": user_facing(outcomes)}


def outcome(row: dict, answer, mode: str) -> dict:
    """What a user sees for one question: the kind, whether it was answered, and for an answerable question whether
    the first passage holds the gold answer and whether the shown answer does (SQuAD-normalised words, in order): the
    reader's span where one is marked, else the quote (retrieval alone marks none, nor does a standing retrieval
    answer with the reader on: :mod:`qa.answering.decide`)."""
    seen = {"kind": row.get("kind") or ("answerable" if row.get("answerable", True) else "unanswerable"),
            "answerable": row.get("answerable", True), "answered": answer.answered}
    answers = row.get("all_answers") or ([row["answer"]] if row.get("answer") else [])
    if seen["answerable"] and answers:
        top = answer.hits[0] if answer.hits else None
        gold = top is not None and top.doc_id in gold_ids(row)
        shown = "" if top is None else top.answer if mode == "reader" and top.answer else top.quote
        seen["first"] = gold and any(normal(a) in normal(top.text) for a in answers)
        seen["span"] = gold and any(squad.holds(shown, a) for a in answers)
    return seen


def user_facing(outcomes: list[dict]) -> dict:
    """The columns a user feels, over one question set in one mode: answer in the first passage and in the shown span
    (of answerable questions, whatever the decision), false "no answer" (share of answerable questions not answered),
    abstained on unanswerable + false-premise and on off-topic questions, and the same per kind of question."""
    def share(items: list[dict], key: str) -> float | None:
        values = [o[key] for o in items if key in o]
        return sum(values) / len(values) if values else None

    def said_no(items: list[dict]) -> float | None:
        return sum(not o["answered"] for o in items) / len(items) if items else None

    answerable = [o for o in outcomes if o["answerable"]]
    kinds = sorted({o["kind"] for o in outcomes})
    return {"first": share(answerable, "first"), "span": share(answerable, "span"), "false_no": said_no(answerable),
            "abstained_unanswerable": said_no([o for o in outcomes if not o["answerable"] and o["kind"] != "offtopic"]),
            "abstained_offtopic": said_no([o for o in outcomes if o["kind"] == "offtopic"]),
            "by_kind": {k: {"n": len(of), "first": share(of, "first"), "span": share(of, "span"), "no_answer": said_no(of)}
                        for k in kinds for of in [[o for o in outcomes if o["kind"] == k]]}}


def squad_questions(name: str) -> list[squad.Question]:
    """The questions of a SQuAD set of :data:`SQUAD_SETS`, each with its gold paragraph (FacQA: its gold passage)."""
    path, corpus = SQUAD_SETS[name]
    if corpus is None:
        return squad.read_squad(path)
    texts = {r["doc_id"]: r["text"] for r in map(json.loads, corpus.read_text(encoding="utf-8").splitlines()) if r}
    return [squad.Question(qid=r["qid"], question=r["question"], context=texts[r["gold_doc_id"]],
                           answers=tuple(r.get("all_answers") or ([r["answer"]] if r.get("answer") else [])))
            for r in read_questions(path)]


def squad_scores(reader, questions: list[squad.Question]) -> dict:
    """The official SQuAD 2.0 scores of the reader on these questions (as `qa eval-reader ... --na-probs` prints them)."""
    started = time.perf_counter()
    predictions, na_probs = squad.predict(reader, questions)
    return squad.score(questions, predictions, na_probs) | {"ms_per_question": (time.perf_counter() - started) * 1000 / len(questions)}


def seed_table(results: dict) -> str:
    """The seed questions as a user meets them, retrieval alone (hybrid) beside the reader, and per kind of question."""
    modes = [m for m in ("hybrid", "reader") if m in results]
    labels = {"hybrid": "retrieval only (hybrid)", "reader": "reader on"}
    columns = [("first", "answer in the first passage", "≥ 0.92", True),
               ("span", "the answer shown holds the answer (the span, or the quote where none is marked)", "≥ 0.80", True),
               ("false_no", "false \"no answer\", share of answerable", "≤ 0.05", False),
               ("abstained_unanswerable", "unanswerable + false-premise abstained", "≥ 0.85", True),
               ("abstained_offtopic", "off-topic abstained", "1.00", True)]
    rows = [[label] + [results[m]["user"][key] for m in modes] + [target] for key, label, target, _ in columns]
    lines = [table(["seed questions"] + [labels[m] for m in modes] + ["target (issue 16)"], rows)]
    if len(modes) == 2:
        worse = [label for key, label, _, higher in columns
                 if None not in (results["hybrid"]["user"][key], results["reader"]["user"][key])
                 and (results["reader"]["user"][key] - results["hybrid"]["user"][key]) * (1 if higher else -1) < 0]
        lines.append("\nReader on against retrieval only: " + ("better or equal on every column." if not worse else
                     "worse on " + "; ".join(worse) + "."))
    kinds = results[modes[0]]["user"]["by_kind"]
    headers = ["kind", "n"] + [f"{m} {c}" for m in modes for c in ("first", "span", "no answer")]
    body = [[kind, kinds[kind]["n"]] + [results[m]["user"]["by_kind"][kind][c] for m in modes
                                        for c in ("first", "span", "no_answer")] for kind in kinds]
    lines += ["", "Per kind (first: answer in the first passage; span: in the shown span; no answer: share answered "
              "\"no answer\", wrong for answerable kinds, right for the others):", "", table(headers, body)]
    return "\n".join(lines)


def squad_lines(results: dict) -> list[str]:
    """One line per SQuAD set: the official scores beside the published ones."""
    lines = []
    for name in SQUAD_SETS:
        r = results.get(name, {}).get("squad")
        if r:
            parts = [f"EM {r['exact']:.1f} / F1 {r['f1']:.1f} over {r['total']}"]
            if "HasAns_total" in r:
                parts.append(f"HasAns EM {r['HasAns_exact']:.1f} / F1 {r['HasAns_f1']:.1f} ({r['HasAns_total']})")
            if "NoAns_total" in r:
                parts.append(f"NoAns {r['NoAns_exact']:.1f} ({r['NoAns_total']})")
            parts.append(f"best no-answer threshold EM {r['best_exact']:.1f} / F1 {r['best_f1']:.1f}")
            lines.append(f"\n{name.replace('-squad', '').replace('idkmrc', 'IDK-MRC').replace('facqa', 'FacQA')} dev, "
                         f"the reader alone with the gold paragraph, official SQuAD 2.0 metric (`qa eval-reader`): "
                         + ", ".join(parts) + f"; {r['ms_per_question']:.0f} ms a question; {PUBLISHED[name]}.")
    return lines


def gold_passage_spans(engine, rows: list[dict]) -> dict:
    """The reader's span with the gold passage given (answerable questions): exact match and F1, SQuAD style,
    and its AUC of answerable against unanswerable questions on their own (near-miss) passages."""
    exact, overlap, positive, negative = [], [], [], []
    for row in rows:
        article = engine.index.articles.get(row.get("gold_doc_id") or "")
        if article is None:
            continue
        reading = engine.reader.read(row["question"], [article.text])[0]
        if not row.get("answerable", True):
            negative.append(reading.logit)
            continue
        positive.append(reading.logit)
        answers = row.get("all_answers") or [row["answer"]]
        span = article.text[reading.start:reading.end]
        exact.append(max(float(normalise(span) == normalise(a)) for a in answers))
        overlap.append(max(f1(span, a) for a in answers))
    return {"gold_EM": sum(exact) / max(1, len(exact)), "gold_F1": sum(overlap) / max(1, len(overlap)),
            "gold_AUC": auc(positive, negative)}


def index_for(root: Path, name: str, sources: list[Path]):
    folder = root / name.replace("+", "_")
    build(sources, folder, make_embedder(DEFAULT_MODEL), progress=False)  # reuses an up-to-date index at once
    return engine_for(folder, DEFAULT_MODEL)


def report(results: dict) -> str:
    rows = []
    for name, modes in results.items():
        for mode, r in modes.items():
            if mode == "squad":
                continue
            decides = mode in ("hybrid", "reader")
            rows.append([name, mode, r["R@1"], r["R@5"], r["MRR@10"], r.get("passage@1"), r.get("passage@5"),
                         r.get("quote"), r.get("EM"), r.get("F1"), r.get("answered") if decides else None,
                         r.get("abstain_P") if decides else None, r.get("abstain_R") if decides else None,
                         r.get("abstain_AUC") if decides else None, r["ms_p50"]])
    lines = [f"Measured by `bench/quality.py` on {machine()}.", "",
             "R@k and MRR@10: gold article among the first k distinct results. passage@k: the gold answer string "
             "stands in one of the first k passages; quote: in the first passage's quote. EM / F1: the first hit's "
             "answer span against the gold answer (SQuAD normalisation). reader: hybrid retrieval, then the trained "
             "reader reads the best 4 and decides (English questions: retrieval decides). answered: share of answerable questions answered. Abstention "
             "(hybrid, reader): precision and recall of \"no answer\" on the unanswerable questions, and ROC AUC of "
             "the confidence. ms: ask() p50 on this machine.", "",
             table(["set", "mode", "R@1", "R@5", "MRR@10", "passage@1", "passage@5", "quote", "EM", "F1", "answered",
                    "abstain P", "abstain R", "abstain AUC", "ms p50"], rows)]
    if not rows:  # only the SQuAD sets were run
        lines = lines[:1]
    if any(m in results.get("seeds", {}) for m in ("hybrid", "reader")):
        lines += ["", seed_table(results["seeds"])]
    lines += squad_lines(results)
    for name, modes in results.items():
        gold = modes.get("reader", {})
        if "gold_EM" in gold:
            lines.append(f"\nReader with the gold passage given ({name} dev, answerable): exact match {gold['gold_EM']:.3f}, "
                         f"F1 {gold['gold_F1']:.3f}; answer-logit AUC on the questions' own passages "
                         f"(answerable vs unanswerable): {gold['gold_AUC'] if gold['gold_AUC'] is None else round(gold['gold_AUC'], 3)}.")
    for base in ("facqa", "idkmrc"):
        if base in results and f"{base}+indosum" in results:
            for mode in ("hybrid", "reader"):
                drop = results[base][mode]["R@1"] - results[f"{base}+indosum"][mode]["R@1"]
                lines.append(f"\n{mode.capitalize()} R@1 drop with the 2,000 IndoSum articles added ({base}): {drop:+.3f}.")
    for mode in ("hybrid", "reader"):
        seeds = results.get("seeds", {}).get(mode)
        if seeds and "by_kind" in seeds:
            lines.append(f"\nSeed questions ({mode}): answered {seeds['answered']:.3f} of the answerable ones; abstained on "
                         + ", ".join(f"{share:.0%} of {kind}" for kind, share in seeds["by_kind"].items())
                         + f"; ask() p50 {seeds['ms_p50']:.1f} ms, of which the query encode "
                         f"{results['seeds'][next(iter(results['seeds']))]['encode_ms_p50']:.1f} ms.")
    if CALIBRATION.is_file():
        cal = json.loads(CALIBRATION.read_text(encoding="utf-8"))
        cv = cal["cross_validated"]
        lines += ["", f"Abstention model (`train/calibrate_retrieval.py`, {cal['questions']} held-out training questions, "
                  f"5-fold cross-validated; never dev ones): AUC {cv['all']['auc']:.3f}; operating point {cal['threshold']} "
                  f"answers {cv['all']['answered_when_1']:.1%} of the questions the index answers and holds back "
                  f"{cv['all']['held_back_when_0']:.1%} of the rest (unanswerable, false premise, context not indexed). "
                  f"Weights: `{json.dumps(cal['weights'])}`."]
    return "\n".join(lines) + "\n" + NOTES


def seed_report(modes: tuple[str, ...] = ("hybrid", "reader"), index_root: Path | None = None) -> str:
    """The seed table (:func:`seed_table`) measured now, for a caller (the reader's trainer) that wants it alone."""
    engine = index_for(index_root or default_root(), "seeds", SETS["seeds"][1])
    return seed_table({mode: measure(engine, read_questions(SEED_QUESTIONS), mode) for mode in modes})


def default_root() -> Path:
    """Where the benchmark indexes live: ``$QA_BENCH_CACHE/quality`` (default ``~/.cache/qa/bench/quality``)."""
    return Path(os.environ.get("QA_BENCH_CACHE") or Path.home() / ".cache" / "qa" / "bench") / "quality"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-root", type=Path, default=default_root(),
                        help="folder for the benchmark indexes (default $QA_BENCH_CACHE/quality or ~/.cache/qa/bench/quality)")
    parser.add_argument("--sets", default=",".join([*SETS, *SQUAD_SETS]), help="comma-separated: " + ", ".join([*SETS, *SQUAD_SETS]))
    parser.add_argument("--no-write", action="store_true", help="print the table without writing RESULTS.md")
    parser.add_argument("--modes", default="lexical,dense,hybrid,reader", help="comma-separated modes to measure")
    parser.add_argument("--section", default="quality", help="RESULTS.md section to write (a subset of the sets "
                                                             "or modes goes beside the full table, not over it)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = {}
    for name in args.sets.split(","):
        if name in SQUAD_SETS:
            if not all(p is None or p.exists() for p in SQUAD_SETS[name]):
                print(f"skipping {name}: its files are not here", file=sys.stderr)
                continue
            results[name] = {"squad": squad_scores(reader_for(backend_name(DEFAULT_MODEL)), squad_questions(name))}
            print(name, json.dumps(results[name]), flush=True)
            continue
        if name not in SETS:
            parser.error(f"unknown set {name!r}; choose from {', '.join([*SETS, *SQUAD_SETS])}")
        questions, sources = SETS[name]
        if not all(Path(s).exists() for s in [questions, *sources]):
            print(f"skipping {name}: its files are not here", file=sys.stderr)
            continue
        engine = index_for(args.index_root, name, sources)
        rows = read_questions(questions)
        results[name] = {mode: measure(engine, rows, mode) for mode in args.modes.split(",")}
        if engine.reader is not None and "reader" in results[name] and name in ("idkmrc", "facqa"):
            results[name]["reader"] |= gold_passage_spans(engine, rows)
        encode = []
        for row in rows[:60]:
            started = time.perf_counter()
            engine.embedder.encode_queries([row["question"]])
            encode.append(time.perf_counter() - started)
        results[name][next(iter(results[name]))]["encode_ms_p50"] = statistics.median(encode) * 1000
        print(name, json.dumps({m: {k: v for k, v in r.items() if k != "user"} for m, r in results[name].items()}),
              flush=True)
    body = report(results)
    print(body)
    if not args.no_write:
        write_section(args.section, body)


if __name__ == "__main__":
    main()
