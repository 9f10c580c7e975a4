"""Micro-batching: model calls that threads make at the same time run as one batched call.

``qa serve`` answers several questions at once in worker threads (:mod:`qa.page.api`). A :class:`Batcher` gathers
their calls: the first caller to find the model idle leads, takes every call pending (its own among them) and runs
them as one; calls that arrive meanwhile queue for the next batch, which one of their threads leads. A lone call on an
idle model runs at once; only while calls have lately come in together (a batch of two or more within
:data:`RECENT_S`) does a leader wait, at most :data:`GATHER_S`, for more. Each caller gets its own result, or the
batch's error; no wait is unbounded (:data:`WAIT_LIMIT_S`). Used for the reader's forward pass (:class:`BatchedReader`)
and, where batching cannot change a vector, for query encoding (:class:`BatchedQueries`).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

import numpy as np

from qa.errors import ModelError
from qa.models.reader import PAD_ID, Reader

T, R, E = TypeVar("T"), TypeVar("R"), TypeVar("E")
Logits = tuple[np.ndarray, np.ndarray, np.ndarray]  # start, end (rows, tokens) float32; answer (rows,) float32

GATHER_S = 0.003  # seconds a leader waits for more calls, only while calls have lately come in together
RECENT_S = 1.0  # "lately": a batch of two or more calls finished within this many seconds
MAX_ROWS = 64  # reader windows (rows) in one model run
TOKEN_BUDGET = 8192  # rows x padded width in one reader run, as the encoder's (qa.models.onnx_backend.TOKEN_BUDGET)
WAIT_LIMIT_S = 300.0  # a call not served within this many seconds raises ModelError
BATCH_EXACT = ("onnx", "torch")  # encoders whose vectors do not depend on batch mates (onnx-int8's do: its
# activations' int8 scale is taken over the whole batch, so a batched query's vector moves: cosine 0.994)


@dataclass(eq=False)
class _Call(Generic[T, R]):
    item: T
    result: R | None = None
    error: BaseException | None = None
    done: bool = False


class Batcher(Generic[T, R]):
    """``batcher(item)`` from many threads; ``run(items)`` (one result per item, in order) runs the batches."""

    def __init__(self, run: Callable[[list[T]], Sequence[R]], gather_s: float = GATHER_S, max_items: int = 64) -> None:
        self.run, self.gather_s, self.max_items = run, gather_s, max_items
        self.sizes: Counter[int] = Counter()  # batch size -> batches run (for the benches and tests)
        self._cond = threading.Condition()
        self._pending: list[_Call[T, R]] = []
        self._busy = False  # a leader is gathering or running a batch
        self._crowded_until = 0.0  # time.monotonic() until which a leader gathers for GATHER_S

    def __call__(self, item: T) -> R:
        call: _Call[T, R] = _Call(item)
        deadline = time.monotonic() + WAIT_LIMIT_S
        with self._cond:
            self._pending.append(call)
            self._cond.notify_all()  # a gathering leader may take it now
        while True:
            with self._cond:
                while self._busy and not call.done:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        self._pending = [c for c in self._pending if c is not call]
                        raise ModelError(f"a batched model call waited over {WAIT_LIMIT_S:g} s; try again")
                    self._cond.wait(left)
                if call.done:
                    break
                self._busy = True  # idle, and this call still pending: lead the next batch
            self._lead()
        if call.error is not None:
            raise call.error  # every caller of a failed batch gets its error
        return call.result  # type: ignore[return-value]

    def _lead(self) -> None:
        batch: list[_Call[T, R]] = []
        try:
            with self._cond:
                end = time.monotonic() + (self.gather_s if time.monotonic() < self._crowded_until else 0.0)
                while len(self._pending) < self.max_items and (left := end - time.monotonic()) > 0:
                    self._cond.wait(left)
                batch, self._pending = self._pending[: self.max_items], self._pending[self.max_items:]
            try:
                results = list(self.run([c.item for c in batch]))
                if len(results) != len(batch):
                    raise ModelError(f"a batched model call gave {len(results)} results for {len(batch)} calls")
                for c, result in zip(batch, results):
                    c.result = result
            except BaseException as exc:  # a Rust panic is no Exception: it too goes to every caller
                for c in batch:
                    c.error = exc
        finally:
            with self._cond:
                for c in batch:
                    c.done = True
                if len(batch) > 1:
                    self._crowded_until = time.monotonic() + RECENT_S
                self.sizes[len(batch)] += 1
                self._busy = False
                self._cond.notify_all()


def run_stacked(forward: Callable[[np.ndarray, np.ndarray], Logits], items: list[tuple[np.ndarray, np.ndarray]],
                max_rows: int = MAX_ROWS, budget: int = TOKEN_BUDGET) -> list[Logits]:
    """``forward(ids, mask)`` over several callers' (ids, mask) int64 arrays of shape (rows, tokens): their rows
    stacked and padded to the longest (pad id, mask 0) in runs of at most ``max_rows`` rows and ``budget`` padded
    tokens (a caller over the budget runs alone); each caller's start, end (its rows, its tokens), answer (its rows)."""
    out: list[Logits] = []
    groups: list[list[tuple[np.ndarray, np.ndarray]]] = []
    rows = width = 0
    for ids, mask in items:  # consecutive callers, a new run when the next would pass a budget
        if not groups or rows + len(ids) > max_rows or (rows + len(ids)) * max(width, ids.shape[1]) > budget:
            groups.append([])
            rows = width = 0
        groups[-1].append((ids, mask))
        rows, width = rows + len(ids), max(width, ids.shape[1])
    for group in groups:
        width = max(ids.shape[1] for ids, _ in group)
        start, end, answer = forward(
            np.concatenate([np.pad(i, ((0, 0), (0, width - i.shape[1])), constant_values=PAD_ID) for i, _ in group]),
            np.concatenate([np.pad(mask, ((0, 0), (0, width - mask.shape[1]))) for _, mask in group]))
        row = 0
        for ids, _ in group:
            n, tokens = ids.shape
            out.append((start[row:row + n, :tokens], end[row:row + n, :tokens], answer[row:row + n]))
            row += n
    return out


class BatchedReader(Reader):
    """The same reader (session, tokenizer, calibration shared), its forward passes batched across threads."""

    def __init__(self, reader: Reader, gather_s: float = GATHER_S) -> None:
        self.__dict__.update(reader.__dict__)  # not super().__init__(): that would load the model again
        self.batcher: Batcher[tuple[np.ndarray, np.ndarray], Logits] = Batcher(
            lambda items: run_stacked(reader.forward, items), gather_s)

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> Logits:
        return self.batcher((ids, mask))


class BatchedQueries:
    """An embedder whose ``encode_queries`` calls are batched across threads; all else is the wrapped embedder's."""

    def __init__(self, embedder: Any, gather_s: float = GATHER_S) -> None:
        self.inner = embedder
        self.batcher: Batcher[list[str], np.ndarray] = Batcher(self._encode_many, gather_s)

    def __getattr__(self, name: str) -> Any:  # name, dim, backend, runtime, fingerprint, prompts, encode_passages
        if name == "inner":
            raise AttributeError(name)  # not set yet (a copy being made): no recursion
        return getattr(self.inner, name)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:  # (len(texts), dim) float32, as the wrapped one's
        return self.batcher(list(texts)) if texts else self.inner.encode_queries(texts)

    def _encode_many(self, groups: list[list[str]]) -> list[np.ndarray]:
        vectors = self.inner.encode_queries([text for group in groups for text in group])
        bounds = np.cumsum([0] + [len(group) for group in groups])
        return [vectors[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def batched_engine(engine: E, gather_s: float = GATHER_S) -> E:
    """``engine`` (a :class:`qa.index.engine.Engine`) with its reader's forward passes batched, and its query encoding
    too where the encoder is in :data:`BATCH_EXACT`; the model objects are shared, nothing is loaded again."""
    embedder, reader = engine.embedder, engine.reader  # type: ignore[attr-defined]
    if embedder.backend in BATCH_EXACT:
        embedder = BatchedQueries(embedder, gather_s)
    reader = BatchedReader(reader, gather_s) if reader is not None else None
    return dataclasses.replace(engine, embedder=embedder, reader=reader)  # type: ignore[type-var]
