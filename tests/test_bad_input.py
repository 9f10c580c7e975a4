"""Bad questions get one clear line (exit code 2 on the CLI); odd but real questions still work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from qa.answering.ask import answer_with, ask
from qa.errors import InputError
from qa.index.build import build
from qa.index.engine import open_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from conftest import SEEDS
    from fakes import HashEmbedder

    root = tmp_path_factory.mktemp("bad-input") / "index"
    build([SEEDS], root, HashEmbedder(), progress=False)
    return open_engine(root, HashEmbedder())


# Protects against: empty, oversized or wordless questions reaching the model or crashing it.
@pytest.mark.parametrize("question, message", [
    ("", "question is empty"),
    ("   \n\t ", "question is empty"),
    ("\x00\x01\x02\x7f", "question is empty"),
    ("a" * 10_000, "10000 characters; the limit is 2000"),
    ("🤔🤔🤔", "no letters or digits"),
    ("?!…", "no letters or digits"),
    (None, "question must be text"),
    (b"Siapa Sekda?", "question must be text"),
])
def test_unusable_questions_raise_one_line(engine, question, message):
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        answer_with(engine, question)
    assert "\n" not in str(caught.value)


# Protects against: k values that would be silently clamped or crash FAISS.
@pytest.mark.parametrize("k", [0, -1, 101, 2.5, "5", True])
def test_bad_k_is_refused(engine, k):
    with pytest.raises(InputError, match="not a whole number from 1 to 100"):
        answer_with(engine, "Siapa Sekda Jateng?", k=k)


# Protects against: real but unusual questions (control characters, emoji, other scripts, injection
# strings) crashing retrieval or leaking into the answer unescaped.
@pytest.mark.parametrize("question", [
    "Siapa\x00 Ketua\x1b[31m Bawaslu?",
    "Siapa Ketua Bawaslu 🤔🙏?",
    "Siapa ketua Bawaslu 选举 выборы انتخابات?",
    "'; DROP TABLE passages; --",
    "<script>alert(1)</script> netralitas ASN",
    "[klik](javascript:alert(1)) **netralitas**",
    "\ud800 Bawaslu",  # a lone surrogate from a broken client
    "x" * 2000,
])
def test_odd_questions_are_answered_without_crashing(engine, question):
    answer = answer_with(engine, question, k=3)
    assert len(answer.hits) == 3
    assert "\x00" not in answer.question and "\x1b" not in answer.question and "\ud800" not in answer.question
    assert answer.to_dict()["question"] == answer.question


def test_ask_checks_the_question_before_loading_anything(tmp_path: Path):
    with pytest.raises(InputError, match="question is empty"):
        ask("  ", index_dir=tmp_path / "never-built")


# Protects against: the CLI printing a traceback or exiting 0 on input it refused.
@pytest.mark.parametrize("question", ["\x01\x02", "🤔", "a" * 10_000])
def test_cli_refuses_bad_questions_with_exit_code_2(question, cli_env):
    done = subprocess.run([sys.executable, "-m", "qa", "ask", question, "--index", "unused"], capture_output=True,
                          text=True, env=cli_env, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("qa: error: ")
    assert len(done.stderr.strip().splitlines()) == 1


# Protects against: `qa serve --workers 0` serving with a silently changed number, or a negative one failing later.
@pytest.mark.parametrize("workers", ["0", "-2"])
def test_serve_refuses_a_number_of_workers_below_one_before_loading(workers, cli_env):
    done = subprocess.run([sys.executable, "-m", "qa", "serve", "--workers", workers, "--index", "unused"],
                          capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("qa: error: --workers")
    assert len(done.stderr.strip().splitlines()) == 1


# Protects against: loading code that could execute pickled objects from a crafted index.
def test_no_pickle_anywhere_in_the_library():
    for path in (ROOT / "qa").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bimport pickle\b|allow_pickle\s*=\s*True|torch\.load\(", source), path
