"""The chat page in a real browser: Debian's chromium (Playwright) against a real `qa serve` process.

One server per index for the whole module: the seeds (real model), and the seeds plus an article
full of script, image and link payloads. Screenshots and the measured answer latency go to
artifacts/ (gitignored).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, TimeoutError as PlaywrightTimeout, expect, sync_playwright

from serving import server as server_process
from conftest import ROOT, SEEDS
from qa.answering.results import NO_ANSWER, NOT_SURE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts"
DONE = "#chat .turn:not([data-state=pending])"
ANSWER_WAIT_MS = 90_000  # a 2-core CI machine under the suite's load; the measured latency is in artifacts/
LATENCY_QUESTIONS = ("Siapa Ketua Bawaslu Jawa Tengah?", "Di mana deklarasi netralitas ASN digelar?",
                     "Apa pesan Penjabat Gubernur Jateng kepada ASN?", "asn boleh ikut kampanye gak sih?",
                     "Apa yang disampaikan kepada lurah dan camat di Jakarta Selatan?", "Resep rendang daging sapi yang empuk")
XSS_ARTICLE = """Uji <b>Keamanan</b> Halaman <script>window.__xss=1</script> Netralitas ASN

Jakarta (Xss<i>News</i>) - Tim keamanan Bawaslu menguji halaman tanya jawab <script>window.__xss=1</script> dengan artikel berisi kode jahat pada Rabu (2/10).

Petugas keamanan Bawaslu menyisipkan gambar palsu <img src=x onerror="window.__xss=2;alert(2)"> ke dalam artikel uji netralitas ASN.

Tautan berbahaya [klik](javascript:window.__xss=3) juga disisipkan oleh petugas keamanan Bawaslu, bersama entitas &lt;b&gt;tebal&lt;/b&gt; &amp; kode ${window.__xss=4} serta {{constructor.constructor('window.__xss=5')()}}.

Kode uji keamanan Bawaslu yang sangat panjang tanpa spasi adalah """ + "A" * 400 + ".\n"


@contextmanager
def serving(index: Path, log_path: Path, reader: bool | None = None) -> Iterator[str]:
    """`python -m qa serve` on a free port (tests/serving.py), without inherited QA_/GRADIO_ settings; the reader on
    or off as ``reader`` says (None: the default, qa.config.READER_DEFAULT)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "GRADIO_"))}
    if reader is not None:
        env["QA_READER"] = "1" if reader else "0"
    with server_process(index, log_path, env=env) as (url, _):
        yield url


@pytest.fixture(scope="module")
def server(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # the reader on (as by default, qa.config.READER_DEFAULT, stated here so the page's reader path is tested
    # whatever the default); the session and upload browser tests serve the default
    with serving(real_index, tmp_path_factory.mktemp("serve") / "serve.log", reader=True) as url:
        yield url


@pytest.fixture(scope="module")
def xss_server(real_engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from qa.index.build import build

    root = tmp_path_factory.mktemp("xss")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seeds" / "900_xss.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    build([root / "seeds"], root / "index", real_engine.embedder, progress=False)
    with serving(root / "index", root / "serve.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _close_pages(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test's pages are closed after it, so no page (and its open connections) outlives its test."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


def open_page(browser: Browser, url: str, width: int = 1280, height: int = 800) -> tuple[Page, list[str]]:
    """A fresh page (a fresh chat session) and the list of dialogs it opened."""
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.set_default_timeout(30_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return page, dialogs


def ask(page: Page, question: str) -> tuple[float, object]:
    """Type the question, press Enter, wait for its answer; seconds from Enter to the rendered answer, and the turn."""
    before = page.locator(DONE).count()
    box = page.locator("#question textarea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    try:
        page.wait_for_function(f"document.querySelectorAll('{DONE}').length > {before}", timeout=ANSWER_WAIT_MS)
    except PlaywrightTimeout:
        last = page.locator("#chat .turn").last
        state = last.get_attribute("data-state") if last.count() else None
        raise AssertionError(f"no answer to {question!r} within {ANSWER_WAIT_MS / 1000:.0f} s; "
                             f"{page.locator('#chat .turn').count()} turns, the last {state!r}: "
                             f"{(last.inner_text()[:300] if last.count() else '')!r}") from None
    return time.perf_counter() - started, page.locator("#chat .turn").last


QUOTE_IN_VIEW = """(withinWindow) => {
    const box = document.querySelector('#reader .reader-body');
    const mark = document.querySelector('#reader-passage mark.quote');
    if (!box || !mark) return false;
    const b = box.getBoundingClientRect(), m = mark.getBoundingClientRect();
    const inBox = m.top >= b.top - 1 && m.top < b.bottom - 10;
    return inBox && (!withinWindow || (m.top >= 0 && m.top < window.innerHeight - 10));
}"""


def wait_until_quote_in_view(page: Page, within_window: bool = False) -> None:
    """Wait (up to the page's timeout) until the reader has scrolled its highlighted quote into view."""
    page.wait_for_function(QUOTE_IN_VIEW, arg=within_window)


def test_enter_answers_with_a_quote_and_citations(browser: Browser, server: str):
    """Also measures Enter → rendered answer into artifacts/ui-latency.json (the target, under 1 s, is not asserted)."""
    page, dialogs = open_page(browser, server)
    latencies = []
    for question in LATENCY_QUESTIONS:
        seconds, turn = ask(page, question)
        latencies.append(seconds)
    median = statistics.median(latencies)
    print(f"\nchat page: Enter → answer rendered, {len(latencies)} questions: median {1000 * median:.0f} ms, "
          f"max {1000 * max(latencies):.0f} ms")
    (ARTIFACTS / "ui-latency.json").write_text(json.dumps(
        {"questions": dict(zip(LATENCY_QUESTIONS, [round(1000 * s) for s in latencies])), "median_ms": round(1000 * median)},
        ensure_ascii=False, indent=2), encoding="utf-8")
    first = page.locator("#chat .turn").first
    expect(first).to_have_attribute("data-state", "answered")
    expect(first.locator("blockquote.answer-quote")).to_contain_text("Muhammad Amin")
    labels = first.locator(".cite summary")
    expect(labels.first).to_be_visible()
    assert re.match(r"^\[1\] .+ — .+ · bagian \d+(, \d+)*$", labels.first.inner_text())
    for turn in page.locator("#chat .turn").all():  # each article cited once per answer
        docs = [label.get_attribute("data-doc") for label in turn.locator(".cite summary").all()]
        assert len(docs) == len(set(docs)), docs
    assert page.locator("#chat .turn").count() == len(LATENCY_QUESTIONS) and not dialogs


def test_a_citation_opens_its_passage_and_the_source_reader_scrolled_to_it(browser: Browser, server: str):
    page, _ = open_page(browser, server, height=720)
    _, turn = ask(page, "Siapa Ketua Bawaslu Jawa Tengah?")
    quote = turn.locator("blockquote.answer-quote").inner_text().strip("“”")
    summary = turn.locator(".cite summary").first
    title = summary.inner_text().split("] ", 1)[1].split(" — ")[0]
    summary.click()
    opened = turn.locator(".cite details[open]")
    expect(opened.locator(".passage mark.quote").first).to_have_text(quote)
    expect(opened.locator("dl.meta")).to_contain_text(title)
    expect(opened.locator("dl.meta")).to_contain_text("seeds/")
    expect(page.locator("#reader #reader-passage mark.quote")).to_have_text(quote)
    expect(page.locator("#reader .reader-title")).to_have_text(title)
    page.wait_for_function("() => document.querySelector('#reader .reader-body').scrollTop > 0")
    wait_until_quote_in_view(page)
    page.screenshot(path=str(ARTIFACTS / "answer-desktop.png"), full_page=True)


def test_phone_width_shows_the_answer_and_jumps_to_the_reader(browser: Browser, server: str):
    page, _ = open_page(browser, server, width=390, height=844)
    _, turn = ask(page, "Di mana deklarasi netralitas ASN digelar?")
    turn.locator(".cite summary").first.click()
    expect(turn.locator(".cite details[open] .passage mark.quote").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    turn.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "answer-phone.png"))
    turn.locator(".cite details[open] button.open-reader").first.click()
    expect(page.locator("#reader #reader-passage mark.quote")).to_be_visible()
    page.wait_for_function("() => { const r = document.querySelector('#reader').getBoundingClientRect();"
                           " return r.top >= -5 && r.top < window.innerHeight / 2; }")
    wait_until_quote_in_view(page, within_window=True)
    page.screenshot(path=str(ARTIFACTS / "reader-phone.png"))


def test_off_topic_question_says_the_articles_do_not_answer_it(browser: Browser, server: str):
    page, _ = open_page(browser, server)
    _, turn = ask(page, "Resep rendang daging sapi yang empuk")
    expect(turn).to_have_attribute("data-state", "no-answer")
    expect(turn.locator(".no-answer")).to_have_text(NO_ANSWER)
    expect(turn.locator(".closest-label")).to_contain_text("bukan jawaban")
    expect(turn.locator(".cite summary").first).to_be_visible()
    assert turn.locator("blockquote.answer-quote").count() == 0
    turn.locator(".cite summary").first.click()  # one truth per turn: no span marked as the answer anywhere
    expect(page.locator("#reader #reader-passage")).to_be_visible()
    assert turn.locator("mark.answer").count() == 0 and page.locator("#reader mark.answer").count() == 0


@pytest.mark.parametrize("width", [1366, 390])
def test_the_three_outcomes_look_distinct(browser: Browser, server: str, width: int):
    """Answered, not sure and no answer: each its own state, message and look; only the first marks an answer."""
    page, _ = open_page(browser, server, width=width)
    turns = {}
    for n, (state, question) in enumerate((("answered", "Siapa Ketua Bawaslu Jawa Tengah?"),
                                            ("not-sure", "Siapa Bupati Bangka Tengah?"),
                                            ("no-answer", "Resep rendang daging sapi yang empuk"))):
        ask(page, question)
        turns[state] = page.locator("#chat .turn").nth(n)  # ask()'s turn is the last one, whichever that is later
        expect(turns[state]).to_have_attribute("data-state", state)
    expect(turns["answered"].locator("blockquote.answer-quote")).to_contain_text("Muhammad Amin")
    expect(turns["not-sure"].locator(".not-sure")).to_have_text(NOT_SURE)
    expect(turns["not-sure"].locator(".near-evidence")).to_contain_text("belum terverifikasi")
    expect(turns["no-answer"].locator(".no-answer")).to_have_text(NO_ANSWER)
    for state in ("not-sure", "no-answer"):
        assert turns[state].locator("blockquote.answer-quote, mark.answer, .verdict").count() == 0
    colours = {state: turns[state].locator(f".{state}").evaluate("e => getComputedStyle(e).color")
               for state in ("not-sure", "no-answer")}
    assert colours["not-sure"] != colours["no-answer"], colours
    for state, turn in turns.items():
        turn.scroll_into_view_if_needed()
        turn.screenshot(path=str(ARTIFACTS / f"outcome-{state}-{width}.png"))


def test_the_page_speaks_indonesian_to_the_end(browser: Browser, server: str):
    page, _ = open_page(browser, server)
    footer = page.locator("#footer .qa-footer")
    expect(footer).to_contain_text("Juga bisa dipakai lewat API")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Gradio's own page loader ("Loading...") can outlive the first render by a moment; it must go, not stay
    expect(page.locator("body")).not_to_contain_text("Loading", timeout=30_000)
    visible = page.locator("body").inner_text()
    for english in ("Use via API", "Built with Gradio", "Settings", "Loading", "Submit", "Clear", "Stop"):
        assert english not in visible, english
    assert page.locator("footer").count() == 1  # ours; Gradio's English footer is turned off (footer_links=[])


def test_bad_input_gets_a_friendly_message_in_the_chat(browser: Browser, server: str):
    page, _ = open_page(browser, server)
    _, turn = ask(page, "")
    expect(turn).to_have_attribute("data-state", "error")
    expect(turn.locator(".error")).to_contain_text("Pertanyaannya masih kosong")
    _, turn = ask(page, "kenapa " * 400)
    expect(turn.locator(".error")).to_contain_text("terlalu panjang")
    assert "Traceback" not in page.content()


def test_examples_articles_large_text_and_clear(browser: Browser, server: str):
    page, _ = open_page(browser, server)
    page.get_by_role("button", name="What did Nana Sudjana ask the ASN in Central Java?").click()
    page.wait_for_selector(DONE)
    turn = page.locator("#chat .turn").last
    expect(turn.locator(".q")).to_contain_text("What did Nana Sudjana ask")
    assert "Nana Sudjana" in turn.locator(".a").text_content()  # English finds the Indonesian passage
    page.locator("#articles-box").get_by_text("Daftar artikel di indeks (5)").click()
    rows = page.locator("#articles tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#articles")).to_contain_text("AksaraNewsroom.ID")
    expect(page.locator("#articles")).to_contain_text("Kamis, 6 Juni 2024")
    rows.nth(1).locator("button").click()
    expect(page.locator("#reader .reader-title")).to_have_text(rows.nth(1).locator("button").inner_text())
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#chat .conv')).fontSize)")
    page.locator("#large input[type=checkbox]").check()
    page.wait_for_function("(size) => parseFloat(getComputedStyle(document.querySelector('#chat .conv')).fontSize) > size",
                           arg=size * 1.3)
    page.screenshot(path=str(ARTIFACTS / "answer-large-text.png"))
    page.locator("#clear").click()
    expect(page.locator("#chat .turn")).to_have_count(0)
    expect(page.locator("#chat .welcome")).to_be_visible()
    expect(page.locator("#handout-md")).to_be_disabled()


def test_handout_downloads_list_questions_quotes_and_citations(browser: Browser, server: str):
    page, _ = open_page(browser, server)
    expect(page.locator("#handout-md")).to_be_disabled()
    _, turn = ask(page, "Siapa Ketua Bawaslu Jawa Tengah?")
    ask(page, "Di mana deklarasi netralitas ASN digelar?")
    label = turn.locator(".cite summary").first.inner_text()  # "[1] Title — Outlet, date"
    with page.expect_download() as download:
        page.locator("#handout-md").click()
    assert download.value.suggested_filename == "tanya-netralitas-handout.md"
    md = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## 1. Siapa Ketua Bawaslu Jawa Tengah?" in md and "Muhammad Amin" in md
    assert "## 2. Di mana deklarasi netralitas ASN digelar?" in md  # (unanswered questions: tests/test_render.py)
    assert "- " + label in md.replace("\\", "") and "(`seeds/" in md
    with page.expect_download() as download:
        page.locator("#handout-html").click()
    page_html = Path(download.value.path()).read_text(encoding="utf-8")
    assert page_html.startswith("<!DOCTYPE html>") and "<script" not in page_html
    assert "1. Siapa Ketua Bawaslu Jawa Tengah?" in page_html and "seeds/" in page_html and "Muhammad Amin" in page_html


def test_ask_is_an_api_of_the_running_app_as_the_readme_shows(server: str):
    from gradio_client import Client

    chat_section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Chat page", 1)[1]
    code = re.search(r"```python\n(.*?)```", chat_section, re.S).group(1)
    assert "http://127.0.0.1:7860/" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace("http://127.0.0.1:7860/", server), "README.md", "exec"), {})
    assert out.getvalue() == "True True True\n"

    client = Client(server, verbose=False)
    result = client.predict("Siapa Ketua Bawaslu Jawa Tengah?", 3, api_name="/ask")
    assert result["answered"] is True and 1 <= len(result["hits"]) <= 3
    assert "Muhammad Amin" in result["hits"][0]["quote"] and result["hits"][0]["source"].startswith("seeds/")
    with pytest.raises(Exception, match="Pertanyaannya masih kosong"):
        client.predict("   ", 3, api_name="/ask")


def test_an_article_with_script_and_link_payloads_renders_as_inert_text(browser: Browser, xss_server: str):
    page, dialogs = open_page(browser, xss_server)
    _, turn = ask(page, "Apa yang disisipkan petugas keamanan Bawaslu?")
    xss_title = "Uji <b>Keamanan</b> Halaman <script>window.__xss=1</script> Netralitas ASN"
    expect(turn.locator(".cite summary").filter(has_text=xss_title).first).to_be_visible()
    for summary in turn.locator(".cite summary").all():
        summary.click()
    page.locator("#articles-box").get_by_text("Daftar artikel di indeks (6)").click()
    page.locator("#articles button").filter(has_text=xss_title).click()
    expect(page.locator("#reader .reader-title")).to_have_text(xss_title)
    expect(page.locator("#reader")).to_contain_text("{{constructor.constructor('window.__xss=5')()}}")  # rendered
    expect(turn.locator(".cite details[open]")).to_have_count(turn.locator(".cite summary").count())
    shown = page.locator("#chat").inner_text() + page.locator("#reader").inner_text()
    for payload in ("<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=2;alert(2)">',
                    "[klik](javascript:window.__xss=3)", "&lt;b&gt;tebal&lt;/b&gt; &amp;", "${window.__xss=4}",
                    "{{constructor.constructor('window.__xss=5')()}}", "Xss<i>News</i>"):
        assert payload in shown, payload
    assert dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#chat img, #reader img, #articles img, #chat script, #reader script, #articles script, "
                        "#chat i, #reader b, #articles b").count() == 0
    assert page.locator("img[src=x], a[href^='javascript' i]").count() == 0
    assert not page.evaluate(r"[...document.scripts].some(s => /^\s*window\.__xss/.test(s.textContent))")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the 400-letter word wraps
    with page.expect_download() as download:
        page.locator("#handout-html").click()
    handout = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<script" not in handout and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in handout
    page.screenshot(path=str(ARTIFACTS / "xss-desktop.png"), full_page=True)


def test_the_phone_header_keeps_title_and_subtitle_full_width_above_the_large_text_switch(browser: Browser, server: str):
    page, _ = open_page(browser, server, width=390, height=844)
    title, sub, switch = (page.locator(sel) for sel in (".app-title", ".app-sub", "#large"))
    expect(switch).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "header-phone.png"))
    t, s, c = title.bounding_box(), sub.bounding_box(), switch.bounding_box()
    line = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.app-sub')).lineHeight)"))
    assert t["width"] >= 300 and s["width"] >= 300, (t, s)  # not squeezed into a column beside the switch
    assert s["height"] <= 4 * line, (s, line)  # the subtitle wraps into a few lines, not one word per line
    assert c["y"] >= s["y"] + s["height"] - 1, (s, c)  # the switch sits below the subtitle
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_every_example_question_is_answered_and_the_answer_is_marked(browser: Browser, server: str):
    """The example buttons are questions the articles answer; the stated quote is marked in the source reader when
    the citation is opened."""
    from qa.app import EXAMPLES

    page, dialogs = open_page(browser, server)
    for number, question in enumerate(EXAMPLES, start=1):
        page.get_by_role("button", name=question).click()
        page.wait_for_function(f"document.querySelectorAll('{DONE}').length >= {number}")
        expect(page.locator("#chat .turn").nth(number - 1)).to_have_attribute("data-state", "answered")
    first = page.locator("#chat .turn").first  # "Siapa Ketua Bawaslu Jawa Tengah?"
    # with the reader on, retrieval's verified quote is stated (qa/answering/decide.py); a reader span is marked only
    # when the reader's own answer is the one stated
    expect(first.locator("blockquote.answer-quote")).to_contain_text("Muhammad Amin")
    first.locator(".cite summary").first.click()
    expect(page.locator("#reader #reader-passage mark.quote")).to_contain_text("Muhammad Amin")
    assert not dialogs


LAST_TURN = """() => {
    const box = document.querySelector('#chat .conv'), turns = document.querySelectorAll('#chat .turn');
    const t = turns[turns.length - 1].getBoundingClientRect(), b = box.getBoundingClientRect();
    return {turnTop: Math.round(t.top), turnBottom: Math.round(t.bottom), boxTop: Math.round(b.top),
            boxBottom: Math.round(b.bottom), window: window.innerHeight, scrollY: Math.round(window.scrollY)};
}"""


# Protects against (issue 23): on a phone, after opening a source in the reader, the next answer lands ~1,150 px above
# the view; and the source reader still showing the previous question's article once a new answer arrives.
@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_after_the_source_reader_the_next_answer_is_in_view_and_the_reader_is_emptied(browser: Browser, server: str,
                                                                                      width: int, height: int):
    page, _ = open_page(browser, server, width=width, height=height)
    _, turn = ask(page, "Di mana deklarasi netralitas ASN digelar?")
    turn.locator(".cite summary").first.click()
    turn.locator(".cite details[open] button.open-reader").first.click()
    expect(page.locator("#reader .reader-title")).to_be_visible()
    wait_until_quote_in_view(page, within_window=True)
    reader_at = page.evaluate(LAST_TURN)
    _, turn = ask(page, "Siapa Ketua Bawaslu Jawa Tengah?")
    expect(turn.locator("blockquote.answer-quote")).to_contain_text("Muhammad Amin")
    page.wait_for_function("() => { const ts = document.querySelectorAll('#chat .turn'); const r = ts[ts.length - 1]"
                           ".getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight - 80; }")
    shown = page.evaluate(LAST_TURN)
    print(f"\n{width} px: reading the source, window at {reader_at['scrollY']}; after Enter, window at "
          f"{shown['scrollY']}, the new turn's top at {shown['turnTop']} of {shown['window']}")
    expect(page.locator("#reader .reader-title")).to_have_count(0)  # not the previous question's article
    expect(page.locator("#reader .reader-empty")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"next-answer-after-reader-{width}.png"))


# Protects against (issue 23): switching to large text leaving the latest answer cut off.
@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_large_text_keeps_the_latest_answer_visible_and_scrollable_to_its_end(browser: Browser, server: str,
                                                                              width: int, height: int):
    page, _ = open_page(browser, server, width=width, height=height)
    ask(page, "Siapa Ketua Bawaslu Jawa Tengah?")
    _, turn = ask(page, "Apa yang bisa membuat ASN tidak netral?")
    before = page.evaluate(LAST_TURN)
    page.locator("#large input[type=checkbox]").check()
    page.wait_for_function("() => document.body.classList.contains('qa-large')")
    page.wait_for_function("() => { const ts = document.querySelectorAll('#chat .turn'); const t = ts[ts.length - 1]"
                           ".getBoundingClientRect(), b = document.querySelector('#chat .conv').getBoundingClientRect();"
                           " return t.top >= Math.max(0, b.top) - 1 && t.top < Math.min(b.bottom, window.innerHeight) - 40; }")
    after = page.evaluate(LAST_TURN)
    print(f"\n{width} px, large text: the latest turn's top {before['turnTop']} → {after['turnTop']} "
          f"(box {after['boxTop']}–{after['boxBottom']}, window {after['window']})")
    page.screenshot(path=str(ARTIFACTS / f"large-text-latest-{width}.png"))
    # its end can be reached: the conversation box scrolled to its bottom, then the window to the box's bottom
    end = page.evaluate("""() => {
        const box = document.querySelector('#chat .conv'); box.scrollTop = box.scrollHeight;
        const ts = document.querySelectorAll('#chat .turn'), last = ts[ts.length - 1].querySelector('.a');
        last.scrollIntoView({block: 'end'});
        const r = last.getBoundingClientRect(), hit = document.elementFromPoint(r.left + 20, r.bottom - 6);
        return {bottom: Math.round(r.bottom), window: window.innerHeight, inside: !!hit && last.contains(hit)};
    }""")
    assert end["inside"] and end["bottom"] <= end["window"], end


def test_a_follow_up_is_shown_as_understood_and_a_thumbs_down_reaches_the_record(browser: Browser, server: str,
                                                                                real_index: Path):
    import subprocess
    import sys

    page, _ = open_page(browser, server)
    _, first = ask(page, "Siapa Ketua Bawaslu Jawa Tengah?")
    expect(first).to_have_attribute("data-state", "answered")
    _, turn = ask(page, "Kalau ketua Bawaslu Kota Semarang?")
    expect(turn.locator(".understood")).to_have_text("Dipahami sebagai: Siapa ketua Bawaslu Kota Semarang?")
    assert turn.get_attribute("data-state") in ("not-sure", "no-answer")  # never the provincial chair as the answer
    turn.locator("input.fb-note").fill("Ketua Bawaslu kota tidak disebut")
    turn.locator("button.fb-down").click()
    expect(page.locator("#chat .turn").last.locator(".feedback-done")).to_contain_text("ditandai bermasalah")
    expect(page.locator("#chat .turn").last.locator("button.fb-down")).to_have_attribute("aria-pressed", "true")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")} | {"PYTHONPATH": str(ROOT)}
    shown = subprocess.run([sys.executable, "-m", "qa", "record", "show", "--flagged", "--json", "--index", str(real_index)],
                           capture_output=True, text=True, env=env, timeout=60, check=True)
    flagged = [r for r in json.loads(shown.stdout) if r["asked"] == "Kalau ketua Bawaslu Kota Semarang?"]
    assert flagged and flagged[-1]["question"] == "Siapa ketua Bawaslu Kota Semarang?"
    assert flagged[-1]["notes"] == "Ketua Bawaslu kota tidak disebut" and flagged[-1]["outcome"] != "answered"
    page.close()


def test_questions_asked_through_the_api_are_listed_by_qa_questions_newest_first(server: str, real_index: Path):
    import subprocess
    import sys
    import urllib.request

    asked = ["Siapa Ketua Bawaslu Jawa Tengah? (api 1)", "Siapa pemenang Pilkada Jawa Barat 2024? (api 2)"]
    for question in asked:
        request = urllib.request.Request(server.rstrip("/") + "/api/ask", data=json.dumps({"question": question}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=120) as response:
            assert json.loads(response.read())["question"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")} | {"PYTHONPATH": str(ROOT)}
    listed = subprocess.run([sys.executable, "-m", "qa", "questions", "--json", "--index", str(real_index)],
                            capture_output=True, text=True, env=env, timeout=60, check=True)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    ours = [row for row in rows if row["question"] in asked]
    assert [row["question"] for row in ours] == asked[::-1]  # both, newest first
    assert all(row["source"] == "api" and row["outcome"] in ("answered", "not_sure", "no_answer") for row in ours)
    assert ours[0]["outcome"] != "answered"  # no article names the winner
    assert {"time", "read_as", "feedback"} <= set(ours[0])
    text = subprocess.run([sys.executable, "-m", "qa", "questions", "--index", str(real_index)],
                          capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    assert "content gaps:" in text.splitlines()[-1]
