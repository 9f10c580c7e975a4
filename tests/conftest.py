"""Shared fixtures: the seeds, a fake embedder for fast tests, and the real model on the seeds."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
sys.path[:0] = [str(Path(__file__).resolve().parent), str(ROOT)]

from fakes import HashEmbedder  # noqa: E402


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seeds built with the real default model and backend (shared by the end-to-end tests)."""
    from qa.config import DEFAULT_MODEL
    from qa.index.build import build
    from qa.models.embed import make_embedder

    root = tmp_path_factory.mktemp("real") / "index"
    build([SEEDS], root, make_embedder(DEFAULT_MODEL), progress=False)  # the default backend
    return root


@pytest.fixture(scope="session")
def real_engine(real_index: Path):
    from qa.config import DEFAULT_MODEL
    from qa.index.engine import engine_for

    return engine_for(real_index, DEFAULT_MODEL)


@pytest.fixture
def benchmarks() -> Path:
    if not BENCHMARKS.is_dir():
        pytest.skip("../shared/benchmarks is not present")
    return BENCHMARKS


@pytest.fixture
def cli_env(tmp_path: Path) -> dict:
    """Environment for `python -m qa` subprocesses: no inherited QA_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env["PYTHONPATH"] = str(ROOT)
    return env
