"""Embeddings: text in, L2-normalised float32 vectors out, with the model's query/passage prompts.

Three backends run the same weights (``QA_BACKEND`` or ``--backend``):

- ``onnx-int8`` (default for the default model): exported once to ONNX (fused attention), int8 weights and
  activations, ONNX Runtime: about 2.5x the build rate of fp32 and 5 ms a question, with R@5 on FacQA and
  IDK-MRC dev within 0.005 of fp32 (bench/RESULTS.md), and no torch import when answering;
- ``onnx``: the same graph in fp32: the same vectors as sentence-transformers (cosine 1.0000);
- ``torch``: sentence-transformers as loaded (fp32), and the default for any other model.

The backend is part of the model's fingerprint in the index manifest, so an index built
with one backend is never silently searched with vectors from another.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol, Sequence

import numpy as np

from qa.config import BACKENDS, DEFAULT_BACKEND, backend_name  # noqa: F401  (re-exported: the backend names live in config)
from qa.models import model as model_files

logger = logging.getLogger(__name__)



class Embedder(Protocol):
    """What the index needs from an embedding model. Tests pass a deterministic fake."""

    name: str
    dim: int
    backend: str  # onnx-int8, onnx, torch (a fake says what it is)
    runtime: str  # the libraries computing the vectors, at major.minor (qa.models.model.runtime)

    def fingerprint(self) -> str: ...

    def prompts(self) -> dict[str, str]: ...

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def make_embedder(model: str, backend: str | None = None, threads: int | None = None) -> "Embedder":
    """The embedder for a model setting and a backend setting (see :func:`backend_name`).

    ``threads`` pins the encoder's intra-op threads (default: every core), e.g. one per Ray actor.
    """
    chosen = backend_name(model, backend)
    if chosen == "torch":
        if threads:
            import torch

            torch.set_num_threads(threads)
        return SentenceTransformerEmbedder(model)
    from qa.models.onnx_backend import OnnxEmbedder

    return OnnxEmbedder(model, chosen, threads)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded once per process through :func:`qa.models.model.load`."""

    backend = "torch"

    def __init__(self, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self._model = model_files.load(name)
        self._prompts = model_files.model_prompts(self._model, name)
        self.dim = int(self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                       else self._model.get_sentence_embedding_dimension())
        self._fingerprint: str | None = None
        self.runtime = model_files.runtime(self.backend)
        self._lock = threading.Lock()

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = model_files.fingerprint(self.name)
        return self._fingerprint

    def prompts(self) -> dict[str, str]:
        return dict(self._prompts)

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> np.ndarray:
        with self._lock:  # the fast tokenizer raises "Already borrowed" when two threads encode at once
            vectors = self._model.encode(list(texts), prompt=prompt, batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._prompts["document"], progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prompts["query"], False)
