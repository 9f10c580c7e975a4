"""``qa questions``: the trainer's view of the record, newest first, since a day, with the content gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.session import questions
from qa.session.record import Row


def row(n: int, at: str, outcome: str, down: int = 0) -> Row:
    return Row(n, at, "", "page", f"q{n}", f"q{n} as read", outcome, "", "", None, 0, down, "")


ROWS = [row(1, "2026-12-01T09:00:00+00:00", "answered"), row(2, "2026-12-02T09:00:00+00:00", "no_answer"),
        row(3, "2026-12-03T09:00:00+00:00", "answered", down=1), row(4, "2026-12-03T10:00:00+00:00", "not_sure")]


def test_newest_first_since_a_day_as_json_lines_with_the_fields_the_trainer_reads():
    lines = questions.report(ROWS, "2026-12-02", as_lines=True).splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["question"] for o in objects] == ["q4", "q3", "q2"]
    assert objects[1]["feedback"] == "down" and objects[0]["read_as"] == "q4 as read" and objects[0]["time"]


def test_the_summary_counts_the_content_gaps():
    text = questions.report(ROWS)
    assert text.splitlines()[0].startswith("2026-12-03T10:00:00+00:00")  # newest first
    assert text.splitlines()[-1] == ("4 questions (answered 2, no_answer 1, not_sure 1); content gaps: 2 not answered, "
                                     "1 answers voted down")


def test_bad_since_and_csv_names_are_one_line_errors_and_csv_is_written_whole(tmp_path: Path):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        questions.report(ROWS, "kemarin")
    with pytest.raises(InputError, match=r"\.csv"):
        questions.report(ROWS, csv_file=tmp_path / "out.txt")
    out = questions.report(ROWS, "2026-12-03", csv_file=tmp_path / "out.csv")
    assert out.endswith("content gaps: 1 not answered, 1 answers voted down")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 3  # header and two rows
