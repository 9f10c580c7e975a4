"""Embeddings: text in, L2-normalised float32 vectors out, with the model's query/passage prompts."""

from __future__ import annotations

import logging
from typing import Protocol, Sequence

import numpy as np

from qa import model as model_files
from qa.model import E5_PROMPTS

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    """What the index needs from an embedding model. Tests pass a deterministic fake."""

    name: str
    dim: int

    def fingerprint(self) -> str: ...

    def prompts(self) -> dict[str, str]: ...

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded once per process through :func:`qa.model.load`."""

    def __init__(self, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self._model = model_files.load(name)
        configured = dict(getattr(self._model, "prompts", {}) or {})
        if "query" not in configured and "e5" in name.lower():
            configured = dict(E5_PROMPTS)  # e5 models need their prefixes even when the folder omits them
        self._prompts = {"query": configured.get("query", ""), "document": configured.get("document", configured.get("passage", ""))}
        self.dim = int(self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                       else self._model.get_sentence_embedding_dimension())
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = model_files.fingerprint(self.name)
        return self._fingerprint

    def prompts(self) -> dict[str, str]:
        return dict(self._prompts)

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> np.ndarray:
        vectors = self._model.encode(list(texts), prompt=prompt, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._prompts["document"], progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prompts["query"], False)
