"""The chat page's training-session parts (``qa serve --session``): the agenda panel and the presenter view.

The agenda lists the bank's questions by section; a click sends the question's number back and
the page asks it through :meth:`qa.app.ChatApp.respond`, which finds its prepared answer. The
presenter toggle hides settings and controls (and the agenda's notes and answer spans, which would
give the answers away to the room) and enlarges the text for a projector. Everything
from the bank or the corpus is escaped by :func:`qa.page.render.esc`.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

import gradio as gr

from qa.errors import QAError
from qa.page.render import esc, state_of
from qa.session.prepare import PreparedSession, verified_span
from qa.session.record import Record

logger = logging.getLogger(__name__)

PRESENTER = "Mode presenter (proyektor)"
CSS = """
.agenda{overflow-wrap:anywhere;font-size:var(--qa-agenda,1rem)}.agenda-title{font-weight:700;margin:.1rem 0 .4rem}
.agenda-section{font-weight:600;font-size:.85em;text-transform:uppercase;letter-spacing:.03em;opacity:.75;
margin:.8rem 0 .2rem}
ol.agenda-list{margin:0;padding-left:1.6em}.agenda-list li{margin:.25rem 0}
button.agenda-q{display:block;font:inherit;cursor:pointer;color:var(--link-text-color);background:none;border:0;
padding:0;text-align:left}
button.agenda-q:hover{text-decoration:underline}.agenda-list li.asked button.agenda-q{color:inherit;opacity:.7}
ol.room-list{margin:0;padding-left:1.2em;overflow-wrap:anywhere}.room-time{opacity:.7;font-size:.85em}
.room-list li[data-state=not_sure],.room-list li[data-state=no_answer],.room-list li[data-down="1"]{font-weight:600}
.room-list li[data-state=answered][data-down="0"] .room-mark{opacity:.7}
.agenda-list li.asked button.agenda-q::after{content:" ✓";opacity:1}
.agenda-span{font-size:.9em}.agenda-note{font-size:.85em;font-style:italic;opacity:.8}
.agenda-open{font-size:.8em;opacity:.75}
body.qa-presenter{--qa-text:1.6rem;--qa-input:1.5rem;--qa-title:2.4rem;--qa-agenda:1.25rem}
body.qa-presenter #settings,body.qa-presenter #actions,body.qa-presenter #examples,body.qa-presenter .examples-label,
body.qa-presenter #articles-box,body.qa-presenter #large,body.qa-presenter .app-sub,body.qa-presenter .agenda-note,
body.qa-presenter .agenda-span{display:none!important}
"""
# A click on a question marks it as asked and sends its number to the server; on a narrow screen,
# where the agenda sits above the chat, the chat is scrolled into view for the answer.
AGENDA_JS = """
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-q]');
  if (!el || !element.contains(el)) return;
  el.closest('li').classList.add('asked');
  trigger('click', {q: Number(el.dataset.q)});
  const chat = document.getElementById('chat');
  if (chat && window.innerWidth < 900 && chat.getBoundingClientRect().top > window.innerHeight / 2) {
    chat.scrollIntoView({block: 'start'});
  }
});
"""
PRESENTER_JS = "(on) => { document.body.classList.toggle('qa-presenter', !!on); }"


def agenda_html(session: PreparedSession) -> str:
    """The bank's questions by section, each a button; the prepared answer span (where it holds the bank's stated
    answer) and the trainer's note under it."""
    parts = [f'<div class="agenda"><div class="agenda-title">{esc(session.bank.title)}</div>']
    for name, items in session.bank.sections():
        parts.append(f'<div class="agenda-section">{esc(name)}</div>' if name else "")
        rows = []
        for number, question in items:
            answer = session.answers[number - 1]
            span = verified_span(question, answer)  # only a span the check passes
            rows.append(f'<li data-state="{state_of(answer)}">'
                        f'<button type="button" class="agenda-q" data-q="{number - 1}">{esc(question.text)}</button>'
                        + (f'<div class="agenda-span">Jawaban: {esc(span)}</div>' if span else "")
                        + ("" if answer.answered else '<div class="agenda-open">(belum pasti menurut artikel)</div>'
                           if answer.outcome == "not_sure" else '<div class="agenda-open">(tidak terjawab di artikel)</div>')
                        + (f'<div class="agenda-note">{esc(question.note)}</div>' if question.note else "") + "</li>")
        parts.append(f'<ol class="agenda-list" start="{items[0][0]}">{"".join(rows)}</ol>')
    return "".join(parts) + "</div>"


def agenda_panel(session: PreparedSession, record: Record | None = None) -> tuple[gr.HTML, gr.HTML | None]:
    """The agenda column's content, laid out where it is called (beside the chat), and below it the room's questions
    as they are recorded (None without a record: ``qa serve --no-record``)."""
    gr.HTML('<h2 class="panel-title">Agenda sesi</h2>')
    agenda = gr.HTML(agenda_html(session), elem_id="agenda", js_on_load=AGENDA_JS)
    if record is None:
        return agenda, None
    gr.HTML('<h2 class="panel-title">Pertanyaan ruangan</h2>')
    return agenda, gr.HTML(room_html(record), elem_id="room")


ROOM_ROWS, ROOM_EVERY = 15, 5.0  # the newest questions shown, and how often (seconds) the panel reads the record
_ROOM_MARK = {"answered": "terjawab", "not_sure": "belum pasti", "no_answer": "tidak terjawab"}


def room_html(record: Record) -> str:
    """The room's questions, newest first, each with its outcome; not answered and voted-down ones marked (the
    content gaps). A record that cannot be read is one line, never an error on the page."""
    try:
        rows = record.rows()[::-1][:ROOM_ROWS]
    except QAError as exc:
        logger.warning("room panel: %s", exc)
        return '<p class="room-empty">Catatan pertanyaan tidak bisa dibaca sekarang.</p>'
    items = [f'<li data-state="{esc(row.outcome)}" data-down="{int(row.down > 0)}"><span class="room-time">'
             f'{esc(row.at[11:16])}</span> {esc(row.asked)} <span class="room-mark">'
             f'({esc(_ROOM_MARK.get(row.outcome, row.outcome))}{", ditandai salah" if row.down else ""})</span></li>'
             for row in rows]
    return (f'<ol class="room-list">{"".join(items)}</ol>' if items
            else '<p class="room-empty">Belum ada pertanyaan dari ruangan.</p>')


Respond = Callable[..., Iterator[tuple]]  # ChatApp.respond(question, k, turns, request)


def asker(respond: Respond, session: PreparedSession, outputs: int = 6) -> Respond:
    """The agenda's click handler: asks the clicked question like a typed one (its answer is prepared); anything
    else changes none of the ``outputs`` (as many as :meth:`qa.app.ChatApp.respond` yields)."""
    def run(k: float, turns: list, evt: gr.EventData, request: gr.Request) -> Iterator[tuple]:
        data = getattr(evt, "_data", None)
        number = data.get("q") if isinstance(data, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < len(session.bank.questions):
            logger.warning("agenda: %r is not a question of the bank", str(number)[:40])
            yield (gr.skip(),) * outputs
            return
        yield from respond(session.bank.questions[number].text, k, turns, request)
    return run


def wire(respond: Respond, session: PreparedSession, panels: tuple[gr.HTML, gr.HTML | None], presenter: gr.Checkbox,
         inputs: list, common: dict[str, Any], record: Record | None = None) -> None:
    """Connect the agenda's clicks (on the model queue, like typed questions), the presenter toggle, and the room's
    questions read again every :data:`ROOM_EVERY` seconds (off the model queue)."""
    agenda, room = panels
    agenda.click(asker(respond, session, len(common["outputs"])), inputs, **common)
    presenter.change(None, presenter, None, js=PRESENTER_JS)
    if room is not None and record is not None:
        gr.Timer(ROOM_EVERY).tick(lambda: room_html(record), None, room, show_progress="hidden",
                                  api_visibility="private", concurrency_limit=None)
