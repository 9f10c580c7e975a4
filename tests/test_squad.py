"""`qa eval-reader` and the official SQuAD 2.0 metric (qa/answering/squad.py): the metric on hand-computed cases, reading with a
fake reader, the command's files and errors, and the real reader end to end on a two-question file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from qa import cli
from qa.answering import squad
from qa.errors import InputError
from qa.models.reader import Reading

TINY = ROOT / "tests" / "data" / "squad_tiny.json"  # one answerable question (two gold answers), one unanswerable


@pytest.mark.parametrize("text, normal", [
    ("The  Cat, sat!", "cat sat"),  # lower case, punctuation, the article, spaces
    ("Anton E. Wardhana", "anton e wardhana"),
    ("an apple and a pear", "apple and pear"),
    ("Bandar Anthem", "bandar anthem"),  # articles go only as whole words
    ("Rp 5.000 (23/01/2024)", "rp 5000 23012024"),
    ("“kutip” — dan", "“kutip” — dan"),  # only ASCII punctuation goes, as in the official script
])
def test_normalize_answer_is_the_official_one(text, normal):
    assert squad.normalize_answer(text) == normal


@pytest.mark.parametrize("gold, prediction, exact, f1", [
    ("Harun Sulianto", "harun sulianto.", 1, 1.0),
    ("Harun Sulianto", "Kepala Kantor Harun Sulianto", 0, 2 * 0.5 * 1.0 / 1.5),  # precision 2/4, recall 2/2
    ("Era Susanto", "Sugianto", 0, 0.0),
    ("", "", 1, 1.0),  # no answer predicted for an unanswerable question
    ("", "Sugianto", 0, 0.0),
    ("Sugianto", "", 0, 0.0),
    ("Sugianto", "the", 0, 0.0),  # normalises to nothing: scored as no answer
    ("a b a", "a b", 1, 1.0),  # the words a/an/the go before comparing
    ("x y x", "x x z", 0, 2 * (2 / 3) * (2 / 3) / (4 / 3)),  # counted with repeats: 2 shared of 3 and 3
])
def test_exact_and_f1_per_answer(gold, prediction, exact, f1):
    assert squad.exact(gold, prediction) == exact
    assert squad.f1(gold, prediction) == pytest.approx(f1)


def _q(qid: str, *answers: str) -> squad.Question:
    return squad.Question(qid=qid, question=f"{qid}?", context="konteks", answers=answers)


QUESTIONS = [_q("q1", "Harun Sulianto", "Harun"), _q("q2", "Era Susanto"), _q("q3"), _q("q4"), _q("q5", "", " . ")]
PREDICTIONS = {"q1": "Harun Sulianto", "q2": "Wakil Bupati Era Susanto", "q3": "", "q4": "Sugianto", "q5": ""}


def test_score_is_the_official_summary_worked_by_hand():
    # q1 exact; q2 F1 2/3; q3 right to say nothing; q4 answered an unanswerable question; q5's answers
    # normalise to nothing, so it has answers (HasAns, as the official script counts it) but is scored against "".
    result = squad.score(QUESTIONS, PREDICTIONS)
    assert list(result) == ["exact", "f1", "total", "HasAns_exact", "HasAns_f1", "HasAns_total",
                            "NoAns_exact", "NoAns_f1", "NoAns_total"]
    assert result["total"] == 5 and result["HasAns_total"] == 3 and result["NoAns_total"] == 2
    assert result["exact"] == pytest.approx(100 * 3 / 5)
    assert result["f1"] == pytest.approx(100 * (1 + 2 / 3 + 1 + 0 + 1) / 5)
    assert result["HasAns_exact"] == pytest.approx(100 * 2 / 3) and result["HasAns_f1"] == pytest.approx(100 * (1 + 2 / 3 + 1) / 3)
    assert result["NoAns_exact"] == result["NoAns_f1"] == pytest.approx(50.0)


def test_no_answer_probabilities_give_the_official_best_thresholds():
    questions, predictions = QUESTIONS[:4], {k: PREDICTIONS[k] for k in ("q1", "q2", "q3", "q4")}
    na_probs = {"q1": 0.1, "q2": 0.3, "q3": 0.9, "q4": 0.6}
    result = squad.score(questions, predictions, na_probs)
    assert result["exact"] == pytest.approx(50.0)  # the default threshold 1.0 changes nothing
    # Walk up the no-answer probability from 2 (both unanswerable right when all abstain): q1 +1 -> 3 at 0.1;
    # q2 +0 (exact) or +2/3 (F1, 3.67 at 0.3); q4 answered wrongly -1; q3 said nothing, 0.
    assert (result["best_exact"], result["best_exact_thresh"]) == (pytest.approx(75.0), 0.1)
    assert (result["best_f1"], result["best_f1_thresh"]) == (pytest.approx(100 * (3 + 2 / 3) / 4), 0.3)
    above = squad.score(questions, predictions, na_probs, na_prob_thresh=0.5)  # q3 and q4 now count as no answer
    assert above["exact"] == pytest.approx(75.0) and above["NoAns_exact"] == pytest.approx(100.0)


def test_a_missing_prediction_is_one_line():
    with pytest.raises(InputError, match="questions without a prediction: 1 \\(the first: 'q4'\\)"):
        squad.score(QUESTIONS[:4], {k: PREDICTIONS[k] for k in ("q1", "q2", "q3")})


def test_holds_needs_the_whole_answer_in_order():
    assert squad.holds("Tidak boleh — dilarang menjadi relawan ataupun bergabung", "dilarang menjadi relawan")
    assert squad.holds("Kepala Kantor Perwakilan Kemenkumham Babel, Harun Sulianto.", "harun sulianto")
    assert not squad.holds("Harun", "Harun Sulianto") and not squad.holds("Sulianto Harun", "Harun Sulianto")
    assert not squad.holds("Fajarnya", "Fajar") and not squad.holds("apa saja", "")


def test_reading_a_squad_file():
    questions = squad.read_squad(TINY)
    assert [q.qid for q in questions] == ["tiny-answerable", "tiny-unanswerable"]
    assert questions[0].has_answer and not questions[1].has_answer
    assert all(a in questions[0].context for a in questions[0].answers) and questions[0].context == questions[1].context


@pytest.mark.parametrize("content, message", [
    (None, "no SQuAD file at"),
    ("{not json", "is not JSON"),
    ('{"version": "v2.0"}', 'has no "data" list'),
    ('{"data": [{"title": "x"}]}', 'data\\[0\\] has no "paragraphs" list'),
    ('{"data": [{"paragraphs": [{"context": "c"}]}]}', 'needs a "context" string and a "qas" list'),
    ('{"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a", "question": "q", "answers": "x"}]}]}]}',
     "question 'a' needs \"answers\" as a list"),
    ('{"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a", "question": "q", "answers": []},'
     ' {"id": "a", "question": "r", "answers": []}]}]}]}', "question id 'a' occurs twice"),
    ('{"data": []}', "holds no questions"),
])
def test_a_bad_squad_file_is_one_line(tmp_path: Path, content, message):
    path = tmp_path / "data.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        squad.read_squad(path)
    assert "\n" not in str(caught.value)


class FakeReader:
    """Reads "Harun Sulianto" out of the paragraph with probability 0.9; any other question 0.2 (under 0.5)."""

    threshold = 0.5

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def read(self, question: str, passages):
        self.calls.append((question, list(passages)))
        text = passages[0]
        start = text.index("Harun Sulianto")
        if "membuka" in question:
            return [Reading(0.9, 2.0, 1.0, start, start + len("Harun Sulianto"))]
        return [Reading(0.2, -1.0, -1.0, start, start + 4)]


def test_predict_reads_each_question_with_its_paragraph_and_abstains_under_the_threshold():
    questions, reader = squad.read_squad(TINY), FakeReader()
    predictions, na_probs = squad.predict(reader, questions)
    assert reader.calls == [(q.question, [q.context]) for q in questions]
    assert predictions == {"tiny-answerable": "Harun Sulianto", "tiny-unanswerable": ""}
    assert na_probs == {"tiny-answerable": pytest.approx(0.1), "tiny-unanswerable": pytest.approx(0.8)}


def test_predict_gives_no_answer_when_the_reader_marks_no_span():
    class NoSpan(FakeReader):
        def read(self, question, passages):
            return [Reading(0.95, 3.0, 2.0, 7, 7)]

    predictions, _ = squad.predict(NoSpan(), squad.read_squad(TINY))
    assert set(predictions.values()) == {""}


def _eval_reader(tmp_path: Path, capsys, *extra: str) -> tuple[int, str, str]:
    code = cli.main(["eval-reader", str(TINY), "--predictions", str(tmp_path / "pred.json"), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_eval_reader_writes_squad_files_and_prints_the_official_scores(tmp_path: Path, capsys, monkeypatch):
    import qa.index.engine

    monkeypatch.setattr(qa.index.engine, "reader_for", lambda backend: FakeReader())
    code, out, _ = _eval_reader(tmp_path, capsys, "--na-probs", str(tmp_path / "na.json"), "--json")
    assert code == 0
    assert json.loads((tmp_path / "pred.json").read_text(encoding="utf-8")) == \
        {"tiny-answerable": "Harun Sulianto", "tiny-unanswerable": ""}
    assert json.loads((tmp_path / "na.json").read_text(encoding="utf-8")) == \
        {"tiny-answerable": pytest.approx(0.1), "tiny-unanswerable": pytest.approx(0.8)}
    result = json.loads(out)
    assert result["exact"] == result["f1"] == 100.0 and result["total"] == 2
    assert result["HasAns_total"] == result["NoAns_total"] == 1 and {"best_exact", "best_f1_thresh"} <= set(result)

    code, out, _ = _eval_reader(tmp_path, capsys)  # plain text; no --na-probs, so no best thresholds
    assert code == 0 and out.splitlines()[0].split() == ["exact", "100.00"] and "best_exact" not in out


@pytest.mark.parametrize("args, message", [
    (["eval-reader", "no-such.json", "--predictions", "p.json"], "no SQuAD file at no-such.json"),
    (["eval-reader", str(TINY), "--predictions", "no-such-folder/p.json"], "cannot write no-such-folder/p.json"),
    (["eval-reader", str(TINY), "--predictions", "p.json", "--na-probs", "no-such-folder/na.json"], "cannot write"),
])
def test_eval_reader_bad_input_is_one_line_before_the_reader_loads(tmp_path: Path, capsys, monkeypatch, args, message):
    import qa.index.engine

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(qa.index.engine, "reader_for", lambda backend: pytest.fail("the reader was loaded"))
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.json").exists()


def test_eval_reader_with_the_real_reader(tmp_path: Path, capsys):
    """The shipped reader, end to end: its answers are spans of the paragraph or "", scored as the metric says."""
    code, out, _ = _eval_reader(tmp_path, capsys, "--na-probs", str(tmp_path / "na.json"), "--json")
    assert code == 0
    questions = squad.read_squad(TINY)
    predictions = json.loads((tmp_path / "pred.json").read_text(encoding="utf-8"))
    na_probs = json.loads((tmp_path / "na.json").read_text(encoding="utf-8"))
    assert set(predictions) == set(na_probs) == {q.qid for q in questions}
    assert all(p in questions[0].context for p in predictions.values())
    assert all(0.0 <= p <= 1.0 for p in na_probs.values())
    assert json.loads(out) == pytest.approx(squad.score(questions, predictions, na_probs))
    assert "Harun Sulianto" in predictions["tiny-answerable"]  # an easy name: any reader worth shipping finds it
