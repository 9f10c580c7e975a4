"""The conversation as a handout for training sessions: Markdown, and a printable HTML page.

Each answered (or unanswered) question with its quote and full citations: title, outlet, date,
file and passage id. Corpus text is backslash-escaped in Markdown (file names and passage ids
go in code spans) and HTML-escaped in the page, which has no scripts and loads nothing.
"""

from __future__ import annotations

import re
import time
from typing import Sequence

from qa.answering.results import Answer, Citation, Hit
from qa.answering.cite import article_citation, by_article, citation, page_label, quote_marks, quoted, title_line
from qa.page.render import CLOSEST, Turn, esc, state_of

ANSWER_LABEL = "Jawaban:"


def md_escape(text: str) -> str:
    """Text that Markdown shows as written: one line, markup characters backslash-escaped."""
    return re.sub(r"([\\`*_\[\]<>&|~#])", r"\\\1", " ".join(str(text).split()))


def md_code(text: str) -> str:
    """A Markdown code span showing ``text`` literally (the fence is longer than any backtick run inside)."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def full_citation(item: Hit | Citation) -> str:
    """``Title — Outlet, date (source, hlm. page, bagian passage_id)`` as plain text (the rank is added by the caller)."""
    return citation(item.title, item.outlet, item.date, source=item.source, passage_id=item.passage_id,
                    page=getattr(item, "page", None), ocr=getattr(item, "ocr", False))


def md_citation(item: Hit | Citation) -> str:
    """:func:`full_citation` in Markdown: the title line escaped, the file and passage id as code."""
    page = page_label(getattr(item, "page", None), getattr(item, "ocr", False))
    where = f"({md_code(item.source)}, {page + ', ' if page else ''}bagian {md_code(item.passage_id)})"
    return f"{md_escape(title_line(item.title, item.outlet, item.date))} {where}"


def md_quoted(text: str) -> str:
    """The quote escaped for Markdown, in the quotation marks it lacks (:func:`qa.answering.cite.quoted`)."""
    opening, closing = quote_marks(text)
    return f"{opening}{md_escape(text)}{closing}"


def answered(turns: Sequence[Turn]) -> list[tuple[str, Answer]]:
    """The turns that got an answer (answered or not), as (question, answer); errors and pending turns are left out."""
    return [(turn.question, turn.answer) for turn in turns if turn.answer is not None]


def md_answer(answer: Answer, span: str | None = None) -> list[str]:
    """One answer in Markdown: the answer span (when the reader found one, or ``span`` when the caller decides it)
    and the quote, or the plain no-answer message and the closest passages; then the articles cited."""
    lines = []
    if answer.answered and answer.hits:
        span = answer.hits[0].answer if span is None else span
        lines += ([f"**{ANSWER_LABEL}** {md_escape(span)}", ""] if span else [])
        lines += [f"> {md_quoted(answer.hits[0].quote)}", "", "Sumber:", ""]
    else:
        lines += [f"_{md_escape(answer.message)}_", ""] + ([md_escape(CLOSEST), ""] if answer.hits else [])
    for number, hits in by_article(answer.hits):
        lines.append(f"- {md_article(number, hits)}")
        if not answer.answered:
            lines += [f"  - bagian {hit.part}: {md_quoted(hit.quote)}" for hit in hits]
        lines += [f"  - juga di: {md_citation(c)}" for c in also_in(hits)]
    return lines + [""]


def also_in(hits: Sequence[Hit]) -> list[Citation]:
    """The other articles that carry the same story as any of an article's cited passages, each once."""
    return list({c.doc_id: c for hit in hits for c in hit.also_in}.values())


def md_article(number: int, hits: Sequence[Hit]) -> str:
    """``[1] Title — Outlet, date · bagian 1, 3 (`seeds/x.txt`; `x#1`, `x#3`)``: an article cited once, in Markdown."""
    first, ids = hits[0], [hit.passage_id for hit in hits]
    on, covers, ocr = [hit.page for hit in hits], [hit.covers for hit in hits], [hit.ocr for hit in hits]
    return (f"[{number}] {md_escape(article_citation(first.title, first.outlet, first.date, ids, page_numbers=on, covers=covers, ocr=ocr))} "
            f"({md_code(first.source)}; {', '.join(md_code(i) for i in ids)})")


def as_markdown(turns: Sequence[Turn], title: str = "Tanya Netralitas") -> str:
    """The answered and unanswered questions of a session, each with its quote and full citations."""
    lines = [f"# {md_escape(title)}: handout sesi", "", f"Dibuat {time.strftime('%Y-%m-%d %H:%M')}.", ""]
    for number, (question, answer) in enumerate(answered(turns), start=1):
        lines += [f"## {number}. {md_escape(question)}", ""] + md_answer(answer)
    return "\n".join(lines)


HANDOUT_CSS = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111;
overflow-wrap:anywhere}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}
blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid #0f766e;background:#f0fdfa;font-size:1.1rem}
.no-answer,.not-sure{font-weight:600}.not-sure{color:#92400e}.src{color:#444;font-size:.95rem}li{margin:.3rem 0}
.span{font-size:1.1rem;margin:.5rem 0}
@page{size:A4;margin:16mm 15mm}
@media print{body{margin:0;max-width:none}h2,h3{break-after:avoid}section{break-inside:avoid}blockquote{background:none}}
"""


def html_answer(answer: Answer, span: str | None = None) -> str:
    """:func:`md_answer` as HTML, everything from the corpus escaped."""
    if answer.answered and answer.hits:
        span = answer.hits[0].answer if span is None else span
        body = [f'<p class="span"><strong>{esc(ANSWER_LABEL)}</strong> {esc(span)}</p>' if span else "",
                f"<blockquote>{esc(quoted(answer.hits[0].quote))}</blockquote><p>Sumber:</p>"]
    else:
        body = [f'<p class="{state_of(answer)}">{esc(answer.message)}</p>' + (f"<p>{esc(CLOSEST)}</p>" if answer.hits else "")]
    items = []
    for number, hits in by_article(answer.hits):
        first, ids = hits[0], [hit.passage_id for hit in hits]
        near = "".join(f"<br>bagian {esc(hit.part)}: {esc(quoted(hit.quote))}" for hit in hits
                       if not answer.answered)
        also = "".join(f"<br>juga di: {esc(full_citation(c))}" for c in also_in(hits))
        cited = article_citation(first.title, first.outlet, first.date, ids, rank=number,
                                 page_numbers=[h.page for h in hits], covers=[h.covers for h in hits],
                                 ocr=[h.ocr for h in hits])
        items.append(f'<li>{esc(cited)}<br>'
                     f'<span class="src">{esc(first.source)}; {esc(", ".join(ids))}{also}</span>{near}</li>')
    return "".join(body) + f"<ul>{''.join(items)}</ul>"


def html_page(title: str, body: str, css: str = "") -> str:
    """A static printable page: no scripts, nothing loaded (the content security policy forbids it)."""
    return ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}: handout</title>'
            f"<style>{HANDOUT_CSS}{css}</style></head><body><h1>{esc(title)}: handout sesi</h1>"
            f"<p>Dibuat {time.strftime('%Y-%m-%d %H:%M')}.</p>{body}</body></html>")


def as_html(turns: Sequence[Turn], title: str = "Tanya Netralitas") -> str:
    """A printable page with the same content as :func:`as_markdown`; no scripts, nothing loaded."""
    parts = [f"<section><h2>{number}. {esc(question)}</h2>{html_answer(answer)}</section>"
             for number, (question, answer) in enumerate(answered(turns), start=1)]
    return html_page(title, "".join(parts))
