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
        self._loaded = None
        self._prompts: dict[str, str] = {}
        self._dim = 0
        self._fingerprint: str | None = None

    @property
    def _model(self):
        """The model, loaded on first use, so that a build can refuse (busy lock) before paying for it."""
        if self._loaded is None:
            self._loaded = model_files.load(self.name)
            configured = dict(getattr(self._loaded, "prompts", {}) or {})
            if "query" not in configured and "e5" in self.name.lower():
                configured = dict(E5_PROMPTS)  # e5 models need their prefixes even when the folder omits them
            self._prompts = {"query": configured.get("query", ""),
                             "document": configured.get("document", configured.get("passage", ""))}
            self._dim = int(self._loaded.get_embedding_dimension() if hasattr(self._loaded, "get_embedding_dimension")
                            else self._loaded.get_sentence_embedding_dimension())
        return self._loaded

    @property
    def dim(self) -> int:
        self._model
        return self._dim

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = model_files.fingerprint(self.name)
        return self._fingerprint

    def prompts(self) -> dict[str, str]:
        self._model
        return dict(self._prompts)

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> np.ndarray:
        vectors = self._model.encode(list(texts), prompt=prompt, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.prompts()["document"], progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.prompts()["query"], False)
