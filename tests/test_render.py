"""The chat page's HTML (qa.page.render) and the handouts (qa.page.handout): escaped, inert, and showing what the answer says."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from qa.answering.results import NO_ANSWER, Answer, Citation, Hit
from qa.corpus.articles import Article
from qa.page import assets, handout, render

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
LINK = "[klik](javascript:window.__xss=3)"
ENTITY = "&lt;b&gt;tebal&lt;/b&gt; &amp;"
LONG = "A" * 400
# The only tags qa.page.render writes; anything else in the output came from the corpus.
OWN_TAGS = {"div", "p", "span", "em", "strong", "blockquote", "ol", "ul", "li", "details", "summary", "mark", "dl", "dt",
            "dd", "code", "button", "a", "table", "thead", "tbody", "tr", "th", "td", "section", "h1", "h2", "h3", "br",
            "html", "head", "meta", "title", "style", "body"}


class Collect(HTMLParser):
    """Every tag with its attributes, and the text as a browser would show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> Collect:
    parser = Collect()
    parser.feed(markup)
    parser.close()
    return parser


def assert_inert(markup: str) -> str:
    """No tag, attribute or URL came from the corpus; returns the visible text."""
    parsed = parse(markup)
    for tag, attrs in parsed.tags:
        assert tag in OWN_TAGS, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for value in attrs.values():
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
    return "".join(parsed.text)


EVIL_QUOTE = f"Petugas menyisipkan {IMG}, tautan {LINK}, {ENTITY} dan {LONG}."
EVIL_TEXT = f"{EVIL_QUOTE} Penutup {SCRIPT} di sini."


def evil_hit(rank: int = 1) -> Hit:
    quote = EVIL_QUOTE
    return Hit(rank=rank, score=0.9, doc_id='x" onmouseover="window.__xss=9', passage_id='x" onmouseover="y#1',
               title=f"Uji {SCRIPT} <b>judul</b>", outlet="Xss<i>News</i>", date="Rabu (2/10)",
               source="javascript:alert(1)", text=EVIL_TEXT, start=100, end=100 + len(EVIL_TEXT), quote=quote,
               quote_start=100, quote_end=100 + len(quote), place="<u>Jakarta</u>",
               also_in=(Citation(doc_id="d2", passage_id="d2#0", title=f"Sama {IMG}", outlet="O", date="", source="s"),))


def hit(rank: int, title: str = "Judul", quote: str = "Kalimat jawaban.") -> Hit:
    text = f"Kalimat pembuka. {quote} Kalimat penutup."
    q_start = 10 + text.index(quote)
    return Hit(rank=rank, score=0.5, doc_id=f"d{rank}", passage_id=f"d{rank}#0", title=title, outlet="ANTARA",
               date="Kamis (26/9)", source=f"seeds/d{rank}.txt", text=text, start=10, end=10 + len(text), quote=quote,
               quote_start=q_start, quote_end=q_start + len(quote))


def test_answer_html_escapes_every_corpus_field_and_stays_inert():
    for answered in (True, False):
        markup = render.answer_html(Answer(question="q", answered=answered, hits=[evil_hit()]))
        text = assert_inert(markup)
        assert SCRIPT in text and IMG in text and LINK in text and ENTITY in text and "Xss<i>News</i>" in text
        assert "<script" not in markup.lower() and "<img" not in markup.lower()
        assert 'data-doc="x&quot; onmouseover=&quot;window.__xss=9"' in markup  # the quote cannot end the attribute


def test_answered_shows_the_quote_then_numbered_citations_with_the_quote_marked_in_its_passage():
    answer = Answer(question="q", answered=True, hits=[hit(1, quote="Amin adalah ketua."), hit(2, title="Lain")])
    markup = render.answer_html(answer)
    text = assert_inert(markup)
    assert text.index("“Amin adalah ketua.”") < text.index("[1] Judul — ANTARA, Kamis (26/9)") < text.index("[2] Lain")
    assert '<mark class="quote">Amin adalah ketua.</mark>' in markup
    assert NO_ANSWER not in text
    assert 'data-doc="d1" data-passage="d1#0"' in markup


def test_no_answer_says_so_plainly_and_marks_the_closest_passages_as_not_an_answer():
    answer = Answer(question="resep rendang", answered=False, hits=[hit(1, quote="Dekat tapi bukan."), hit(2)])
    text = assert_inert(render.answer_html(answer))
    assert text.startswith(NO_ANSWER)
    assert text.index(NO_ANSWER) < text.index(render.CLOSEST) < text.index("[1] Judul") < text.index("[2] Judul")
    assert "bukan jawaban" in render.CLOSEST
    assert "“Dekat tapi bukan.”" in text
    assert assert_inert(render.answer_html(Answer(question="x", answered=False, hits=[]))) == NO_ANSWER


def test_marked_uses_the_exact_offsets_and_clips_the_quote_to_the_passage():
    article = "0123456789<b>&"
    assert render.marked(article, 2, 14, 10, 13) == '23456789<mark class="quote">&lt;b&gt;</mark>&amp;'
    assert render.marked(article, 2, 6, 0, 100) == '<mark class="quote">2345</mark>'
    assert render.marked(article, 2, 6, -1, -1) == "2345"
    assert render.marked("abc", 2, 5, 3, 4, offset=2) == 'a<mark class="quote">b</mark>c'


def test_the_readers_answer_is_marked_inside_the_quote_in_the_answer_the_passage_and_the_source_reader():
    text = "Kalimat pembuka. Ketua Bawaslu Jateng <Muhammad Amin> mengatakan itu. Kalimat penutup."
    q_start, q_end = 10 + text.index("Ketua"), 10 + text.index(" Kalimat penutup")
    a_start = 10 + text.index("<Muhammad")
    a_end = a_start + len("<Muhammad Amin>")
    answered = Hit(rank=1, score=0.5, doc_id="d1", passage_id="d1#0", title="Judul", outlet="ANTARA", date="",
                   source="seeds/d1.txt", text=text, start=10, end=10 + len(text), quote=text[q_start - 10:q_end - 10],
                   quote_start=q_start, quote_end=q_end, answer="<Muhammad Amin>", answer_start=a_start, answer_end=a_end)
    markup = render.answer_html(Answer(question="Siapa?", answered=True, hits=[answered]))
    assert_inert(markup)
    marked_answer = '<mark class="answer">&lt;Muhammad Amin&gt;</mark>'
    assert f'<blockquote class="answer-quote">“Ketua Bawaslu Jateng {marked_answer} mengatakan itu.”</blockquote>' in markup
    assert f'<mark class="quote">Ketua Bawaslu Jateng {marked_answer} mengatakan itu.</mark>' in markup
    assert f'data-as="{a_start}" data-ae="{a_end}"' in markup
    full = "0123456789" + text
    reader = render.reader_html(article(full), 10, len(full), q_start, q_end, a_start, a_end)
    assert marked_answer in reader and reader.index('<mark class="quote">') < reader.index(marked_answer)
    plain = render.answer_html(Answer(question="Siapa?", answered=True, hits=[hit(1)]))
    assert 'class="answer"' not in plain and 'data-as="-1" data-ae="-1"' in plain


def article(text: str, **meta) -> Article:
    fields = {"doc_id": "d1", "title": "Judul", "outlet": "ANTARA", "place": "Semarang", "date": "Kamis (26/9)",
              "source": "seeds/d1.txt", "blocks": ((0, len(text)),), **meta}
    return Article(text=text, **fields)


def test_reader_shows_the_whole_article_with_the_passage_and_quote_highlighted():
    text = "Awal artikel.\n\nIni bagian yang dikutip. Kalimat kutipan.\n\nAkhir artikel."
    start, end = text.index("Ini"), text.index("\n\nAkhir")
    q = text.index("Kalimat kutipan.")
    markup = render.reader_html(article(text), start, end, q, q + len("Kalimat kutipan."))
    visible = assert_inert(markup)
    assert text in visible and "ANTARA · Kamis (26/9) · Semarang" in visible
    assert ('<span class="passage" id="reader-passage">Ini bagian yang dikutip. '
            '<mark class="quote">Kalimat kutipan.</mark></span>') in markup
    for bad in ((-1, 5), (5, 5), (0, len(text) + 1)):  # offsets that do not fit: the article, nothing highlighted
        assert "reader-passage" not in render.reader_html(article(text), *bad)


def test_reader_and_article_list_escape_metadata_and_never_link_other_schemes():
    evil = article(f"Teks {SCRIPT} {IMG}", title=f"T {SCRIPT}", outlet="<i>O</i>", source="javascript:alert(1)")
    for markup in (render.reader_html(evil, 0, 4), render.articles_html({evil.doc_id: evil})):
        visible = assert_inert(markup)
        assert SCRIPT in visible and "<a " not in markup
    web = render.reader_html(article("Teks.", source="https://example.org/berita?a=1&b=2"))
    assert '<a href="https://example.org/berita?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">' in web
    assert "<a " not in render.source_html('https://x.org/"onmouseover="alert(1)')


def test_conversation_shows_questions_errors_and_pending_turns_escaped():
    turns = [render.Turn(f"Apa {SCRIPT}?", answer=Answer(question="q", answered=True, hits=[hit(1)])),
             render.Turn("", error=f"Pertanyaannya masih kosong {IMG}"), render.Turn("Menunggu?", pending=True)]
    markup = render.conversation_html(turns)
    text = assert_inert(markup)
    assert f"Apa {SCRIPT}?" in text and IMG in text and "(pertanyaan kosong)" in text and "Mencari jawaban" in text
    assert re.findall(r'data-state="(\w[\w-]*)"', markup) == ["answered", "error", "pending"]
    assert "5 artikel" in assert_inert(render.conversation_html([], articles=5))


def session() -> list[render.Turn]:
    return [render.Turn(f"Siapa {SCRIPT} ketua?", answer=Answer(question="q", answered=True, hits=[evil_hit(), hit(2)])),
            render.Turn("Resep rendang", answer=Answer(question="q", answered=False, hits=[hit(1, quote="Dekat.")])),
            render.Turn("", error="kosong"), render.Turn("nanti", pending=True)]


def test_markdown_handout_lists_questions_quotes_and_full_citations_and_renders_inert():
    md = handout.as_markdown(session())
    assert "## 1. Siapa \\<script\\>window.\\_\\_xss=1\\</script\\> ketua?" in md
    assert "## 2. Resep rendang" in md and "## 3." not in md  # errors and pending turns are not in the handout
    assert "- [2] Judul — ANTARA, Kamis (26/9) · bagian 1 (`seeds/d2.txt`; `d2#0`)" in md
    assert "\\[klik\\](javascript:window.\\_\\_xss=3)" in md
    assert NO_ANSWER in md and render.CLOSEST in md
    rendered = MarkdownIt("commonmark", {"html": True}).render(md)  # raw HTML allowed: only escaping keeps it inert
    text = assert_inert(rendered)
    assert SCRIPT in text and IMG in text and LINK in text and ENTITY in text
    assert "bagian 1: “Dekat.”" in text and "[1] Judul — ANTARA, Kamis (26/9) · bagian 1 (seeds/d1.txt; d1#0)" in text


def test_markdown_code_spans_show_backticks_literally():
    assert handout.md_code("seeds/a_b.txt") == "`seeds/a_b.txt`"
    assert handout.md_code("a`b") == "``a`b``" and handout.md_code("`x") == "`` `x ``"
    for text in ("a`b", "`x", "x``y`"):
        assert MarkdownIt("commonmark").render(handout.md_code(text)) == f"<p><code>{text}</code></p>\n"


def test_html_handout_is_a_static_printable_page_with_the_same_content():
    page = handout.as_html(session())
    text = assert_inert(page)
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page and "@media print" in page
    assert f"1. Siapa {SCRIPT} ketua?" in text and "2. Resep rendang" in text and "3. " not in text
    assert "[2] Judul — ANTARA, Kamis (26/9) · bagian 1" in text and "seeds/d2.txt; d2#0" in text
    assert NO_ANSWER in text and "“Dekat.”" in text and f"juga di: Sama {IMG}" in text


def test_long_unbroken_strings_are_wrapped_by_the_page_css():
    assert "overflow-wrap:anywhere" in assets.PAGE_CSS and "overflow-wrap:anywhere" in handout.HANDOUT_CSS


def test_one_citation_format_for_the_cli_the_page_and_the_handouts():
    from qa.answering import cite
    from qa.answering.results import Hit

    hit = Hit(rank=2, score=0.5, doc_id="d", passage_id="d#1", title="", outlet="ANTARA", date="Kamis (26/9)",
              source="seeds/d.txt", text="t", start=0, end=1, quote="t", quote_start=0, quote_end=1)
    line = "(tanpa judul) — ANTARA, Kamis (26/9)"
    assert hit.citation() == f"[2] {line} (seeds/d.txt)"
    assert render.label(2, hit.title, hit.outlet, hit.date) == f"[2] {line}"
    assert handout.full_citation(hit) == f"{line} (seeds/d.txt, bagian d#1)"
    assert cite.citation("T", "", "") == "T"


def test_a_large_index_lists_only_the_first_articles_and_says_how_many_more():
    many = {f"doc{i:06d}": article(f"Teks {i}.", title=f"Judul {i}") for i in range(render.LISTED_ARTICLES + 1234)}
    markup = render.articles_html(many)
    assert markup.count("<tr><td><button") == render.LISTED_ARTICLES and "Judul 0<" in markup
    assert f"Judul {render.LISTED_ARTICLES}<" not in markup and "dan 1.234 artikel lain" in markup


def test_an_answer_cites_each_article_once_with_the_passages_it_gives():
    second = replace(hit(1, quote="Kalimat kedua."), rank=3, passage_id="d1#2", start=300, end=340)
    answer = Answer(question="q", answered=True, hits=[hit(1), hit(2), second])
    markup = render.answer_html(answer)
    labels = re.findall(r'<summary class="cite-label"[^>]*>(.*?)</summary>', markup)
    assert labels == ["[1] Judul — ANTARA, Kamis (26/9) · bagian 1, 3", "[2] Judul — ANTARA, Kamis (26/9) · bagian 1"]
    assert markup.count('class="part"') == 3 and markup.count('class="open-reader"') == 3  # each passage opens alone
    assert 'data-passage="d1#2"' in markup and len(answer.hits) == 3  # the API still lists passages
    text = answer.format()
    assert "[1] Judul — ANTARA, Kamis (26/9) · bagian 1, 3 (seeds/d1.txt)" in text
    assert "[2] Judul — ANTARA, Kamis (26/9) · bagian 1 (seeds/d2.txt)" in text and "[3]" not in text
    md = handout.as_markdown([render.Turn("q", answer=answer)])
    assert "- [1] Judul — ANTARA, Kamis (26/9) · bagian 1, 3 (`seeds/d1.txt`; `d1#0`, `d1#2`)" in md and "[3]" not in md


def test_a_no_answer_turn_marks_no_span_anywhere():
    spanned = replace(hit(1), answer="jawaban", answer_start=hit(1).quote_start + 8, answer_end=hit(1).quote_start + 15)
    for answered in (True, False):
        answer = Answer(question="q", answered=answered, hits=[spanned])
        markup = render.answer_html(answer)
        marks = ('<mark class="answer">' in markup, 'data-as="-1"' not in markup)
        assert marks == (answered, answered)  # the passage view and the source reader's click data alike
        shown = [handout.as_markdown([render.Turn("q", answer=answer)]), handout.as_html([render.Turn("q", answer=answer)]),
                 answer.format()]
        assert all(("Jawaban:" in s) == answered for s in shown)


# Protects against: “"ASN … and ““Jadi …: quotation marks added around a quote that already has its own.
def test_quotes_get_only_the_marks_they_lack_on_the_page_the_handouts_and_the_cli():
    from qa.answering.cite import quoted

    assert quoted("ASN harus netral.") == "“ASN harus netral.”"
    assert quoted('"ASN harus netral."') == '"ASN harus netral."'
    assert quoted("“Jadi begitu,” kata dia.") == "“Jadi begitu,” kata dia.”"
    assert quoted('Dia berkata "cukup"') == '“Dia berkata "cukup"'
    for text in ('"ASN harus netral," kata Amin.', "“Jadi ASN wajib netral.”"):
        answered = Answer(question="q", answered=True, hits=[hit(1, quote=text)])
        near = Answer(question="q", answered=False, hits=[hit(1, quote=text)], outcome="not_sure")
        turns = [render.Turn("q", answer=answered), render.Turn("r", answer=near)]
        shown = [assert_inert(render.answer_html(answered)), assert_inert(render.answer_html(near)),
                 handout.as_markdown(turns), assert_inert(handout.as_html(turns)), answered.format(), near.format()]
        for out in shown:
            assert text in out.replace("\\", "")
            assert not re.search(r'[“"]\s*[“"]\s*(ASN|Jadi)', out.replace("\\", "")), out


# Protects against: "bagian 0" (passage ids count from 0) and "bagian 3" on a hit widened over the whole article.
def test_passage_labels_count_from_one_and_a_widened_hit_names_its_range_while_ids_stay():
    from qa.answering.cite import part_number
    from qa.answering.results import add_distinct

    assert part_number("004_8bd08da9835bcf30#0") == "1" and part_number("d#2", ("d#0", "d#1")) == "1–3"
    parts = [replace(hit(1), passage_id=f"d1#{n}", text=f"Bagian {n} teks. Kalimat jawaban.", start=100 * n,
                     end=100 * n + 120, quote=f"Kalimat {n}.", quote_start=100 * n + 5, quote_end=100 * n + 15)
             for n in range(3)]
    hits: list[Hit] = []
    for part in (parts[2], parts[1], parts[0]):  # passage #2 ranks first, then widens over #1 and #0
        hits = add_distinct(hits, part)
    assert len(hits) == 1 and hits[0].passage_id == "d1#2" and (hits[0].start, hits[0].end) == (0, 320)
    answer = Answer(question="q", answered=False, hits=[hits[0], hit(2)], outcome="not_sure")
    markup = render.answer_html(answer)
    labels = re.findall(r'<summary class="cite-label"[^>]*>(.*?)</summary>', markup)
    assert labels == ["[1] Judul — ANTARA, Kamis (26/9) · bagian 1–3", "[2] Judul — ANTARA, Kamis (26/9) · bagian 1"]
    assert "bagian 0" not in markup and 'data-passage="d1#2"' in markup  # the click still names the passage id
    md = handout.as_markdown([render.Turn("q", answer=answer)])
    assert "· bagian 1–3 (`seeds/d1.txt`; `d1#2`)" in md and "  - bagian 1–3: “Kalimat 2.”" in md
    assert "· bagian 1–3" in handout.as_html([render.Turn("q", answer=answer)])
    assert "· bagian 1–3 (seeds/d1.txt)" in answer.format() and "bagian 1–3: “Kalimat 2.”" in answer.format()
    assert [h["passage_id"] for h in answer.to_dict()["hits"]] == ["d1#2", "d2#0"]  # what qa session check compares
