"""`qa serve --session` in real chromium: the agenda, the presenter view, and the session handout printed on A4.

A real `qa serve --session sessions/netralitas-asn.md` process over the seeds (real model);
screenshots and the printed PDF go to artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect

from serving import server as server_process
from conftest import ROOT
from qa.answering.ask import answer_with
from qa.answering.cite import quoted
from qa.app import DEFAULT_K
from qa.config import READER_DEFAULT
from qa.session import handout as session_handout
from qa.session.bank import read_bank
from qa.session.prepare import prepare
from test_browser import ARTIFACTS, DONE, _close_pages, ask, browser, open_page  # noqa: F401 (fixtures)

BANK = ROOT / "sessions" / "netralitas-asn.md"


@pytest.fixture(scope="module")
def session_server(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("session-serve") / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "GRADIO_"))}
    with server_process(real_index, log, env=env, args=("--session", str(BANK))) as (url, _):
        yield url, log


def font_size(page, selector: str) -> float:
    return page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)")


def test_agenda_click_asks_the_prepared_question_and_shows_the_prepared_answer(browser, session_server, real_engine):
    url, log = session_server
    bank = read_bank(BANK)
    assert f"{BANK.relative_to(ROOT)}: {len(bank.questions)} questions answered" in log.read_text()  # at start-up
    page, dialogs = open_page(browser, url)
    items = page.locator("#agenda button.agenda-q")
    expect(items).to_have_count(len(bank.questions))
    expect(page.locator("#agenda .agenda-section")).to_have_count(len(bank.sections()))
    expect(page.locator("#agenda")).to_contain_text("Foto bareng")  # the trainer's note, outside presenter mode
    number = next(i for i, q in enumerate(bank.questions) if q.text == "Siapa Ketua Bawaslu Jawa Tengah?")
    prepared = answer_with(real_engine, bank.questions[number].text, k=DEFAULT_K, reader=READER_DEFAULT)  # as served
    items.nth(number).click()
    page.wait_for_selector(DONE)
    turn = page.locator("#chat .turn").last
    expect(turn.locator(".q")).to_contain_text(bank.questions[number].text)
    expect(turn).to_have_attribute("data-state", "answered")
    expect(turn.locator("blockquote.answer-quote")).to_have_text(quoted(prepared.hits[0].quote))
    labels = turn.locator(".cite summary")
    expect(labels).to_have_count(len(prepared.hits))
    expect(labels.first).to_contain_text(prepared.hits[0].title)
    expect(page.locator("#agenda li").nth(number)).to_have_class(re.compile(r"\basked\b"))

    _, own = ask(page, "Siapa Sekda Jateng?")  # a participant's own question still goes through the model
    expect(own).to_have_attribute("data-state", "answered")
    expect(own.locator("blockquote.answer-quote")).to_contain_text("Sumarno")
    with page.expect_download() as download:
        page.locator("#handout-md").click()
    md = Path(download.value.path()).read_text(encoding="utf-8").replace("\\", "")
    for question in bank.questions:
        assert question.text in md, question.text
    assert md.index("## Pertanyaan peserta") < md.index(f"### {len(bank.questions) + 1}. Siapa Sekda Jateng?")
    assert md.count("Siapa Ketua Bawaslu Jawa Tengah?") == 1 and "Foto bareng" not in md  # notes stay with the trainer
    assert not dialogs
    page.screenshot(path=str(ARTIFACTS / "session-agenda.png"), full_page=True)


def test_presenter_view_hides_settings_and_controls_and_enlarges_the_text(browser, session_server):
    page, _ = open_page(browser, session_server[0])
    page.locator("#agenda button.agenda-q").first.click()
    page.wait_for_selector(DONE)
    before = {sel: font_size(page, sel) for sel in ("#chat .conv", "#agenda .agenda", "#question textarea")}
    controls = ("#settings", "#actions", "#examples", "#articles-box", "#large", "#agenda .agenda-note")
    for selector in controls:
        expect(page.locator(selector).first).to_be_visible()
    page.locator("#presenter input[type=checkbox]").check()
    for selector in controls:
        expect(page.locator(selector).first).to_be_hidden()
    for selector, factor in (("#chat .conv", 1.5), ("#question textarea", 1.4), ("#agenda .agenda", 1.2)):
        page.wait_for_function(f"(size) => parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)"
                               " >= size", arg=factor * before[selector])
    for selector in ("#chat .turn", "#agenda button.agenda-q", "#question textarea", "#reader", "#presenter"):
        expect(page.locator(selector).first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "session-presenter.png"))
    page.locator("#agenda button.agenda-q").nth(1).click()  # the agenda still asks in presenter view
    page.wait_for_function(f"document.querySelectorAll('{DONE}').length >= 2")
    page.locator("#presenter input[type=checkbox]").uncheck()
    expect(page.locator("#settings")).to_be_visible()
    page.wait_for_function("(size) => parseFloat(getComputedStyle(document.querySelector('#chat .conv')).fontSize)"
                           " == size", arg=before["#chat .conv"])


def test_at_phone_width_the_agenda_sits_above_the_chat_and_a_click_scrolls_to_the_answer(browser, session_server):
    page, _ = open_page(browser, session_server[0], width=390, height=844)
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#agenda button.agenda-q").nth(2).click()
    page.wait_for_selector(DONE)
    page.wait_for_function("() => { const r = document.querySelector('#chat').getBoundingClientRect();"
                           " return r.top > -5 && r.top < window.innerHeight / 2; }")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "session-phone.png"))


def test_session_handout_prints_on_a4_pages(browser: Browser, real_engine, tmp_path: Path):
    bank = read_bank(BANK)
    path = session_handout.write(tmp_path / "handout.html", bank, prepare(real_engine, bank, DEFAULT_K))
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    style = page.evaluate("""() => {
        const s = (q, p) => getComputedStyle(document.querySelector(q))[p];
        return {section: s('section', 'breakInside'), h3: s('h3', 'breakAfter'), body: s('body', 'maxWidth'),
                quote: s('blockquote', 'backgroundColor'), wide: document.documentElement.scrollWidth <= innerWidth};
    }""")
    assert style == {"section": "avoid", "h3": "avoid", "body": "none", "quote": "rgba(0, 0, 0, 0)", "wide": True}
    page.screenshot(path=str(ARTIFACTS / "session-handout-print.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS / "session-handout.pdf"), prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    sizes = {tuple(round(float(v)) for v in m) for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)}
    assert pages >= 2 and sizes == {(595, 842)}, (pages, sizes)  # A4 in points
    text = page.locator("body").inner_text()
    assert all(q.text in text for q in bank.questions) and "Artikel yang dikutip" in text


def test_the_room_s_questions_appear_live_beside_the_agenda_with_the_unanswered_marked(browser, session_server):
    url, _ = session_server
    page, dialogs = open_page(browser, url)
    expect(page.locator("#room")).to_be_visible()
    question = "Siapa pemenang Pilkada Jawa Barat 2024 menurut ruangan?"
    _, turn = ask(page, question)
    assert turn.get_attribute("data-state") in ("not-sure", "no-answer")
    row = page.locator("#room li").filter(has_text=question).first
    expect(row).to_be_visible(timeout=20_000)  # read again from the record every few seconds
    assert row.get_attribute("data-state") in ("not_sure", "no_answer")
    expect(row.locator(".room-mark")).to_have_text(re.compile(r"\((belum pasti|tidak terjawab)"))
    page.locator("#presenter input").check()  # the presenter view keeps the room's questions
    expect(page.locator("#room")).to_be_visible()
    assert not dialogs
