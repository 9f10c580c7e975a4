"""A session's handout made ahead: sections, answer spans, full citations, the articles cited; inert and printable."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT
from qa.answering.results import NO_ANSWER, Answer
from qa.errors import InputError
from qa.page import handout
from qa.page.render import Turn
from qa.session import handout as session_handout
from qa.session.bank import Bank, Question, read_bank
from test_render import IMG, SCRIPT, assert_inert, evil_hit, hit

BANK = ROOT / "sessions" / "netralitas-asn.md"


def bank() -> Bank:
    return Bank(path=Path("sesi.md"), title=f"Sesi {SCRIPT}", questions=(
        Question("Siapa Ketua Bawaslu Jawa Tengah?", "Tokoh", ("d1",), "catatan rahasia pelatih", 3, "Muhammad Amin"),
        Question(f"Apa yang disisipkan {IMG}?", "Tokoh", (), "", 4),
        Question("Resep rendang?", "Di luar topik", (), "", 6)))


def answers() -> tuple[Answer, ...]:
    amin = replace(hit(1, title="Bawaslu", quote="Ketua Bawaslu Jateng Muhammad Amin mengatakan."),
                   answer="Muhammad Amin", answer_start=30, answer_end=43)
    return (Answer(question="q1", answered=True, hits=[amin, hit(2, title="Lain")]),
            Answer(question="q2", answered=True, hits=[evil_hit()]),
            Answer(question="q3", answered=False, hits=[hit(3, title="Dekat", quote="Dekat saja.")]))


def participants() -> list[Turn]:
    return [Turn("Siapa Ketua Bawaslu Jawa Tengah?", answer=answers()[0]),  # a bank question asked again: not repeated
            Turn("Pertanyaan peserta sendiri?", answer=answers()[0]), Turn("", error="kosong"), Turn("x", pending=True)]


def test_markdown_handout_has_sections_spans_citations_participants_and_articles_and_renders_inert():
    md = session_handout.as_markdown(bank(), answers(), participants())
    assert md.startswith("# Sesi \\<script\\>window.\\_\\_xss=1\\</script\\>: handout sesi")
    order = ["## Tokoh", "### 1. Siapa Ketua Bawaslu Jawa Tengah?", "**Jawaban:** Muhammad Amin",
             "> “Ketua Bawaslu Jateng Muhammad Amin mengatakan.”", "- [1] Bawaslu — ANTARA, Kamis (26/9) · bagian 1 (`seeds/d1.txt`; `d1#0`)",
             "### 2. Apa yang disisipkan", "## Di luar topik", "### 3. Resep rendang?", f"_{NO_ANSWER}_",
             "  - bagian 1: “Dekat saja.”",
             "## Pertanyaan peserta", "### 4. Pertanyaan peserta sendiri?", "## Artikel yang dikutip",
             "- Bawaslu — ANTARA, Kamis (26/9) (`seeds/d1.txt`)"]
    positions = [md.index(part) for part in order]
    assert positions == sorted(positions)
    assert md.count("Siapa Ketua Bawaslu Jawa Tengah?") == 1 and "### 5." not in md and "catatan rahasia" not in md
    articles = md.split("## Artikel yang dikutip", 1)[1]
    assert articles.count("\n- ") == 4  # d1, d2, the evil one (its "also in" is d2 again), d3: each once
    text = assert_inert(MarkdownIt("commonmark", {"html": True}).render(md))
    assert SCRIPT in text and IMG in text


def test_html_handout_is_static_printable_and_has_the_same_content():
    page = session_handout.as_html(bank(), answers(), participants())
    text = assert_inert(page)
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page and "<script" not in page
    assert "@page{size:A4" in page and "@media print" in page
    for part in (f"Sesi {SCRIPT}: handout sesi", "Tokoh", "1. Siapa Ketua Bawaslu Jawa Tengah?", "Jawaban: Muhammad Amin",
                 "seeds/d1.txt; d1#0", "3. Resep rendang?", NO_ANSWER, "Pertanyaan peserta",
                 "4. Pertanyaan peserta sendiri?", "Artikel yang dikutip"):
        assert part in text, part
    assert text.index("Jawaban: Muhammad Amin") < text.index("“Ketua Bawaslu Jateng") and "catatan rahasia" not in text


def test_an_answer_span_shows_only_when_the_reader_found_one():
    plain = Answer(question="q", answered=True, hits=[hit(1)])
    assert "Jawaban:" not in handout.as_markdown([Turn("q", answer=plain)])
    spanned = Answer(question="q", answered=True, hits=[replace(hit(1), answer="Sumarno", answer_start=1, answer_end=8)])
    assert "**Jawaban:** Sumarno" in handout.as_markdown([Turn("q", answer=spanned)])
    assert '<p class="span"><strong>Jawaban:</strong> Sumarno</p>' in handout.as_html([Turn("q", answer=spanned)])
    unanswered = Answer(question="q", answered=False, hits=[replace(hit(1), answer="Sumarno")])
    assert "Jawaban:" not in handout.as_markdown([Turn("q", answer=unanswered)])


def test_the_agenda_lists_questions_by_section_with_spans_notes_and_abstentions_escaped():
    from qa.session.panel import agenda_html
    from qa.session.prepare import PreparedSession

    markup = agenda_html(PreparedSession(bank=bank(), answers=answers(), k=3))
    text = assert_inert(markup)
    assert re.findall(r'data-q="(\d+)"', markup) == ["0", "1", "2"]
    order = [f"Sesi {SCRIPT}", "Tokoh", "Siapa Ketua Bawaslu Jawa Tengah?", "Jawaban: Muhammad Amin",
             "catatan rahasia pelatih", f"Apa yang disisipkan {IMG}?", "Di luar topik", "Resep rendang?",
             "(tidak terjawab di artikel)"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions) and text.count("Jawaban:") == 1
    assert '<ol class="agenda-list" start="3">' in markup  # numbering goes on across sections


def test_agenda_and_handout_show_a_span_only_where_it_holds_the_stated_answer():
    from qa.session.panel import agenda_html
    from qa.session.prepare import PreparedSession

    wrong = replace(bank(), questions=(replace(bank().questions[0], answer="Nana Sudjana"), *bank().questions[1:]))
    unstated = replace(bank(), questions=(replace(bank().questions[0], answer=""), *bank().questions[1:]))
    for shown in (wrong, unstated):
        assert "Jawaban:" not in assert_inert(agenda_html(PreparedSession(bank=shown, answers=answers(), k=3)))
        md = session_handout.as_markdown(shown, answers(), participants())
        assert md.count("**Jawaban:** Muhammad Amin") == 1  # the participant's own question keeps the reader's span
        assert md.index("**Jawaban:**") > md.index("## Pertanyaan peserta")
        assert "Jawaban: Muhammad Amin" not in assert_inert(session_handout.as_html(shown, answers()))
    right = session_handout.as_html(bank(), answers())
    assert "Jawaban: Muhammad Amin" in assert_inert(right)


def test_write_picks_the_format_by_suffix_atomically_and_refuses_others(tmp_path: Path):
    for name, start in (("h.md", "# Sesi"), ("h.html", "<!DOCTYPE html>")):
        path = session_handout.write(tmp_path / name, bank(), answers())
        assert path.read_text(encoding="utf-8").startswith(start)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.html", "h.md"]  # no temporary files left
    with pytest.raises(InputError, match=r"h\.pdf: a handout is a \.html \(printable\) or \.md file"):
        session_handout.write(tmp_path / "h.pdf", bank(), answers())
    with pytest.raises(InputError, match="is not a folder"):
        session_handout.write(tmp_path / "nope" / "h.md", bank(), answers())
    with pytest.raises(ValueError):
        session_handout.as_markdown(bank(), answers()[:2])


def test_qa_session_handout_writes_both_formats_from_the_real_index(real_index: Path, cli_env: dict, tmp_path: Path):
    for name in ("handout.md", "handout.html"):
        out = tmp_path / name
        done = subprocess.run([sys.executable, "-m", "qa", "-q", "session", "handout", str(BANK), "-o", str(out),
                               "--index", str(real_index)], capture_output=True, text=True, env=cli_env, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        text = out.read_text(encoding="utf-8")
        for question in read_bank(BANK).questions:
            assert question.text in text.replace("\\", "")
        assert "Muhammad Amin" in text and "seeds/004_8bd08da9835bcf30.txt" in text and "Artikel yang dikutip" in text
    done = subprocess.run([sys.executable, "-m", "qa", "session", "handout", str(BANK), "-o", str(tmp_path / "h.docx"),
                           "--index", str(tmp_path / "no-index")], capture_output=True, text=True, env=cli_env, cwd=ROOT)
    assert done.returncode == 2 and "h.docx: a handout is a .html (printable) or .md file" in done.stderr
