"""Answers and articles as escaped HTML for the chat page.

Every string that comes from the corpus (titles, outlets, passages, quotes, sources) or from
the user goes through :func:`html.escape` (or :func:`qa.page.handout.md_escape` for Markdown) before it is
placed in markup; only the tags written here are ever live (the handouts are in
:mod:`qa.page.handout`; the page's CSS and scripts in :mod:`qa.page.assets`). Clicks on citations carry
``data-doc`` / ``data-passage`` / ``data-qs`` / ``data-qe`` (quote) / ``data-as`` / ``data-ae`` (answer) attributes, which the page sends
back to the server; the server looks the article up in the index, never in the file system.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from qa.answering.results import Answer, Citation, Hit
from qa.answering.cite import article_citation, by_article, citation, page_label, pages, quote_marks, quoted, title_line
from qa.corpus.articles import Article
from qa.page.feedback import controls_html

EVIDENCE = "Bukti terdekat (belum terverifikasi, periksa sendiri):"  # a not-sure turn's closest quote, never an answer
CLOSEST = "Bagian artikel yang paling dekat (bukan jawaban, hanya untuk diperiksa):"
READER_EMPTY = "Klik sebuah sumber di jawaban untuk membaca artikelnya di sini, dengan bagian yang dikutip ditandai."


@dataclass(frozen=True)
class Turn:
    """One exchange of the conversation: the question and either its answer or a friendly error."""

    question: str
    answer: Answer | None = None
    error: str = ""
    pending: bool = False
    record_id: int = 0  # the question's row in the question record (0: not recorded); its answer gets thumbs
    vote: int = 0  # the thumb clicked on the answer: 1, -1, or 0


def esc(text: object) -> str:
    """HTML-escaped text (quotes too, so it is safe inside attributes)."""
    return html.escape(str(text), quote=True)


def label(rank: int, title: str, outlet: str, date: str) -> str:
    """``[1] Title — Outlet, date`` as plain text (:func:`qa.answering.cite.citation`)."""
    return citation(title, outlet, date, rank=rank)


def source_html(source: str) -> str:
    """The article's file name as text, or a link when it is an http(s) URL (no other scheme is ever linked)."""
    if re.match(r"https?://[^\s<>\"']+$", source):
        return f'<a href="{esc(source)}" target="_blank" rel="noopener noreferrer nofollow">{esc(source)}</a>'
    return f"<code>{esc(source)}</code>"


Escape = Callable[[str, int, int], str]  # (text, s, e) -> text[s:e] as HTML


def _esc(text: str, s: int, e: int) -> str:
    return esc(text[s:e])


def paged(pages: Sequence[int]) -> Escape:
    """An escaper that also marks where each page of a PDF begins (``<span class="page-break" data-page=N>``, its
    label drawn by CSS so that the text copied from the reader stays the article's); ``pages`` are page starts."""
    starts = {at: number for number, at in enumerate(pages, start=1)}  # a page without text yields to the next

    def escape(text: str, s: int, e: int) -> str:
        cuts = sorted(at for at in starts if s <= at < e)
        out, pos = [], s
        for at in cuts:
            out.append(esc(text[pos:at]) + f'<span class="page-break" data-page="{starts[at]}"></span>')
            pos = at
        return "".join(out) + esc(text[pos:e])

    return escape


def _span(text: str, s: int, e: int, inner_start: int, inner_end: int, css: str, inside=None, escape: Escape = _esc) -> str:
    """``text[s:e]`` escaped, with ``[inner_start, inner_end)`` (clipped to it) in ``<mark class=css>``;
    ``inside(text, a, b)`` renders the marked part (escaped text by default)."""
    a, b = max(s, min(e, inner_start)), max(s, min(e, inner_end))
    if b <= a:
        return escape(text, s, e)
    middle = inside(text, a, b) if inside else escape(text, a, b)
    return escape(text, s, a) + f'<mark class="{css}">{middle}</mark>' + escape(text, b, e)


def marked(text: str, start: int, end: int, q_start: int, q_end: int, offset: int = 0,
           a_start: int = -1, a_end: int = -1, escape: Escape = _esc) -> str:
    """``text[start:end]`` escaped, with the quote ``[q_start, q_end)`` in ``<mark class="quote">`` and the
    reader's answer ``[a_start, a_end)`` inside it in ``<mark class="answer">``.

    Offsets are article offsets; ``offset`` is where ``text`` begins in the article.
    """
    def answer(t: str, s: int, e: int) -> str:
        return _span(t, s, e, a_start - offset, a_end - offset, "answer", escape=escape)

    return _span(text, start - offset, end - offset, q_start - offset, q_end - offset, "quote", answer, escape=escape)


def _open_attrs(doc_id: str, passage_id: str = "", q_start: int = -1, q_end: int = -1, a_start: int = -1,
                a_end: int = -1) -> str:
    return (f'data-doc="{esc(doc_id)}" data-passage="{esc(passage_id)}" '
            f'data-qs="{int(q_start)}" data-qe="{int(q_end)}" data-as="{int(a_start)}" data-ae="{int(a_end)}"')


def _also_in(citations: Sequence[Citation]) -> str:
    if not citations:
        return ""
    items = "".join(f'<li><button type="button" class="linkish" {_open_attrs(c.doc_id, c.passage_id)} data-jump="1">'
                    f"{esc(title_line(c.title, c.outlet, c.date))}</button></li>" for c in citations)
    return f'<div class="also-in">Berita yang sama juga dimuat di:<ul>{items}</ul></div>'


def _passage_html(hit: Hit, answered: bool, attrs: str, label_it: bool) -> str:
    """One cited passage of an article: the near quote (no answer), the passage with its marks, where it is, and
    the button that opens it in the source reader."""
    quote = "" if answered else f'<div class="near-quote">{esc(quoted(hit.quote))}</div>'
    a_start, a_end = _answer_span(hit, answered)
    passage = marked(hit.text, hit.start, hit.end, hit.quote_start, hit.quote_end, offset=hit.start, a_start=a_start, a_end=a_end)
    head = f'<div class="part-label">bagian {esc(hit.part)}</div>' if label_it else ""
    page = f"{esc(page_label(hit.page, hit.ocr))}, " if hit.page is not None else ""
    where = (f'<div class="part-where">{page}Bagian <code>{esc(hit.passage_id)}</code> (karakter {hit.start}–{hit.end})'
             "</div>")
    return (f'<div class="part" data-passage="{esc(hit.passage_id)}">{head}{quote}<div class="passage">{passage}</div>'
            f'{where}<button type="button" class="open-reader" {attrs} data-jump="1">'
            "Buka artikel lengkap di pembaca sumber</button></div>")


def _answer_span(hit: Hit, answered: bool) -> tuple[int, int]:
    """The reader's span to mark in this hit: none on a turn that says there is no answer (one truth per turn)."""
    return (hit.answer_start, hit.answer_end) if answered and hit.answer else (-1, -1)


def _attrs(hit: Hit, answered: bool) -> str:
    return _open_attrs(hit.doc_id, hit.passage_id, hit.quote_start, hit.quote_end, *_answer_span(hit, answered))


def article_html(number: int, hits: Sequence[Hit], answered: bool) -> str:
    """One cited article, once, with the passages it gives (``[1] Title — Outlet, date · bagian 1, 3``); opening
    it shows each passage with its quote highlighted, and the article's metadata; a click opens the first
    passage in the source reader."""
    first = hits[0]
    meta = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in (
        ("Judul", esc(first.title)), ("Media", esc(first.outlet or "–")), ("Tanggal", esc(first.date or "–")),
        ("Tempat", esc(first.place or "–")), ("Sumber", source_html(first.source)),
        *((("Halaman", esc(pages([h.page for h in hits], [h.ocr for h in hits]).removeprefix("hlm. "))),)
          if any(h.page is not None for h in hits) else ())))
    cite = esc(article_citation(first.title, first.outlet, first.date, [h.passage_id for h in hits], rank=number,
                                page_numbers=[h.page for h in hits], covers=[h.covers for h in hits],
                                ocr=[h.ocr for h in hits]))
    passages = "".join(_passage_html(hit, answered, _attrs(hit, answered), len(hits) > 1) for hit in hits)
    also = list({c.doc_id: c for hit in hits for c in hit.also_in}.values())
    return (f'<li class="cite" data-article="{esc(first.doc_id)}"><details>'
            f'<summary class="cite-label" {_attrs(first, answered)}>{cite}</summary>'
            f'{passages}<dl class="meta">{meta}</dl>{_also_in(also)}</details></li>')


def hit_html(hit: Hit, answered: bool) -> str:
    """One passage cited on its own: :func:`article_html` of an article that gives one passage."""
    return article_html(hit.rank, [hit], answered)


def state_of(answer: Answer) -> str:
    """The turn's state, as the page's CSS and tests know it: ``answered``, ``not-sure`` or ``no-answer``."""
    return answer.outcome.replace("_", "-")


def answer_html(answer: Answer) -> str:
    """The quote that answers (or the not-sure or no-answer message), then the articles cited, each once."""
    cites = "".join(article_html(number, group, answer.answered) for number, group in by_article(answer.hits))
    if answer.answered and answer.hits:
        first = answer.hits[0]
        quote = _span(first.quote, 0, len(first.quote), first.answer_start - first.quote_start,
                      first.answer_end - first.quote_start, "answer") if first.answer else esc(first.quote)
        verdict = f'<p class="verdict"><strong>{esc(first.verdict)}</strong></p>' if first.verdict else ""
        opening, closing = quote_marks(first.quote)
        return (f'{verdict}<blockquote class="answer-quote">{opening}{quote}{closing}</blockquote>'
                '<div class="cites-label">Sumber (klik untuk melihat kutipan di artikelnya):</div>'
                f'<ol class="cites">{cites}</ol>')
    closest = f'<div class="closest-label">{esc(CLOSEST)}</div><ol class="cites closest">{cites}</ol>' if cites else ""
    evidence = (f'<div class="near-evidence">{esc(EVIDENCE)} {esc(quoted(answer.hits[0].quote))}</div>'
                if answer.outcome == "not_sure" and answer.hits else "")
    return f'<p class="{state_of(answer)}">{esc(answer.message)}</p>{evidence}{closest}'


def turn_html(number: int, turn: Turn) -> str:
    question = esc(turn.question) if turn.question else "<em>(pertanyaan kosong)</em>"
    if turn.pending:
        body, state = '<p class="pending">Mencari jawaban di artikel…</p>', "pending"
    elif turn.error:
        body, state = f'<p class="error">⚠ {esc(turn.error)}</p>', "error"
    elif turn.answer is not None:
        understood = f'<p class="understood">Dipahami sebagai: {esc(turn.answer.question)}</p>' if turn.answer.asked else ""
        body, state = understood + answer_html(turn.answer) + controls_html(turn.record_id, turn.vote), state_of(turn.answer)
    else:
        body, state = "", "empty"
    return (f'<div class="turn" data-state="{state}" data-turn="{number}">'
            f'<div class="q"><span class="who">Anda</span>{question}</div>'
            f'<div class="a"><span class="who">Tanya Netralitas</span>{body}</div></div>')


def conversation_html(turns: Sequence[Turn], articles: int = 0) -> str:
    """The whole conversation, or a short welcome when it is empty."""
    if not turns:
        count = f" dari {articles} artikel berita" if articles else ""
        return ('<div class="conv"><div class="welcome">'
                "<p><strong>Tanyakan tentang netralitas ASN dalam pemilu dan pilkada.</strong></p>"
                f"<p>Jawaban diambil langsung{esc(count)}: kutipan kalimatnya dan sumbernya, "
                "yang bisa Anda periksa sendiri. "
                "Pertanyaan dalam bahasa Inggris juga bisa.</p></div></div>")
    return '<div class="conv">' + "".join(turn_html(i, t) for i, t in enumerate(turns, start=1)) + "</div>"


def reader_html(article: Article, start: int = -1, end: int = -1, q_start: int = -1, q_end: int = -1,
                a_start: int = -1, a_end: int = -1) -> str:
    """The whole article with the passage ``[start, end)`` highlighted and the quote marked inside it; where each
    page of a PDF begins is marked (:func:`paged`)."""
    text, n = article.text, len(article.text)
    escape = paged(article.pages) if article.pages else _esc
    meta = " · ".join(esc(p) for p in (article.outlet, article.date, article.place) if p)
    head = (f'<div class="reader-head"><div class="reader-title">{esc(article.title or "(tanpa judul)")}</div>'
            f'<div class="reader-meta">{meta}</div>'
            f'<div class="reader-source">Sumber: {source_html(article.source)}</div></div>')
    if 0 <= start < end <= n:
        passage = marked(text, start, end, q_start, q_end, a_start=a_start, a_end=a_end, escape=escape)
        body = (escape(text, 0, start) + f'<span class="passage" id="reader-passage">{passage}</span>'
                + escape(text, end, n))
    else:
        body = escape(text, 0, n)
    return f'<div class="reader">{head}<div class="reader-body">{body}</div></div>'


def reader_empty(message: str = READER_EMPTY) -> str:
    return f'<div class="reader"><div class="reader-empty">{esc(message)}</div></div>'


LISTED_ARTICLES = 500  # a page lists this many articles at most; a million-passage index holds about 250k


def articles_html(articles: Mapping[str, Article]) -> str:
    """The articles in the index by doc id (title, outlet, date), the first ``LISTED_ARTICLES`` of them; each opens
    in the source reader."""
    listed = sorted(articles)[:LISTED_ARTICLES]  # doc ids only: an index parses an article when it is listed
    rows = "".join(f'<tr><td><button type="button" class="linkish" {_open_attrs(a.doc_id)} data-jump="1">'
                   f"{esc(a.title or a.doc_id)}</button></td>"
                   f"<td>{esc(a.outlet or '–')}</td><td>{esc(a.date or '–')}</td></tr>"
                   for a in (articles[d] for d in listed))
    more = len(articles) - len(listed)
    if more > 0:
        rows += f'<tr><td colspan="3" class="more">… dan {more:,} artikel lain (temukan lewat pertanyaan)</td></tr>'.replace(",", ".")
    return (f'<table class="articles"><thead><tr><th>Judul</th><th>Media</th><th>Tanggal</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")
