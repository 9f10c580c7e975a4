"""A training session's handout, made ahead: the bank's questions by section with their prepared answers.

Each question has its answer span (for a bank question, only one that holds the answer the bank states:
:func:`qa.session.prepare.verified_span`), its quote and full citations
(title, outlet, date, file, passage id), as in :mod:`qa.page.handout`; then the participants' own
questions when the chat page made it, and the list of the articles cited. Markdown or a
printable HTML page (A4, no scripts). The trainer's notes stay out: the handout is for the room.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Sequence

from qa.answering.results import Answer, Citation, Hit
from qa.answering.cite import title_line
from qa.errors import InputError
from qa.page.handout import answered, html_answer, html_page, md_answer, md_code, md_escape
from qa.page.render import Turn, esc
from qa.session.bank import Bank
from qa.session.prepare import verified_span

PARTICIPANTS = "Pertanyaan peserta"
ARTICLES = "Artikel yang dikutip"
SESSION_CSS = """
h2.part{font-size:1.35rem;border-top:2px solid #0f766e;margin-top:2.2rem}h3{font-size:1.1rem;margin:1.4rem 0 .4rem}
section+section{border-top:1px dotted #bbb}.intro{color:#333}
"""


Part = tuple[int, str, Answer, "str | None"]  # number, question, answer, span to show (None: the reader's)


def _parts(bank: Bank, answers: Sequence[Answer], extra: Sequence[Turn]) -> list[tuple[str, list[Part]]]:
    """(section, [(number, question, answer, span)]) in order; the participants' answered questions come last."""
    if len(answers) != len(bank.questions):
        raise ValueError(f"{len(answers)} answers for {len(bank.questions)} questions")
    parts = [(name, [(n, q.text, answers[n - 1], verified_span(q, answers[n - 1])) for n, q in items])
             for name, items in bank.sections()]
    asked = {q.text for q in bank.questions}
    own = [(question, answer) for question, answer in answered(extra) if question not in asked]
    if own:
        parts.append((PARTICIPANTS, [(len(answers) + i, q, a, None) for i, (q, a) in enumerate(own, start=1)]))
    return parts


def cited(answers: Sequence[Answer]) -> list[Hit | Citation]:
    """Each article cited anywhere in the answers (hits and "also in"), once, in order of first citation."""
    seen: dict[str, Hit | Citation] = {}
    for answer in answers:
        for hit in answer.hits:
            for item in (hit, *hit.also_in):
                seen.setdefault(item.doc_id, item)
    return list(seen.values())


def _intro(questions: int, articles: int) -> str:
    return f"{questions} pertanyaan; jawaban dikutip dari {articles} artikel berita."


def as_markdown(bank: Bank, answers: Sequence[Answer], extra: Sequence[Turn] = ()) -> str:
    parts = _parts(bank, answers, extra)
    everything = [a for _, items in parts for _, _, a, _ in items]
    lines = [f"# {md_escape(bank.title)}: handout sesi", "", f"Dibuat {time.strftime('%Y-%m-%d %H:%M')}. "
             + _intro(len(everything), len(cited(everything))), ""]
    for name, items in parts:
        lines += [f"## {md_escape(name)}", ""] if name else []
        for number, question, answer, span in items:
            lines += [f"### {number}. {md_escape(question)}", ""] + md_answer(answer, span)
    lines += [f"## {ARTICLES}", ""]
    lines += [f"- {md_escape(title_line(a.title, a.outlet, a.date))} ({md_code(a.source)})" for a in cited(everything)]
    return "\n".join(lines) + "\n"


def as_html(bank: Bank, answers: Sequence[Answer], extra: Sequence[Turn] = ()) -> str:
    parts = _parts(bank, answers, extra)
    everything = [a for _, items in parts for _, _, a, _ in items]
    body = [f'<p class="intro">{esc(_intro(len(everything), len(cited(everything))))}</p>']
    for name, items in parts:
        body.append(f'<h2 class="part">{esc(name)}</h2>' if name else "")
        body += [f"<section><h3>{number}. {esc(question)}</h3>{html_answer(answer, span)}</section>"
                 for number, question, answer, span in items]
    rows = "".join(f'<li>{esc(title_line(a.title, a.outlet, a.date))}<br><span class="src">{esc(a.source)}</span></li>'
                   for a in cited(everything))
    body.append(f'<h2 class="part">{esc(ARTICLES)}</h2><ul>{rows}</ul>')
    return html_page(bank.title, "".join(body), SESSION_CSS)


def target(path: str | Path) -> Path:
    """The handout's path, or an InputError when its suffix or its folder will not do."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise InputError(f"{path}: a handout is a .html (printable) or .md file; end the name with one of them")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent} is not a folder; create it or write the handout elsewhere")
    return path


def write(path: str | Path, bank: Bank, answers: Sequence[Answer], extra: Sequence[Turn] = ()) -> Path:
    """Write the handout as ``.html`` (printable) or ``.md`` by the file's suffix, atomically."""
    path = target(path)
    text = (as_html if path.suffix.lower() in (".html", ".htm") else as_markdown)(bank, answers, extra)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write in {path.parent} ({exc.strerror or exc}); check its permissions") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write {path} ({exc.strerror or exc}); check the folder's space and permissions") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
