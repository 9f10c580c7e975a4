"""The load test's lean client: raw HTTP (http.client, one connection a request) to ``POST /api/ask``, in threads.

Every loop is bounded in count and in time; every request has a timeout. What it records per phase: latencies of
the answers that came back (status 200, an ``Answer.to_dict()``), the errors, the wall time and this process's own
CPU time (the client's cost, reported beside the server's so a slow client is not mistaken for a slow server).
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

QUESTIONS = [
    "Siapa Ketua Bawaslu Jawa Tengah?", "Siapa Sekda Jateng?", "Who opened the legal counseling in Bangka Tengah?",
    "Di mana rapat koordinasi netralitas ASN Kemenkumham Jateng digelar?", "asn boleh ikut kampanye gak?",
    "Kapan penyuluhan hukum di Bangka Tengah?", "Apa saja pelanggaran netralitas ASN menurut Sumarno?",
    "Resep rendang daging sapi yang empuk", "Siapa Pj Gubernur Jawa Tengah?", "medsos asn jelang pilkda gmn?",
]
TIMEOUT = 120.0  # seconds one request may take before it counts as an error
MAX_REQUESTS = 100_000  # per phase, whatever the durations say


@dataclass
class Phase:
    """What one phase of the load test measured."""

    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu_s: float = 0.0

    def row(self) -> dict:
        done = sorted(self.latencies)
        return {"phase": self.name, "clients": self.clients, "ok": len(done), "errors": len(self.errors),
                "seconds": self.seconds, "per_second": len(done) / self.seconds if self.seconds else 0.0,
                "p50_ms": 1000 * statistics.median(done) if done else None,
                "p95_ms": 1000 * done[int(0.95 * (len(done) - 1))] if done else None,
                "client_cpu_s": self.client_cpu_s}


def ask_http(url: str, question: str, k: int = 3) -> dict:
    """One ``POST /api/ask`` on a fresh connection; the answer, or a RuntimeError naming the status and the error."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request("POST", "/api/ask", json.dumps({"question": question, "k": k}),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    if response.status != 200 or "answered" not in body:
        raise RuntimeError(f"HTTP {response.status}: {str(body.get('error', body))[:150]}")
    return body


class Recorder:
    """Latencies and errors from many threads into one :class:`Phase`."""

    def __init__(self, phase: Phase) -> None:
        self.phase, self.lock, self.count = phase, threading.Lock(), 0

    def claim(self, limit: int = MAX_REQUESTS) -> bool:
        """Whether one more request may go out in this phase (bounded by ``limit`` and :data:`MAX_REQUESTS`)."""
        with self.lock:
            self.count += 1
            return self.count <= min(limit, MAX_REQUESTS)

    def ask(self, url: str, question: str) -> None:
        started = time.perf_counter()
        try:
            ask_http(url, question)
        except (OSError, ValueError, RuntimeError, http.client.HTTPException) as exc:  # counted and reported
            with self.lock:
                self.phase.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            return
        with self.lock:
            self.phase.latencies.append(time.perf_counter() - started)


def run_phase(name: str, clients: int, worker, seconds: float) -> Phase:
    """``clients`` threads running ``worker(recorder, deadline, n)`` until ``seconds`` pass; the client's CPU time."""
    phase = Phase(name, clients)
    recorder = Recorder(phase)
    cpu, started = time.process_time(), time.perf_counter()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=worker, args=(recorder, deadline, n), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:  # a request still out at the deadline may finish: it has TIMEOUT
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + TIMEOUT + 5)
    phase.seconds, phase.client_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    return phase


def one_client(url: str, count: int, seconds: float) -> Phase:
    """One client asking ``count`` questions back to back (fewer if ``seconds`` pass first)."""
    def worker(recorder: Recorder, deadline: float, n: int) -> None:
        for i in range(count):
            if time.monotonic() >= deadline or not recorder.claim():
                return
            recorder.ask(url, QUESTIONS[i % len(QUESTIONS)])
    return run_phase("one client", 1, worker, seconds)


def saturation(url: str, clients: int, seconds: float) -> Phase:
    """``clients`` clients each asking back to back, the next question as soon as the answer is back."""
    def worker(recorder: Recorder, deadline: float, n: int) -> None:
        i = n
        while time.monotonic() < deadline and recorder.claim():
            recorder.ask(url, QUESTIONS[i % len(QUESTIONS)])
            i += 1
    return run_phase(f"saturation ({seconds:g} s)", clients, worker, seconds)


def room(url: str, clients: int, seconds: float, every: float, seed: int = 0) -> Phase:
    """A room: ``clients`` people each asking a random question at random, about once every ``every`` seconds
    (the first after a random wait in [0, every), then waits drawn from [every/2, 3*every/2))."""
    def worker(recorder: Recorder, deadline: float, n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        wait = rng.uniform(0, every)
        while time.monotonic() + wait < deadline:
            time.sleep(wait)
            if not recorder.claim():
                return
            asked = time.monotonic()
            recorder.ask(url, rng.choice(QUESTIONS))
            wait = max(0.0, rng.uniform(every / 2, 3 * every / 2) - (time.monotonic() - asked))
    return run_phase(f"room (every ~{every:g} s, {seconds:g} s)", clients, worker, seconds)


def soak(url: str, clients: int, count: int, every: int, sample: Callable[[], float],
         seconds: float = 3600.0) -> tuple[Phase, list[tuple[int, float]]]:
    """``clients`` clients back to back until ``count`` questions went out (or ``seconds`` passed); ``sample()`` (the
    server's RSS, MB) after every ``every`` answers, as (answers so far, value) pairs."""
    samples: list[tuple[int, float]] = []

    def worker(recorder: Recorder, deadline: float, n: int) -> None:
        i = n
        while time.monotonic() < deadline and recorder.claim(count):
            recorder.ask(url, QUESTIONS[i % len(QUESTIONS)])
            i += 1
            with recorder.lock:
                answers = len(recorder.phase.latencies)
                if answers // every > len(samples):
                    samples.append((answers, sample()))
    return run_phase(f"soak ({count} questions)", clients, worker, seconds), samples
