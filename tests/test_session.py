"""Training-session question banks: the parser's errors, the check, and `qa session` on the real index."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from fakes import HashEmbedder
from qa.answering.results import Citation, Hit
from qa.errors import BankError, InputError
from qa.index.build import build
from qa.index.engine import open_engine
from qa.session.bank import Question, read_bank
from qa.session.prepare import check_bank, matches, prepare

BANK = ROOT / "sessions" / "netralitas-asn.md"


def write(tmp_path: Path, text: str | bytes, name: str = "bank.md") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_markdown_bank_has_title_sections_expected_ids_and_notes(tmp_path: Path):
    path = write(tmp_path, "\ufeff# Sesi <b>uji</b>\n\n<!-- komentar\n   - bukan pertanyaan -->\n"
                           "- Tanpa bagian?\n## Larangan\n- Apakah ASN boleh jadi timses? -> d1#2, d2\n"
                           "  catatan: tanya peserta dulu\n  Note: lalu tunjukkan kutipannya\n  sumber: d3\n"
                           "## Tokoh ##\n1. Siapa Sekda Jateng? → d4\n* Siapa Ketua Bawaslu?\n")
    bank = read_bank(path)
    assert bank.title == "Sesi <b>uji</b>"
    assert bank.questions == (
        Question("Tanpa bagian?", "", (), "", 5),
        Question("Apakah ASN boleh jadi timses?", "Larangan", ("d1#2", "d2", "d3"),
                 "tanya peserta dulu lalu tunjukkan kutipannya", 7),
        Question("Siapa Sekda Jateng?", "Tokoh", ("d4",), "", 12),
        Question("Siapa Ketua Bawaslu?", "Tokoh", (), "", 13))
    assert [(name, [n for n, _ in items]) for name, items in bank.sections()] == [("", [1]), ("Larangan", [2]),
                                                                                   ("Tokoh", [3, 4])]


def test_a_bank_may_state_each_answer_after_an_equals_sign_or_in_a_field(tmp_path: Path):
    path = write(tmp_path, "- Siapa Ketua Bawaslu? → d1#2, d2 = Muhammad  Amin\n- Di mana rakor? -> d3 = MG Setos = Hotel\n"
                           "- Siapa Sekda?\n  jawaban: Sumarno\n- Kapan?\n")
    assert [(q.expected, q.answer) for q in read_bank(path).questions] == [
        (("d1#2", "d2"), "Muhammad Amin"), (("d3",), "MG Setos = Hotel"), ((), "Sumarno"), ((), "")]
    jsonl = write(tmp_path, '{"question": "Siapa?", "expected": ["d1"], "answer": "Amin"}\n', "b.jsonl")
    assert read_bank(jsonl).questions[0].answer == "Amin"
    for bad, message in (("- Siapa? → d1 =  \n", "line 1: the answer after '=' is empty"),
                         ("- Siapa?\n  jawaban: A\n  answer: B\n", "line 3: a second answer"),
                         ('{"question": "Siapa?", "answer": 3}\n', "line 1: 'answer' must be text")):
        with pytest.raises(BankError, match=re.escape(message)):
            read_bank(write(tmp_path, bad, "bad.jsonl" if bad.startswith("{") else "bad.md"))


def test_the_check_fails_a_span_that_does_not_hold_the_stated_answer_and_a_no_answer_turn():
    from qa.answering.results import Answer
    from qa.session.bank import Bank
    from qa.session.prepare import CheckReport, QuestionCheck, holds

    assert holds("Ketua Bawaslu Jateng, Muhammad Amin.", "muhammad amin") and not holds("Muhammad Aminudin", "Muhammad Amin")
    assert not holds("", "Amin") and not holds("2024", "dilarang menjadi relawan")
    assert holds("dengan tema “Mewujudkan Netralitas ASN” itu", "Mewujudkan Netralitas ASN")  # curly quotes are punctuation
    span = Hit(rank=1, score=0.5, doc_id="d1", passage_id="d1#3", title="t", outlet="o", date="", source="s",
               text="x", start=0, end=1, quote="x", quote_start=0, quote_end=1, answer="Pemilu 2024")
    question = Question("Apa yang dilarang?", expected=("d1",), answer="dilarang menjadi relawan")
    cases = {"wrong": Answer("q", True, [span]), "none": Answer("q", False, [span]),
             "right": Answer("q", True, [replace(span, answer="ASN dilarang menjadi relawan")])}
    checks = tuple(QuestionCheck(n, question, answer, 1) for n, answer in enumerate(cases.values(), start=1))
    assert [c.answer_status for c in checks] == list(cases) and [c.passed for c in checks] == [False, False, True]
    report = CheckReport(Bank(Path("b.md"), "b", (question,) * 3), Path("index"), 5, checks)
    text = report.format()
    assert not report.passed and text.endswith("FAILED") and "answer held 1, wrong 1, not sure 0, not given 1" in text
    assert "expected the answer 'dilarang menjadi relawan'; got the span 'Pemilu 2024'" in text
    assert "got no answer (the turn says the articles do not answer)" in text
    assert report.to_dict()["questions"][1]["answer"] == ""  # a no-answer turn gives no span, even in the JSON


def test_jsonl_bank_and_title_from_the_file_name(tmp_path: Path):
    path = write(tmp_path, '{"question": "Siapa Sekda?", "section": "Tokoh", "expected": ["d1#0", "d2"], "note": "n"}\n\n'
                           '{"question": "Di mana rakor digelar?", "expected": "d3"}\n', "sesi-pagi_1.jsonl")
    bank = read_bank(path)
    assert bank.title == "sesi pagi 1"
    assert bank.questions == (Question("Siapa Sekda?", "Tokoh", ("d1#0", "d2"), "n", 1),
                              Question("Di mana rakor digelar?", "", ("d3",), "", 3))


# Protects against: a malformed bank silently losing or inventing questions; each error is one line naming the line.
@pytest.mark.parametrize("name, content, message", [
    ("bank.md", "", "holds no questions; write one question per line starting with '- '"),
    ("bank.md", "# Judul saja\n\n## Bagian\n", "holds no questions"),
    ("bank.jsonl", "\n\n", "holds no questions; write one JSON object per line"),
    ("bank.jsonl", '{"question": "Siapa Sekda?"}\n{"question": "Siapa Amin?", "jawab": "x"}\n',
     "line 2: unknown field 'jawab'; the fields are question, section, expected, answer, note"),
    ("bank.md", "- Siapa Sekda?\n  jawab: Sumarno\n", "line 2: unknown field 'jawab'; the fields are 'catatan:'"),
    ("bank.md", "## A\n- Siapa Sekda Jateng?\n## B\n- siapa  sekda jateng\n",
     "line 4 repeats the question of line 2 ('siapa sekda jateng'); remove one of them"),
    ("bank.jsonl", '{"question": "Siapa Sekda?"}\n{"question": "Siapa Sekda?"}\n', "line 2 repeats the question of line 1"),
    ("bank.md", "# Sesi\nSesi ini membahas netralitas.\n- Siapa Sekda?\n",
     "line 2: 'Sesi ini membahas netralitas.' is not a question; start each question with '- '"),
    ("bank.md", "- Siapa Sekda?\n  yang menjabat tahun 2023\n", "line 2: 'yang menjabat tahun 2023' under a question is not a field"),
    ("bank.md", "- Siapa Sekda? → seeds/002.txt\n", "line 1: 'seeds/002.txt' is not a passage id"),
    ("bank.md", "- ???\n", "line 1: the question has no letters or digits"),
    ("bank.md", "- " + "a" * 2001 + "\n", "line 1: the question has 2001 characters; the limit is 2000"),
    ("bank.md", "- Siapa?\n# Judul kedua\n", "line 2: a second '# ' title ('Judul kedua'); use '## ' for a section"),
    ("bank.md", "### Sub\n- Siapa?\n", "line 1: '###' heading ('Sub'); use '## '"),
    ("bank.md", "<!-- catatan\n- Siapa?\n", "line 1: the <!-- comment is never closed"),
    ("bank.jsonl", '{"question": "Siapa?"}\n{"question": "Apa?",}\n', "line 2: not valid JSON"),
    ("bank.jsonl", '["Siapa?"]\n', "line 1: not a JSON object"),
    ("bank.jsonl", '{"section": "A"}\n', "line 1: no \"question\""),
    ("bank.jsonl", '{"question": "Siapa?", "expected": [1]}\n', "line 1: 'expected' must be a list"),
    ("bank.txt", "- Siapa?\n", "a question bank is a .md or .jsonl file"),
])
def test_malformed_banks_fail_with_one_line_naming_the_line(tmp_path: Path, name, content, message):
    path = write(tmp_path, content, name)
    with pytest.raises(BankError) as error:
        read_bank(path)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert str(error.value).startswith(str(path)) and isinstance(error.value, InputError)


def test_a_bank_that_is_not_utf8_names_the_line_and_the_byte(tmp_path: Path):
    path = write(tmp_path, "# Sesi\n- Siapa Sekda?\n- Apa arti netralitas?\n".encode("utf-8") + "- Kapan rakor?\n".encode("cp1252")
                 + "- Siapa Amin é?\n".encode("latin-1"))
    with pytest.raises(BankError, match=r"line 5 is not UTF-8 \(byte 0xe9\); save the file as UTF-8"):
        read_bank(path)
    with pytest.raises(BankError, match="does not exist"):
        read_bank(tmp_path / "missing.md")


@pytest.fixture(scope="module")
def fake_engine(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("session") / "index"
    build([SEEDS], root, HashEmbedder(), progress=False)
    return open_engine(root, HashEmbedder())


def test_check_finds_expected_citations_reports_missing_and_unknown_ids(fake_engine, tmp_path: Path):
    path = write(tmp_path, "- Siapa yang membuka penyuluhan hukum di Bangka Tengah?\n- Siapa Sekda Jateng?\n")
    probe = read_bank(path)
    hits = [a.hits for a in prepare(fake_engine, probe, k=3)]
    first, third = hits[0][0], hits[1][2]
    lines = (f"- Siapa yang membuka penyuluhan hukum di Bangka Tengah? -> {first.passage_id}\n"
             f"- Siapa Sekda Jateng? -> {third.doc_id}#99 {third.passage_id}\n"
             "- Apa arti netralitas? -> 999_tidak_ada\n- Kapan rakor digelar?\n")
    report = check_bank(fake_engine, read_bank(write(tmp_path, lines)), k=3)
    statuses = [c.status for c in report.checks]
    assert statuses == ["first", "top", "missing", "unchecked"] and not report.passed
    assert [c.found for c in report.checks] == [1, 3, None, None]
    assert report.checks[2].unknown == ("999_tidak_ada",) and report.checks[1].unknown == (f"{third.doc_id}#99",)
    text = report.format()
    assert "MISSING" in text and "999_tidak_ada is not in the index" in text and text.endswith("FAILED")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False and data["summary"]["missing"] == 1 and data["summary"]["unchecked"] == 1
    assert data["questions"][0]["found_rank"] == 1 and data["questions"][0]["passages"][0] == first.passage_id


def test_an_expected_id_matches_the_passage_its_article_and_also_in():
    also = Citation(doc_id="d2", passage_id="d2#4", title="t", outlet="o", date="", source="s")
    hit = Hit(rank=1, score=0.5, doc_id="d1", passage_id="d1#3", title="t", outlet="o", date="", source="s", text="x",
              start=0, end=1, quote="x", quote_start=0, quote_end=1, also_in=(also,))
    assert all(matches(e, hit) for e in ("d1#3", "d1", "d2#4", "d2"))
    assert not any(matches(e, hit) for e in ("d1#2", "d2#3", "d3", "d1#30", "d"))


def test_an_expected_passage_inside_a_widened_hit_matches_it():
    """Overlapping passages of one article are one hit, widened to both: the passage folded in is still found."""
    from types import SimpleNamespace

    spans = {"d1#2": ("d1", 0, 100), "d1#3": ("d1", 60, 200), "d1#4": ("d1", 160, 300), "d2#3": ("d2", 60, 200)}
    index = SimpleNamespace(passage=lambda pid: SimpleNamespace(doc_id=spans[pid][0], start=spans[pid][1],
                                                               end=spans[pid][2]) if pid in spans else None)
    hit = Hit(rank=1, score=0.5, doc_id="d1", passage_id="d1#3", title="t", outlet="o", date="", source="s",
              text="x" * 200, start=0, end=200, quote="x", quote_start=0, quote_end=1)
    assert matches("d1#2", hit, index) and not matches("d1#2", hit)
    assert not matches("d1#4", hit, index) and not matches("d2#3", hit, index) and not matches("d1#9", hit, index)


def test_the_example_bank_covers_all_five_articles():
    bank = read_bank(BANK)
    assert 10 <= len(bank.questions) <= 15 and len(bank.sections()) >= 3
    docs = {e.split("#")[0] for q in bank.questions for e in q.expected}
    assert docs == {p.stem for p in SEEDS.glob("*.txt")}
    assert all(q.expected for q in bank.questions) and all(q.answer for q in bank.questions)


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", "-q", *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_the_example_bank_finds_every_citation_and_checks_every_answer_with_the_real_model(real_index: Path, cli_env: dict):
    # Whether each quote holds the bank's answer depends on retrieval (the default, reader off): reported, not asserted.
    done = run_cli("session", "check", str(BANK), "--index", str(real_index), "--json", "-k", "1", env=cli_env)
    report = json.loads(done.stdout)
    assert report["summary"]["first"] == len(read_bank(BANK).questions), done.stdout
    assert all(q["answer_status"] in ("right", "wrong", "not_sure", "none") for q in report["questions"])
    assert done.returncode == (0 if report["passed"] else 1)
    text = run_cli("session", "check", str(BANK), "--index", str(real_index), env=cli_env).stdout
    assert "MISSING" not in text and f"answer held {report['summary']['answer_right']}," in text


def test_check_exits_1_when_an_expected_citation_is_missing_and_2_on_a_bad_bank(real_index, cli_env, tmp_path):
    bank = write(tmp_path, "- Siapa Ketua Bawaslu Jawa Tengah? → 003_3854d067d48f8347\n"
                           "- Resep rendang daging sapi yang empuk\n")
    done = run_cli("session", "check", str(bank), "--index", str(real_index), "--json", "-k", "2", env=cli_env)
    report = json.loads(done.stdout)
    assert done.returncode == 1 and not report["passed"]
    assert [q["status"] for q in report["questions"]] == ["missing", "unchecked"]
    assert report["questions"][1]["answered"] is False and report["summary"]["abstained"] == 1
    right = write(tmp_path, "- Siapa Ketua Bawaslu Jawa Tengah? → 004_8bd08da9835bcf30 = Muhammad Amin\n")
    reading = cli_env  # the default: the check looks in what the turn states (the span, else the quote)
    done = run_cli("session", "check", str(right), "--index", str(real_index), env=reading)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("PASSED"), done.stdout
    wrong = write(tmp_path, "- Siapa Ketua Bawaslu Jawa Tengah? → 004_8bd08da9835bcf30 = Nana Sudjana\n")
    done = run_cli("session", "check", str(wrong), "--index", str(real_index), env=reading)
    assert done.returncode == 1 and done.stdout.rstrip().endswith("FAILED") and "WRONG" in done.stdout
    said = next(line for line in done.stdout.splitlines() if "expected the answer" in line)
    assert "expected the answer 'Nana Sudjana'; got the span '" in said and "Muhammad Amin" in said  # what it got
    bad = write(tmp_path, "- Siapa?\nbukan pertanyaan\n")
    done = run_cli("session", "check", str(bad), "--index", str(real_index), env=cli_env)
    assert done.returncode == 2 and done.stderr.startswith("qa: error: ") and "line 2" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_serve_refuses_a_malformed_bank_before_loading_anything(cli_env: dict, tmp_path: Path):
    bad = write(tmp_path, "# Sesi\n- Siapa Sekda?\n- siapa sekda\n")
    done = run_cli("serve", "--session", str(bad), "--index", str(tmp_path / "no-index"), "--port", "9", env=cli_env)
    assert done.returncode == 2 and done.stderr.strip() == (f"qa: error: {bad} line 3 repeats the question of line 2 "
                                                             "('siapa sekda'); remove one of them")


def test_the_readme_bank_example_is_a_valid_bank_taken_from_the_example(tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```", readme.split("## Training sessions", 1)[1], re.S).group(1)
    shown = read_bank(write(tmp_path, example))
    full = {q.text: q for q in read_bank(BANK).questions}
    assert shown.title == read_bank(BANK).title and len(shown.questions) >= 2
    for question in shown.questions:
        assert question.text in full and set(question.expected) <= set(full[question.text].expected)
