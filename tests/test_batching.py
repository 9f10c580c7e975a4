"""The micro-batcher (qa/models/batching.py): each caller gets its own rows back, errors reach every caller of a
batch, nobody hangs, and with the real model a batched server answers as one question at a time does."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from qa.errors import ModelError
from qa.models.batching import Batcher, BatchedQueries, run_stacked

SEED_QUESTIONS = Path(__file__).parent / "data" / "seed_questions.jsonl"


def _together(calls: int, target, timeout: float = 30.0) -> list:
    """``target(n)`` in ``calls`` threads released at once; each thread's return value or exception, in order."""
    results: list = [None] * calls
    start = threading.Barrier(calls)

    def worker(n: int) -> None:
        start.wait()
        try:
            results[n] = target(n)
        except BaseException as exc:  # collected: the test asserts what each caller got
            results[n] = exc

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a caller hangs"
    return results


def _slow(fn, seconds: float = 0.02):
    def run(items: list) -> list:
        time.sleep(seconds)  # the model is busy: the other callers queue for the next batch
        return fn(items)
    return run


# Protects against: a batched call handing one caller another caller's result, or batching nothing at all.
def test_concurrent_calls_are_batched_and_each_caller_gets_its_own_result():
    batches: list[list[int]] = []
    batcher: Batcher[int, int] = Batcher(_slow(lambda items: batches.append(list(items)) or [10 * i for i in items]))
    assert _together(16, batcher) == [10 * n for n in range(16)]
    assert sorted(i for batch in batches for i in batch) == list(range(16))  # each call ran once
    assert max(len(batch) for batch in batches) > 1 and sum(batcher.sizes.values()) == len(batches)


# Protects against: a failed batch leaving some of its callers waiting forever, or failing only its leader.
@pytest.mark.parametrize("run, error", [(_slow(lambda items: 1 / 0), ZeroDivisionError),
                                        (_slow(lambda items: items[:-1]), ModelError)])
def test_a_failed_batch_raises_in_every_caller_and_nobody_hangs(run, error):
    batcher: Batcher[int, int] = Batcher(run)
    results = _together(8, batcher)
    assert all(isinstance(result, error) for result in results), results
    with pytest.raises(error):  # and the batcher still serves (and fails) a later call
        batcher(1)


# Protects against: a lone question paying the gathering wait when nothing else is asked.
def test_a_lone_call_on_an_idle_model_runs_at_once():
    batcher: Batcher[int, int] = Batcher(lambda items: items, gather_s=5.0)
    started = time.perf_counter()
    assert [batcher(n) for n in range(3)] == [0, 1, 2]
    assert time.perf_counter() - started < 1.0


# Protects against: padded rows or columns leaking into a caller's logits, and runs over the token budget.
def test_stacked_rows_are_padded_run_within_the_budget_and_split_back():
    rng = np.random.default_rng(0)
    items = [(rng.integers(2, 100, (rows, width)), np.ones((rows, width), np.int64))
             for rows, width in [(1, 5), (3, 9), (2, 4), (4, 7)]]
    runs: list[tuple[int, int]] = []

    def forward(ids, mask):
        runs.append(ids.shape)
        return ids * 1.0, mask * 2.0, ids[:, 0] * 3.0

    out = run_stacked(forward, items, max_rows=6, budget=40)
    assert runs == [(4, 9), (2, 4), (4, 7)]  # 1+3 rows x 9 = 36; +2 rows would make 6 x 9 = 54 > 40
    for (ids, mask), (start, end, answer) in zip(items, out):
        np.testing.assert_array_equal(start, ids)
        np.testing.assert_array_equal(end, mask * 2.0)
        np.testing.assert_array_equal(answer, ids[:, 0] * 3.0)


# Protects against: batched query vectors reaching the wrong question.
def test_batched_queries_give_each_thread_its_own_vectors(fake_embedder):
    batched = BatchedQueries(fake_embedder)
    texts = [[f"pertanyaan {n}", f"kedua {n}"] for n in range(12)]
    for n, vectors in enumerate(_together(12, lambda n: batched.encode_queries(texts[n]))):
        np.testing.assert_array_equal(vectors, fake_embedder.encode_queries(texts[n]))
    assert batched.dim == fake_embedder.dim and batched.fingerprint() == fake_embedder.fingerprint()


def _essence(answer) -> tuple:
    hit = answer.hits[0] if answer.hits else None
    return answer.outcome, hit and hit.passage_id, hit and (hit.answer_start, hit.answer_end), hit and hit.quote


# Protects against: batching (padding to other questions' windows) changing an answer the server gives.
def test_real_questions_asked_together_get_the_answers_they_get_one_at_a_time(real_engine):
    from qa.answering.ask import answer_with
    from qa.models.batching import batched_engine

    questions = [json.loads(line)["question"] for line in SEED_QUESTIONS.read_text().splitlines()[:24]]
    alone = [answer_with(real_engine, q, k=3) for q in questions]
    engine = batched_engine(real_engine)
    together = _together(len(questions), lambda n: answer_with(engine, questions[n], k=3), timeout=300)
    assert max(engine.reader.batcher.sizes) > 1  # the reader did read questions together
    for question, one, batched in zip(questions, alone, together):
        assert _essence(batched) == _essence(one), question
        probabilities = [(h.reader_probability, g.reader_probability) for h, g in zip(one.hits, batched.hits)]
        assert all(a == b or abs(a - b) < 1e-4 for a, b in probabilities), question


# Protects against: the batched forward pass drifting from the reader's own beyond float rounding.
def test_real_reader_logits_batched_equal_one_at_a_time(real_engine):
    reader = real_engine.reader
    rng = np.random.default_rng(1)
    items = []
    for rows, width in [(1, 60), (3, 140), (2, 100)]:
        ids = rng.integers(5, 20000, (rows, width))
        ids[:, 0], ids[:, -1] = 0, 2
        items.append((ids, np.ones_like(ids)))
    for (ids, mask), batched in zip(items, run_stacked(reader.forward, items)):
        for got, want in zip(batched, reader.forward(ids, mask)):
            np.testing.assert_allclose(got, want, atol=1e-3)
