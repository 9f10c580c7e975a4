"""The chat page's handlers without a browser or the real model (a fake embedder over the seeds)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from conftest import SEEDS
from fakes import HashEmbedder
from qa.app import ChatApp, friendly
from qa.errors import BadIndexError, InputError
from qa.index.build import build
from qa.index.engine import open_engine
from qa.page import render


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> ChatApp:
    root, embedder = tmp_path_factory.mktemp("app") / "index", HashEmbedder()
    build([SEEDS], root, embedder, progress=False)
    return ChatApp(open_engine(root, embedder))


def click(**data) -> gr.EventData:
    return gr.EventData(None, data)


def test_the_page_says_answered_or_not_as_the_abstention_decides(app: ChatApp):
    """With the fake model (no calibration: the neutral rule), one question is answered and an off-topic one is not."""
    for question, answered in (("Siapa Kepala Bawaslu Provinsi Jawa Tengah?", True),
                               ("Resep rendang daging sapi yang empuk", False)):
        chat, turns, *_ = list(app.respond(question, 3.0, [], None))[-1]
        assert turns[0].answer.answered is answered, (question, turns[0].answer.confidence)
        assert ('data-state="answered"' in chat) is answered and ('data-state="no-answer"' in chat) is not answered


def test_bad_input_gets_a_plain_indonesian_message():
    assert friendly(InputError("the question is empty"), "  ").startswith("Pertanyaannya masih kosong")
    assert "2.500 karakter; paling banyak 2.000" in friendly(InputError("too long"), "a" * 2500)
    assert "tidak berisi huruf" in friendly(InputError("no letters"), "?!")
    assert friendly(InputError("k=0 is not whole"), "halo") == "Pertanyaan ini belum bisa diproses (k=0 is not whole)."
    assert friendly(BadIndexError("index is stale"), "halo").startswith("Maaf, jawaban tidak bisa dicari sekarang")


def test_respond_shows_the_question_at_once_then_the_answer_and_the_handouts(app: ChatApp):
    steps = list(app.respond("  Siapa Ketua Bawaslu   Jawa Tengah? ", 3.0, [], None))
    assert len(steps) == 2
    pending, done = steps
    assert 'data-state="pending"' in pending[0] and "Siapa Ketua Bawaslu Jawa Tengah?" in pending[0] and pending[2] == ""
    chat, turns, _, md, page, reader = done
    assert reader == render.reader_empty()  # the previous question's article leaves the source reader
    assert len(turns) == 1 and turns[0].answer is not None and len(turns[0].answer.hits) == 3
    state = turns[0].answer.outcome.replace("_", "-")
    others = {"answered", "not-sure", "no-answer"} - {state}
    assert f'data-state="{state}"' in chat and not any(f'data-state="{o}"' in chat for o in others)  # what it says
    assert render.esc(turns[0].answer.hits[0].quote) in chat
    md_text = Path(md.value["path"]).read_text(encoding="utf-8")
    assert "## 1. Siapa Ketua Bawaslu Jawa Tengah?" in md_text and "[1] " in md_text
    assert Path(page.value["path"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert md.value["orig_name"] == "tanya-netralitas-handout.md" and md.interactive


def test_bad_input_is_a_message_in_the_chat_not_an_error(app: ChatApp):
    *_, (chat, turns, _, md, page, _) = app.respond("", 3, [], None)
    assert turns[0].error.startswith("Pertanyaannya masih kosong") and 'data-state="error"' in chat
    assert md.value is None and not md.interactive  # nothing to hand out yet
    *_, (chat, turns, *_) = app.respond("halo", 3.5, turns, None)
    assert "k=3.5" in turns[1].error and len(turns) == 2
    with pytest.raises(gr.Error, match="Pertanyaannya masih kosong"):
        app.ask("   ", 5)


def test_api_ask_returns_the_answer_as_a_dict(app: ChatApp):
    result = app.ask("Siapa Ketua Bawaslu Jawa Tengah?", 2)
    assert set(result) == {"question", "answered", "outcome", "reason", "confidence", "reader", "asked", "hits"} and len(result["hits"]) == 2
    assert {"quote", "title", "outlet", "date", "source", "passage_id", "answer", "answer_start"} <= set(result["hits"][0])


def test_source_reader_opens_only_articles_in_the_index(app: ChatApp):
    passage = app.engine.index.passages[3]
    markup = app.open_source(click(doc=passage.doc_id, passage=passage.passage_id, qs=passage.start, qe=passage.start + 5))
    assert 'id="reader-passage"' in markup and '<mark class="quote">' in markup
    for doc in ("../seeds/" + passage.doc_id + ".txt", "/etc/passwd", passage.doc_id + ".txt", ""):
        assert "tidak ada di indeks" in app.open_source(click(doc=doc, passage=passage.passage_id))
    other = next(p for p in app.engine.index.passages if p.doc_id != passage.doc_id)
    markup = app.open_source(click(doc=passage.doc_id, passage=other.passage_id, qs="1", qe=None))
    assert "reader-passage" not in markup and render.esc(app.engine.index.articles[passage.doc_id].text[:40]) in markup
    assert "tidak ada di indeks" in app.open_source(gr.EventData(None, None))


def test_clear_empties_the_conversation_the_reader_and_the_handouts(app: ChatApp):
    chat, turns, question, md, page, reader = app.clear()
    assert turns == [] and question == "" and "welcome" in chat and not md.interactive and not page.interactive
    assert reader == render.reader_empty()


def test_the_only_public_api_endpoint_is_ask(app: ChatApp):
    demo = app.build()
    public = [d for d in demo.config["dependencies"] if d.get("api_visibility", "public") == "public" and d.get("api_name")]
    assert [d["api_name"] for d in public] == ["ask"]


@pytest.fixture(scope="module")
def session_app(app: ChatApp) -> ChatApp:
    from qa.session.bank import read_bank
    from qa.session.prepare import prepare_session

    return ChatApp(app.engine, prepare_session(app.engine, read_bank(SEEDS.parent / "sessions" / "netralitas-asn.md"), 3))


def test_a_session_answers_its_questions_from_the_prepared_answers_and_others_live(session_app: ChatApp):
    session = session_app.session
    question = session.bank.questions[4].text
    assert session_app.answer(f"  {question} ", 3.0) is session.answers[4]  # prepared: the very same answer
    assert session_app.answer(question, 4) is not session.answers[4]  # another k: answered live
    assert len(session_app.answer(question, 4).hits) == 4 and session_app.answer("Siapa Sekda Jateng?", 3).hits


def test_the_agenda_click_asks_the_clicked_question_and_ignores_anything_else(session_app: ChatApp):
    from qa.session.panel import asker

    run = asker(session_app.respond, session_app.session)
    *_, (chat, turns, _, md, page, _) = run(3, [], click(q=2), None)
    assert turns[0].question == session_app.session.bank.questions[2].text and turns[0].answer is session_app.session.answers[2]
    text = Path(md.value["path"]).read_text(encoding="utf-8")
    assert all(q.text in text.replace("\\", "") for q in session_app.session.bank.questions)
    for bad in ({"q": 99}, {"q": -1}, {"q": "2"}, {"q": True}, {}):
        assert list(run(3, turns, click(**bad), None)) == [(gr.skip(),) * 6]


def test_a_session_page_has_its_handouts_ready_and_still_only_ask_as_api(session_app: ChatApp):
    md, page = session_app.handout_files([], None)
    assert md.read_text(encoding="utf-8").startswith("# Netralitas ASN dalam Pemilu dan Pilkada: handout sesi")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    demo = session_app.build()
    public = [d for d in demo.config["dependencies"] if d.get("api_visibility", "public") == "public" and d.get("api_name")]
    assert [d["api_name"] for d in public] == ["ask"]
