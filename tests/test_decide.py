"""The reader-on decision (qa/answering/decide.py): retrieval states, the reader vetoes or fills in; and the real
pipeline with the real reader on the seeds index."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.answering.decide import VETO, checked_by_reader, retrieval_stands, veto_for
from qa.answering.results import Answer, Hit


def hit(passage: str, quote: str = "Ketua Bawaslu Jateng Muhammad Amin mengatakan.", answer: str = "") -> Hit:
    return Hit(rank=1, score=0.5, doc_id=passage.split("#")[0], passage_id=passage, title="t", outlet="o", date="",
               source="s.txt", text=quote, start=0, end=len(quote), quote=quote, quote_start=0, quote_end=len(quote),
               answer=answer, answer_end=len(answer))


def answer(outcome: str, hits: list[Hit], reader: str = "") -> Answer:
    return Answer(question="q", answered=outcome == "answered", hits=hits, outcome=outcome, reader=reader,
                  reason="" if outcome == "answered" else "why")


PLAIN = answer("answered", [hit("a#0"), hit("b#1")])
READ = answer("answered", [hit("b#1", answer="Muhammad Amin")], reader="r1")


def test_retrieval_s_answer_stands_when_the_reader_does_not_veto_it():
    stated = checked_by_reader(PLAIN, READ, {"a#0": VETO, "b#1": 0.9})
    assert stated.outcome == "answered" and stated.hits[0].passage_id == "a#0" and stated.reader == "r1"
    assert stated.hits[0].reader_probability == VETO
    unread = checked_by_reader(PLAIN, READ, {"b#1": 0.9})  # its passage was not read: nothing to veto with
    assert unread.hits[0].passage_id == "a#0" and unread.hits[0].reader_probability is None


def test_a_vetoed_answer_gives_way_to_the_reader_s_span_or_to_not_sure():
    probabilities = {"a#0": VETO / 2, "b#1": 0.9}
    assert checked_by_reader(PLAIN, READ, probabilities) == READ
    unsure = checked_by_reader(PLAIN, answer("no_answer", [hit("b#1")], reader="r1"), probabilities)
    assert unsure.outcome == "not_sure" and not unsure.answered
    assert [h.quote for h in unsure.hits] == [h.quote for h in PLAIN.hits]  # the evidence, with the reader's reading
    assert [h.reader_probability for h in unsure.hits] == [VETO / 2, 0.9]
    assert "holding no answer" in unsure.reason and unsure.reader == "r1"


def test_the_reader_s_span_from_outside_retrieval_s_quote_in_the_same_passage_replaces_it():
    from qa.answering.decide import elsewhere

    text = "Rapat digelar di Semarang. Ketua Bawaslu Jateng Muhammad Amin mengatakan."
    first = hit("a#0", quote=text)
    plain = answer("answered", [replace(first, quote=text[:26], quote_end=26), hit("b#1")])
    span = (text.index("Muhammad"), text.index(" mengatakan"))
    ours = replace(first, quote=text[27:], quote_start=27, answer="Muhammad Amin", answer_start=span[0],
                   answer_end=span[1])
    read = answer("answered", [ours], reader="r1")
    assert elsewhere(plain, span) and checked_by_reader(plain, read, {"a#0": 0.9}) == read
    inside = replace(plain, hits=[replace(plain.hits[0], quote=text, quote_end=len(text))])
    assert not elsewhere(inside, span)  # the span is in retrieval's own quote: its answer stands
    assert checked_by_reader(inside, read, {"a#0": 0.9}).hits[0].quote == text
    other = answer("answered", [replace(ours, passage_id="b#1", doc_id="b")], reader="r1")
    assert checked_by_reader(plain, other, {"a#0": 0.9}).hits[0].passage_id == "a#0"  # another passage: retrieval's
    unsure = answer("not_sure", [ours], reader="r1")
    assert checked_by_reader(plain, unsure, {"a#0": 0.9}).outcome == "answered"  # only a verified span replaces it
    assert not elsewhere(plain, None) and not elsewhere(plain, (5, 5))
    for clause in ("yesno", "reason"):  # a clause answers these: retrieval's sentence stands
        assert not elsewhere(plain, span, clause) and checked_by_reader(plain, read, {"a#0": 0.9}, clause) != read


@pytest.mark.parametrize("plain, read, expected", [
    ("not_sure", "answered", "answered"),  # the reader fills in where retrieval is not sure
    ("no_answer", "not_sure", "not_sure"),
    ("not_sure", "no_answer", "not_sure"),
    ("no_answer", "no_answer", "no_answer"),
])
def test_without_retrieval_s_answer_the_reader_s_outcome_or_the_more_careful_one(plain, read, expected):
    stated = checked_by_reader(answer(plain, [hit("a#0")]), answer(read, [hit("b#1")], reader="r1"), {"a#0": 0.99})
    assert stated.outcome == expected and stated.reader == "r1"


def test_the_real_reader_on_path_states_a_verified_answer_and_holds_back_a_false_premise(real_engine):
    from qa.answering.ask import answer_with

    if real_engine.reader is None:
        pytest.fail("the seeds engine has no reader: tests/conftest.py's real_engine must load it")
    said = answer_with(real_engine, "Siapa Ketua Bawaslu Jawa Tengah?", 3, reader=True)
    assert said.outcome == "answered" and "Muhammad Amin" in (said.hits[0].answer or said.hits[0].quote)
    assert said.reader == real_engine.reader.fingerprint
    premise = answer_with(real_engine, "Siapa pemenang Pilkada Jawa Barat 2024?", 3, reader=True)
    assert premise.outcome != "answered"


def test_each_passage_is_read_once_per_question(real_engine, monkeypatch):
    """Retrieval's first passage is read for the veto; when its answer does not stand, the full reading reuses that
    reading (qa.answering.read.read_once) instead of reading the passage again."""
    from qa.answering.ask import answer_with

    reader = real_engine.reader
    seen: list[str] = []
    original = reader.read
    monkeypatch.setattr(reader, "read", lambda question, passages: seen.extend(passages) or original(question, passages))
    for question in ("Siapa Bupati Bangka Tengah?", "Siapa pemenang Pilkada Jawa Barat 2024?", "Siapa Ketua Bawaslu Jawa Tengah?"):
        seen.clear()
        said = answer_with(real_engine, question, 5, reader=True)
        assert seen and len(seen) == len(set(seen)), (question, said.outcome, len(seen))


def test_weak_retrieval_evidence_goes_to_the_checks_only_when_the_reader_reads_an_answer():
    from qa.answering.decide import RESCUE, RESCUE_SHARE, on_topic

    assert on_topic(0.3, 0.2, {})  # the evidence reaches the threshold: no reader needed
    assert not on_topic(0.15, 0.2, {})  # weak, and nothing read
    assert on_topic(0.15, 0.2, {"a#0": 0.1, "b#1": RESCUE})  # weak, but a passage read as answering
    assert not on_topic(0.15, 0.2, {"a#0": RESCUE * 0.9})
    assert not on_topic(RESCUE_SHARE * 0.2 * 0.9, 0.2, {"a#0": 0.99})  # far below: off topic whatever the reader says


def test_the_reader_vetoes_up_to_a_higher_probability_for_the_kinds_it_was_trained_on():
    from qa.answering.decide import VETO, retrieval_stands, veto_for

    assert veto_for("person") > VETO and veto_for("number") > VETO and veto_for("other") == VETO
    between = {"a#0": (VETO + veto_for("person")) / 2}
    assert retrieval_stands(PLAIN, between, "other")  # a description: the reader's doubt is no veto
    assert not retrieval_stands(PLAIN, between, "person")  # a name: the reader reads no name there
    vetoed = checked_by_reader(PLAIN, answer("no_answer", [hit("b#1")], reader="r1"), between, "person")
    assert vetoed.outcome == "not_sure" and f"< {veto_for('person')}" in vetoed.reason


def test_what_someone_said_about_a_topic_is_not_vetoed():
    # its quote is checked word by word (qa.answering.said); the reader was not trained to mark such a clause
    assert veto_for("said") == 0.0
    said = answer("answered", [hit("a#1")])
    assert retrieval_stands(said, {"a#1": 0.01}, "said") and not retrieval_stands(said, {"a#1": 0.01}, "other")


def test_a_question_asking_for_a_name_is_decided_as_one():
    from qa.answering.question import analyse

    assert analyse("Apa nama induk organisasi kempo?", {}).decided_as == "name"
    assert analyse("Apakah kepanjangan BPS?", {}).decided_as == "name"
    assert analyse("Apa pesan wabup soal medsos?", {}).decided_as == "said"  # a message, not a name
    assert analyse("Apa tujuan kegiatan itu?", {}).decided_as == "other"
    assert analyse("Siapa nama bupati?", {}).decided_as == "person"
