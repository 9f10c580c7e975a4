"""Faults during a build: kill -9 at each stage, two builds at once, a real write limit.

Builds run in real subprocesses with the fake embedder; a stage is reached when the
subprocess touches a marker file, and the test then kills it with SIGKILL.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import ROOT
from fakes import HashEmbedder
from qa.answering.ask import answer_with
from qa.index import store
from qa.index.build import build
from qa.index.engine import Engine

# The driver builds with the fake embedder and stops forever at the named stage, after
# touching the marker file, so that the test can kill it exactly there.
DRIVER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    sys.path[:0] = [sys.argv[5], sys.argv[6]]
    from fakes import HashEmbedder
    from qa.index import store
    from qa.index.build import build

    stage, marker, sources, root = sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])

    def stop_here():
        marker.write_text(str(os.getpid()))
        while True:
            time.sleep(1)

    embedder = HashEmbedder()
    if stage == "embedding":
        embedder.encode_passages = lambda texts, progress=False: stop_here()
    elif stage == "writing":
        original = store.faiss.write_index
        def half_written(index, path):
            original(index, path)
            stop_here()
        store.faiss.write_index = half_written
    elif stage == "before-rename":
        original_replace = store.os.replace
        def replace(src, dst):
            if Path(dst).name == "CURRENT":
                stop_here()
            original_replace(src, dst)
        store.os.replace = replace
    build([sources], root, embedder, progress=False)
    print("built")
""")


def _start(stage: str, tmp_path: Path, sources: Path, root: Path) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"reached-{stage}"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, stage, str(marker), str(sources), str(root),
                             str(ROOT / "tests"), str(ROOT)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"driver never reached {stage}: {proc.communicate()}")
        time.sleep(0.05)
    return proc, marker


def _snapshot(root: Path) -> list[dict]:
    """Answers from the live index as stored (its sources may have changed since: that is the point)."""
    engine = Engine(embedder=HashEmbedder(), index=store.load(root))
    return [answer_with(engine, q, k=3).to_dict() for q in ("Siapa Ketua Bawaslu Jawa Tengah?", "penyuluhan hukum Bangka")]


# Protects against: a build killed at any stage corrupting or replacing the live index.
@pytest.mark.parametrize("stage", ["embedding", "writing", "before-rename"])
def test_kill_9_during_a_build_leaves_the_previous_index_answering(stage: str, seeds_copy: Path, tmp_path: Path):
    root = tmp_path / "index"
    build([seeds_copy], root, HashEmbedder(), progress=False)
    before, folder = _snapshot(root), store.current_folder(root)
    (seeds_copy / "005_new.txt").write_text("Bupati Contoh meminta seluruh ASN netral dalam Pilkada.", encoding="utf-8")
    proc, _ = _start(stage, tmp_path, seeds_copy, root)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert store.current_folder(root) == folder
    assert _snapshot(root) == before
    result = build([seeds_copy], root, HashEmbedder(), progress=False)  # the next build completes
    assert result.articles == 6 and store.current_folder(root) == result.folder
    assert [p.name for p in root.iterdir() if p.is_dir()] == [result.folder.name]  # leftovers cleaned


# Protects against: two builds at once interleaving their writes into one index.
def test_a_second_build_refuses_while_one_is_running(seeds_copy: Path, tmp_path: Path, cli_env: dict):
    root = tmp_path / "index"
    proc, _ = _start("embedding", tmp_path, seeds_copy, root)
    try:
        second = subprocess.run([sys.executable, "-m", "qa", "build", "--source", str(seeds_copy), "--index", str(root)],
                                capture_output=True, text=True, env=cli_env, timeout=120)
        assert second.returncode == 2
        assert "another `qa build` is writing" in second.stderr and "Traceback" not in second.stderr
    finally:
        proc.kill()
        proc.wait(timeout=10)
    build([seeds_copy], root, HashEmbedder(), progress=False)  # the lock died with its holder
    store.load(root)


# Protects against: a disk that fills up mid-write leaving a half index live or an unclear error.
def test_a_real_write_limit_gives_a_clear_error_and_keeps_the_old_index(seeds_copy: Path, tmp_path: Path):
    root = tmp_path / "index"
    build([seeds_copy], root, HashEmbedder(), progress=False)
    before = _snapshot(root)
    (seeds_copy / "big.txt").write_text("Kalimat panjang tentang netralitas ASN di daerah. " * 22_000, encoding="utf-8")
    script = ("import sys; sys.path[:0]=[sys.argv[3], sys.argv[4]]; from fakes import HashEmbedder; "
              "from qa.index.build import build; from qa.errors import QAError\n"
              "try:\n    build([sys.argv[1]], sys.argv[2], HashEmbedder(), progress=False)\n"
              "except QAError as e:\n    print(e); sys.exit(2)")

    def limit_file_size():  # a real EFBIG from the kernel once any file passes 1 MB
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    done = subprocess.run([sys.executable, "-c", script, str(seeds_copy), str(root), str(ROOT / "tests"), str(ROOT)],
                          capture_output=True, text=True, preexec_fn=limit_file_size, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "cannot write the index" in done.stdout and "previous index is intact" in done.stdout
    assert _snapshot(root) == before
    assert len([p for p in root.iterdir() if p.is_dir()]) == 1
