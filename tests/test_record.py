"""The question record (qa/session/record.py) on a real SQLite file, the page's feedback on it
(qa/page/feedback.py), and `qa record show/export` as a subprocess."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qa.answering.results import Answer, Hit
from qa.errors import InputError, RecordError
from qa.page import feedback
from qa.page.render import Turn, turn_html
from qa.session.record import SCHEMA, Record, record_path

QUOTE = "Ketua Bawaslu Jateng Muhammad Amin mengatakan netralitas ASN penting."


def _answer(question: str, outcome: str = "answered", asked: str = "") -> Answer:
    hit = Hit(rank=1, score=0.9, doc_id="004", passage_id="004#1", title="Pj Gubernur Ingatkan ASN", outlet="ANTARA",
              date="6 Juni 2024", source="seeds/004.txt", text=QUOTE, start=0, end=len(QUOTE), quote=QUOTE,
              quote_start=0, quote_end=len(QUOTE))
    return Answer(question=question, answered=outcome == "answered", hits=[hit], confidence=0.81234, outcome=outcome,
                  asked=asked)


def test_a_new_file_is_migrated_to_the_schema_in_wal_mode(tmp_path: Path):
    path = record_path(tmp_path / "index")
    assert path == tmp_path / "record" / "record.sqlite3"
    record = Record(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")} == {"questions", "feedback"}
    first = record.add_question("Siapa Ketua Bawaslu Jawa Tengah?", _answer("Siapa Ketua Bawaslu Jawa Tengah?"), "tab1")
    Record(path)  # opened again: nothing migrated twice, nothing lost
    [row] = Record(path).rows()
    assert (row.id, row.session, row.outcome, row.passage_id, row.confidence) == (first, "tab1", "answered", "004#1", 0.8123)
    assert row.citation.startswith("Pj Gubernur Ingatkan ASN — ANTARA, 6 Juni 2024") and row.citation.endswith("004#1")


def test_an_empty_existing_file_is_migrated_and_a_newer_one_refused(tmp_path: Path):
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()  # a database of version 0, no tables
    Record(empty).add_question("q", None)
    assert [r.outcome for r in Record(empty).rows()] == ["error"]
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA + 1}")
    with pytest.raises(RecordError, match=f"schema {SCHEMA + 1}, this version knows {SCHEMA}"):
        Record(newer)
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(RecordError, match="move it aside"):
        Record(broken)


def test_threads_write_at_once_and_every_row_is_kept(tmp_path: Path):
    record = Record(tmp_path / "record.sqlite3")
    ids: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        for i in range(25):
            qid = record.add_question(f"pertanyaan {n}-{i}", _answer(f"pertanyaan {n}-{i}", "not_sure"), f"tab{n}")
            record.add_feedback(qid, -1 if i % 2 else 1, f"catatan {n}-{i}")
            with lock:
                ids.append(qid)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = record.rows()
    assert len(rows) == len(set(ids)) == 200 and sorted(ids) == [r.id for r in rows]
    assert sum(r.down for r in rows) == 8 * 12 and len(record.rows(flagged=True)) == 96
    assert len(record.rows(unanswered=True)) == 200


def test_feedback_needs_a_recorded_question_and_a_thumb(tmp_path: Path):
    record = Record(tmp_path / "r.sqlite3")
    with pytest.raises(InputError, match="question 7 is not in the record"):
        record.add_feedback(7, 1)
    with pytest.raises(InputError, match="the vote is 1 or -1"):
        record.add_feedback(1, 0)


def test_the_page_records_questions_and_shows_and_stores_a_vote(tmp_path: Path):
    record = Record(tmp_path / "r.sqlite3")
    page = feedback.Feedback(record)
    answer = _answer("Siapa ketua Bawaslu Kota Semarang?", "not_sure", asked="Kalau ketua Bawaslu Kota Semarang?")
    qid = page.asked("  Kalau ketua   Bawaslu Kota Semarang? ", answer, "tab")
    turns = [Turn("Kalau ketua Bawaslu Kota Semarang?", answer=answer, record_id=qid)]
    html = turn_html(1, turns[0])
    assert f'data-qid="{qid}"' in html and 'data-vote="-1"' in html and "Dipahami sebagai: Siapa ketua" in html
    assert page.vote({"vote": -1, "qid": qid + 1, "note": "x"}, turns) is None  # another tab's answer
    assert page.vote({"doc": "004"}, turns) is None  # a citation click
    voted = page.vote({"vote": -1, "qid": qid, "note": "Ketua kota tidak disebut"}, turns)
    assert voted[0].vote == -1 and "ditandai bermasalah" in turn_html(1, voted[0])
    [row] = record.rows(flagged=True)
    assert (row.asked, row.question, row.notes) == ("Kalau ketua Bawaslu Kota Semarang?", answer.question,
                                                    "Ketua kota tidak disebut")
    assert feedback.Feedback(None).asked("q", answer, "tab") == 0 and feedback.controls_html(0) == ""


def _qa(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True, env=env, timeout=120)


def test_qa_record_show_and_export(tmp_path: Path, cli_env: dict):
    index = tmp_path / "index"
    record = Record(record_path(index))
    good = record.add_question("Siapa Ketua Bawaslu Jawa Tengah?", _answer("Siapa Ketua Bawaslu Jawa Tengah?"))
    bad = record.add_question("Kalau ketua Bawaslu Kota Semarang?",
                              _answer("Siapa ketua Bawaslu Kota Semarang?", "not_sure", "Kalau ketua Bawaslu Kota Semarang?"))
    record.add_feedback(good, 1)
    record.add_feedback(bad, -1, "salah kota")
    shown = _qa("record", "show", "--index", str(index), env=cli_env)
    assert shown.returncode == 0 and shown.stdout.strip().endswith("2 questions")
    assert "Kalau ketua Bawaslu Kota Semarang? → Siapa ketua Bawaslu Kota Semarang?" in shown.stdout
    flagged = json.loads(_qa("record", "show", "--json", "--flagged", "--index", str(index), env=cli_env).stdout)
    assert [(r["id"], r["down"], r["notes"]) for r in flagged] == [(bad, 1, "salah kota")]
    unanswered = _qa("record", "show", "--unanswered", "--index", str(index), env=cli_env).stdout
    assert "not_sure" in unanswered and "Jawa Tengah?" not in unanswered
    out = _qa("record", "export", str(tmp_path / "r.csv"), "--index", str(index), env=cli_env)
    assert out.returncode == 0 and out.stdout.startswith(f"{tmp_path / 'r.csv'}: 2 questions")
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert [r["outcome"] for r in rows] == ["answered", "not_sure"] and rows[1]["question"].startswith("Siapa ketua")
    _qa("record", "export", str(tmp_path / "r.jsonl"), "--flagged", "--index", str(index), env=cli_env)
    assert [json.loads(line)["id"] for line in (tmp_path / "r.jsonl").read_text().splitlines()] == [bad]
    for args, message in ((("export", str(tmp_path / "r.txt")), "name a .csv or .jsonl file"),
                          (("export", str(tmp_path / "nowhere" / "r.csv")), "does not exist; create it first"),
                          (("show", "--index", str(tmp_path / "other" / "index")), "no question record at")):
        failed = _qa("record", *args, *(("--index", str(index)) if "--index" not in args else ()), env=cli_env)
        assert failed.returncode == 2 and message in failed.stderr and len(failed.stderr.strip().splitlines()) == 1
