"""A short smoke version of bench/load.py: a real `qa serve` under concurrent API clients."""

from __future__ import annotations

from pathlib import Path

from bench.load import load_test


# Protects against: the server failing, mixing up or dropping answers under concurrent clients.
def test_concurrent_clients_get_answers_without_errors(real_index: Path):
    report = load_test(real_index, clients=3, questions=30, soak=0, time_limit=240)
    assert report["errors"] == 0, report["first_errors"]
    assert report["ok"] == 30
    assert report["rss_after_mb"] > 0
