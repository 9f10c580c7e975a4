"""Encoder variants on the same passages and questions: speed, and closeness to fp32 (bench/speed.py)."""

from __future__ import annotations

import copy
import time
import warnings
from typing import Callable, Sequence

import numpy as np

from qa.config import DEFAULT_MODEL
from qa.models import model as model_files
from qa.models.embed import make_embedder

Encode = Callable[[Sequence[str], str], np.ndarray]  # (texts, prompt) -> normalised vectors


def _torch_variant(st, precision: str) -> Encode:
    """The bare Transformer + mean pooling, length-sorted batches of 32, in bf16 autocast or int8 weights."""
    import torch

    bert = st[0].auto_model.eval()
    if precision == "int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao deprecation notice
            bert = torch.ao.quantization.quantize_dynamic(copy.deepcopy(bert), {torch.nn.Linear}, dtype=torch.qint8)

    def encode(texts: Sequence[str], prompt: str) -> np.ndarray:
        out = np.zeros((len(texts), bert.config.hidden_size), np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), 32):
            chunk = order[start : start + 32]
            batch = st.tokenizer([prompt + texts[i] for i in chunk], padding=True, truncation=True,
                                 max_length=st.max_seq_length, return_tensors="pt")
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                hidden = bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state.float()
            mask = batch["attention_mask"].unsqueeze(-1).float()
            out[chunk] = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
        return out

    return encode


def variants() -> dict[str, Encode]:
    st = model_files.load(DEFAULT_MODEL)

    def plain(texts: Sequence[str], prompt: str) -> np.ndarray:
        return st.encode(list(texts), prompt=prompt, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)

    found: dict[str, Encode] = {"torch fp32 (SentenceTransformer.encode)": plain,
                                "torch bf16 (autocast)": _torch_variant(st, "bf16"),
                                "torch int8 (quantize_dynamic)": _torch_variant(st, "int8")}
    for backend in ("onnx", "onnx-int8"):
        embedder = make_embedder(DEFAULT_MODEL, backend)
        found[f"{backend} (ONNX Runtime{', int8 per channel' if 'int8' in backend else ''})"] = \
            lambda texts, prompt, e=embedder: e._encode(texts, prompt)
    return found


def compare(passages: Sequence[str], questions: Sequence[str]) -> list[list]:
    """One row per variant: passages/s, one-question p50 ms, and min/mean cosine to fp32 over the passages."""
    rows, reference = [], None
    for name, encode in variants().items():
        encode(passages[:8], "passage: ")  # warm up
        started = time.perf_counter()
        vectors = encode(passages, "passage: ")
        rate = len(passages) / (time.perf_counter() - started)
        if reference is None:
            reference = vectors
        latencies = []
        for question in questions:
            started = time.perf_counter()
            encode([question], "query: ")
            latencies.append(time.perf_counter() - started)
        cosines = (vectors * reference).sum(1)
        rows.append([name, round(rate, 1), round(float(np.median(latencies)) * 1000, 2), round(float(cosines.min()), 4),
                     round(float(cosines.mean()), 4)])
        print(f"  {rows[-1]}", flush=True)
    return rows
