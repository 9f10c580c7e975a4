"""A deterministic fake embedder: hashed bag of words, so unit tests need no model."""

from __future__ import annotations

import hashlib
import os
import signal
import re
from typing import Sequence

import numpy as np


class HashEmbedder:
    """Each lower-cased word adds a fixed pseudo-random vector; the sum is normalised."""

    backend = "hash"
    runtime = "numpy"

    def __init__(self, dim: int = 64, name: str = "test/hash-embedder") -> None:
        self.name = name
        self.dim = dim
        self.calls: list[int] = []  # how many texts each encode_passages call embedded

    def fingerprint(self) -> str:
        return f"hash-{self.dim}"

    def prompts(self) -> dict[str, str]:
        return {"query": "", "document": ""}

    def _vector(self, text: str) -> np.ndarray:
        total = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            total += np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        norm = np.linalg.norm(total)
        return total / norm if norm else total

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._vector(t) for t in texts])


def hash_factory(threads: int) -> HashEmbedder:
    """A Ray build's encoder factory for the fake (``threads`` is the actor's CPU share, unused here)."""
    return HashEmbedder()


class DyingEmbedder(HashEmbedder):
    """Kills its own process with SIGKILL on a batch while ``marker`` exists, like an OOM kill of a Ray actor.

    With ``once`` the first actor to rename the marker away dies and later batches run; without it
    every batch kills its actor.
    """

    def __init__(self, marker: str, once: bool) -> None:
        super().__init__()
        self.marker, self.once = marker, once

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if self.once:
            try:
                os.rename(self.marker, self.marker + ".used")  # atomic: exactly one actor wins
            except FileNotFoundError:
                return super().encode_passages(texts, progress)
            os.kill(os.getpid(), signal.SIGKILL)
        if os.path.exists(self.marker):
            os.kill(os.getpid(), signal.SIGKILL)
        return super().encode_passages(texts, progress)


def dying_factory(marker: str, once: bool, threads: int) -> DyingEmbedder:
    return DyingEmbedder(marker, once)
