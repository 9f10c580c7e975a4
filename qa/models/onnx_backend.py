"""A faster CPU encoder: the same weights exported once to ONNX (int8 by default), run by ONNX Runtime.

:func:`materialise` writes ``<cache>/models/<model>-<backend>-v<N>-<hash>/`` from the model that
sentence-transformers loads (for the default model, the offline fp32 folder): the Transformer
with its mean or CLS pooling and L2 normalisation traced into one graph, BERT operators fused
by ONNX Runtime's optimiser, and for ``onnx-int8`` the weights quantised to int8 (dynamic,
per channel). Like the fp32 folder it is written beside its final place and renamed into it.
Exporting needs torch and ``onnx``; running needs only ``onnxruntime`` and ``tokenizers``,
so a question never imports torch or transformers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import threading
from pathlib import Path
from typing import Sequence

import numpy as np
from tqdm.auto import tqdm

from qa.config import CORES, cache_dir, write_cache_folder
from qa.errors import ModelError
from qa.models import firstuse, model as model_files, onnx_export

logger = logging.getLogger(__name__)

EXPORT_VERSION = "1"  # bump when the exported graph changes
ONNX_BACKENDS = ("onnx", "onnx-int8")
TOKEN_BUDGET = 8192  # tokens per batch when embedding many texts: long passages go in smaller batches
MAX_BATCH = 64


def export_dir(name: str, backend: str) -> Path:
    """``<cache>/models/<base name>-<backend>-v<N>-<hash>``: the hash is of the resolved folder (or the hub
    name), so two folders that share a base name never share, or delete, one export."""
    where = Path(model_files.resolve(name))
    key = str(where.resolve()) if where.is_dir() else name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", where.name if where.is_dir() else name)
    return cache_dir() / "models" / f"{slug}-{backend}-v{EXPORT_VERSION}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def trace(name: str, backend: str, out: Path) -> None:
    """The model traced into ``out`` (:func:`qa.models.onnx_export.trace`), with ``tokenizer.json`` and ``export.json``;
    torch only here, in a child process of :func:`materialise`."""
    import torch

    st = model_files.load(name)
    kinds = [type(m).__name__ for m in st]
    pooling = st[1].get_config_dict().get("pooling_mode") if len(st) > 1 else None
    if kinds[:2] != ["Transformer", "Pooling"] or pooling not in ("mean", "cls") or not hasattr(st.tokenizer, "backend_tokenizer"):
        raise ModelError(f"model {name!r} ({' + '.join(kinds)}, pooling {pooling}) cannot run on the ONNX backend; "
                         f"set QA_BACKEND=torch")
    bert = st[0].auto_model.eval()
    if hasattr(bert, "set_attn_implementation"):
        bert.set_attn_implementation("eager")  # traces into the pattern ONNX Runtime fuses into Attention

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    sample = st.tokenizer(["query: contoh", "passage: contoh yang lebih panjang"], padding=True, return_tensors="pt")
    try:
        onnx_export.trace(Pooled(), bert, (sample["input_ids"], sample["attention_mask"]), out, ["embedding"],
                          {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                           "embedding": {0: "batch"}})
    finally:
        if hasattr(bert, "set_attn_implementation"):
            bert.set_attn_implementation("sdpa")
    config = bert.config
    st.tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    info = {"source": name, "source_fingerprint": model_files.fingerprint(name), "backend": backend,
            "export_version": EXPORT_VERSION, "pooling": pooling, "dim": int(config.hidden_size),
            "max_seq_length": int(st.max_seq_length), "pad_id": int(st.tokenizer.pad_token_id),
            "pad_token": st.tokenizer.pad_token, "prompts": model_files.model_prompts(st, name)}
    (out / "export.json").write_text(json.dumps(info, indent=2))


def finish(current: "firstuse.Step", out: Path, quantised: str | None) -> None:
    """A traced graph in ``out`` fused, then quantised (``int8``: every weight; ``gather``: the word embeddings only;
    None: not at all), into ``out/model.onnx``, each stage in its own child process: the encoder's and the reader's
    export share it."""
    current.stage("fusing")
    firstuse.run_child(current, "fuse", str(out), "final" if quantised is None else "to-quantise")
    if quantised is not None:
        current.stage("quantising")
        firstuse.run_child(current, "quantise", str(out), quantised)


def _export(current: "firstuse.Step", name: str, backend: str, out: Path) -> None:
    current.stage("tracing")
    firstuse.run_child(current, "trace-encoder", name, backend, str(out))
    finish(current, out, "int8" if backend == "onnx-int8" else None)


def materialise(name: str, backend: str) -> Path:
    """The exported folder for a model and backend, written once, in a child process (:mod:`qa.models.firstuse`)."""
    target = export_dir(name, backend)
    if (target / "export.json").is_file():
        made_from = json.loads((target / "export.json").read_text()).get("source_fingerprint")
        if made_from == model_files.fingerprint(name):
            return target
        logger.warning("%s was exported from other weights of %s; exporting again", target, name)
        shutil.rmtree(target)
    with firstuse.step("exporting the encoder to ONNX", f"encoder exported to ONNX ({backend})", target,
                       3 if backend == "onnx-int8" else 2) as current:
        return write_cache_folder(target, "export.json", lambda out: _export(current, name, backend, out))


class OnnxEmbedder:
    """Normalised float32 vectors from the exported graph; same prompts and tokens as sentence-transformers."""

    def __init__(self, name: str, backend: str, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name, self.backend = name, backend
        self.runtime = model_files.runtime(backend)
        self.threads = threads or CORES  # intra-op threads for batches (ONNX Runtime ignores OMP_NUM_THREADS)
        folder = materialise(name, backend)
        info = json.loads((folder / "export.json").read_text())
        self.dim = int(info["dim"])
        self._prompts = dict(info["prompts"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(info["max_seq_length"]))
        self._tokenizer.no_padding()
        self._pad = int(info["pad_id"])
        self._fingerprint = hashlib.sha256(f"{info['source_fingerprint']}:{backend}:{EXPORT_VERSION}".encode()).hexdigest()[:16]
        self._ort, self._path = ort, folder / "model.onnx"
        self._sessions = {1: self._session(1)}  # the many-thread session for batches is opened on first use
        self._sessions_lock = threading.Lock()
        self.encode_queries(["pemanasan"])  # first run allocates; do it now, not on the first question

    def _session(self, threads: int):
        ort, path = self._ort, self._path
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types; one actionable line instead
            raise ModelError(f"cannot load {path} ({str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}); "
                             f"delete {path.parent} to export it again, or set QA_BACKEND=torch") from exc

    def fingerprint(self) -> str:
        return self._fingerprint

    def prompts(self) -> dict[str, str]:
        return dict(self._prompts)

    def _run(self, encodings: list, threads: int) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        session = self._sessions.get(threads)
        if session is None:
            with self._sessions_lock:  # one session per thread count, even when threads encode at once
                if threads not in self._sessions:
                    self._sessions[threads] = self._session(threads)
                session = self._sessions[threads]
        return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]  # run() is thread-safe

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool = False) -> np.ndarray:
        """fp32: texts sorted by token count and cut into batches of about ``TOKEN_BUDGET`` tokens (little padding);
        int8: one text per run (see below)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([prompt + t for t in texts])
        if len(texts) == 1:  # one question: a single thread answers sooner than two that must meet
            out[0] = self._run(encodings, 1)[0]
            return out
        if self.backend == "onnx-int8":
            # Dynamic int8 quantisation takes its scale from the whole batch: batched, a passage's vector
            # would depend on its batch mates (cosine down to 0.996 between two batchings). One text per
            # run makes it a function of the text alone, the same in any build (local, Ray, incremental),
            # and is no slower on this CPU (no padding): bench/RESULTS.md, Ray build section.
            with tqdm(total=len(texts), desc="embedding", unit="passage", disable=not progress, leave=False) as bar:
                for i, encoding in enumerate(encodings):
                    out[i] = self._run([encoding], self.threads)[0]
                    bar.update(1)
            return out
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        start = 0
        with tqdm(total=len(texts), desc="embedding", unit="passage", disable=not progress, leave=False) as bar:
            while start < len(order):
                size = max(1, min(MAX_BATCH, TOKEN_BUDGET // len(encodings[order[start]].ids)))
                chunk = order[start : start + size]
                out[chunk] = self._run([encodings[i] for i in chunk], self.threads)
                start += size
                bar.update(len(chunk))
        return out

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._prompts["document"], progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prompts["query"])
