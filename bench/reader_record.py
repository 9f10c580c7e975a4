"""The shipped reader's record (qa/data/reader/reader.json) as the ``reader`` section of bench/RESULTS.md.

    .venv/bin/python bench/reader_record.py [--no-write]

What training did (data, augmentations, time, windows seen, held-out scores, the dev files' token scores
with the gold passage given) and what the pipeline calibration found (train/calibrate_reader.py). The
reader-on against retrieval-only comparison on the seed questions and the official SQuAD 2.0 scores are in
the ``reader-quality`` section (bench/quality.py --section reader-quality), its cost in ``reader-speed`` (bench/reader_speed.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import table, write_section  # noqa: E402
from qa.models.reader import DATA  # noqa: E402


def render(record: dict) -> str:
    training = record["training"]
    held = training["held_out"]
    lines = [
        f"The shipped reader (`qa/data/reader/`, weights sha256 {record['weights_sha256'][:16]}…): multilingual-e5-small, "
        f"{record['trained_layers']} of 12 layers and both heads trained (word embeddings frozen), bf16 autocast, "
        f"windows of {record['max_length']} tokens (stride {record['stride']}), by `train/reader.py` "
        f"(seed {training['seed']}; lr {training['lr']}, heads {training['head_lr']}; "
        f"{training['minutes']} minutes budgeted in this run, {training['seconds'] / 60:.0f} minutes in all with data "
        f"preparation and evaluation).", "",
        f"Data: {training['pairs']} pairs from {len(training['data'])} files "
        f"({', '.join(sorted(training['data']))}; {training['squad_share']:.0%} of the machine-translated SQuAD contexts), "
        f"augmentations {json.dumps(training['augmentations']['train'])}, mined hard negatives; "
        f"{training['windows']} training windows, {training['held_windows']} held-out windows.",
    ]
    if training.get("resumed_from"):
        lines.append(f"\nThis run resumed from checkpoint {training['resumed_from']} of an earlier run (optimizer state "
                     f"not kept; it skipped the first {training.get('skipped_windows', 0)} windows of the seeded order "
                     "(counted from the start of epoch 1), trained on before; the figures here are this run's): `train/reader.log` holds "
                     "every run's log.")
    if training.get("runs"):
        lines += ["", table(["run", "minutes budgeted", "lr", "windows trained", "note"],
                            [[r["run"], r["minutes"], f"{r['lr']:g}", r["windows"], r["note"]] for r in training["runs"]])]
    lines += ["", table(["held out (windows of held-out contexts)", "value"],
                        [[k.replace("held_", ""), v] for k, v in held.items() if k.startswith("held_")])]
    dev = training.get("dev_gold_passage") or {}
    if dev:
        lines += ["", "Dev files with the gold passage given (reported, never fitted; token level, window scores):", "",
                  table(["set", "questions", "token EM", "token F1", "answer-logit AUC (own passage answers?)"],
                        [[name, d["questions"], d["token_em"], d["token_f1"], d.get("auc_question")]
                         for name, d in dev.items()])]
    decision = record.get("decision")
    if decision:
        p = decision["pipeline"]
        lines += ["", f"ask() decision (`train/calibrate_reader.py`, {p['questions']} held-out Indonesian questions asked "
                      f"through retrieval and the reader on {p['backend']}; index: {p['index']}, three quarters of the "
                      f"held-out contexts): {decision['function']} with a={decision['a']:.3f}, c={decision['c']:.3f}, "
                      f"d={decision['d']:.3f}, b={decision['b']:.3f}; threshold {decision['threshold']} "
                      f"({decision['operating_point']}). AUC {p['auc']:.3f}; answers {p['answered_when_labelled_1']:.1%} of "
                      f"the questions whose first hit is their own answering context and {p['answered_when_labelled_0']:.1%} "
                      f"of the rest.", "",
                  table(["kind of held-out question", "n", "answered"],
                        [[k, v["questions"], v["answered"]] for k, v in p["by_kind"].items()])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = render(json.loads((DATA / "reader.json").read_text(encoding="utf-8")))
    print(body)
    if not args.no_write:
        write_section("reader", body)


if __name__ == "__main__":
    main()
