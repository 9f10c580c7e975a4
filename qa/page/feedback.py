"""Feedback on each answer of the chat page: thumbs up or down with an optional note, stored in the question
record; and every question asked recorded there with its outcome.

The record itself (:mod:`qa.session.record`) sits above the page; :mod:`qa.app` hands it in as a
:class:`Recorder`, or None (``qa serve --no-record``: no controls, nothing stored). A failed write is logged and
the conversation goes on: feedback never stops an answer. A turn is :class:`qa.page.render.Turn`, which draws
:func:`controls_html` under its answer.
"""

from __future__ import annotations

import html
import logging
from dataclasses import replace
from typing import Any, Callable, Protocol, Sequence

import gradio as gr

from qa.answering.results import Answer
from qa.errors import QAError

logger = logging.getLogger(__name__)

THANKS = {1: "Terima kasih: jawaban ini ditandai membantu.", -1: "Terima kasih: jawaban ini ditandai bermasalah."}
NOTE_CHARS = 500

CSS = """
.feedback{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0 0;font-size:.9em}
.feedback button{cursor:pointer;border:1px solid var(--border-color-primary);border-radius:8px;background:none;
padding:.1rem .5rem;font:inherit}.feedback button[aria-pressed=true]{background:var(--color-accent-soft)}
.feedback input{flex:1 1 12rem;min-width:8rem;font:inherit;padding:.1rem .4rem;border:1px solid var(--border-color-primary);
border-radius:6px}.feedback-done{opacity:.8}
.understood{font-size:.9em;opacity:.85;margin:0 0 .3rem}
"""
# A click on a thumb sends the vote, the record's id of the answer and the note typed beside it.
JS = """
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-vote]');
  if (!el || !element.contains(el)) return;
  const box = el.closest('.feedback');
  const note = box ? box.querySelector('input.fb-note') : null;
  trigger('click', {vote: Number(el.dataset.vote), qid: Number(el.dataset.qid), note: note ? note.value : ''});
});
"""


class Recorder(Protocol):
    """What the page needs of the question record (:class:`qa.session.record.Record`)."""

    def add_question(self, asked: str, answer: Answer | None, session: str = "", source: str = "page") -> int: ...

    def add_feedback(self, question_id: int, vote: int, note: str = "") -> int: ...


def controls_html(record_id: int, vote: int = 0) -> str:
    """Thumbs up and down with a note field under an answer recorded as ``record_id``; after a vote, thanks too."""
    if record_id < 1:
        return ""
    buttons = "".join(f'<button type="button" class="fb-{name}" data-vote="{value}" data-qid="{record_id}" '
                      f'aria-pressed="{str(vote == value).lower()}" title="{title}">{icon}</button>'
                      for name, value, icon, title in (("up", 1, "👍", "Jawaban membantu"),
                                                       ("down", -1, "👎", "Jawaban salah atau kurang")))
    done = f'<span class="feedback-done">{html.escape(THANKS[vote])}</span>' if vote in THANKS else (
        f'<input class="fb-note" type="text" maxlength="{NOTE_CHARS}" placeholder="Catatan (opsional)" '
        f'aria-label="Catatan untuk jawaban ini">')
    return f'<div class="feedback" data-qid="{record_id}">{buttons}{done}</div>'


class Feedback:
    """The page's side of the record: each question recorded as it is answered, each vote as it is clicked."""

    def __init__(self, record: Recorder | None) -> None:
        self.record = record

    def asked(self, question: object, answer: Answer | None, session: str, source: str = "page") -> int:
        """Record a question (``answer`` None: it failed); the row's id for the answer's thumbs, 0 when not recorded."""
        if self.record is None:
            return 0
        text = " ".join(question.split()) if isinstance(question, str) else ""
        try:
            return self.record.add_question(text, answer, session=session, source=source)
        except QAError as exc:
            logger.warning("question not recorded: %s", exc)
            return 0

    def vote(self, data: object, turns: Sequence[Any]) -> list[Any] | None:
        """Store a click's vote (``{"vote", "qid", "note"}``) and show it on its turn; None when the click is no vote
        or names no turn of this conversation (a tab votes only on its own answers)."""
        data = data if isinstance(data, dict) else {}
        vote, qid, note = data.get("vote"), data.get("qid"), data.get("note")
        if self.record is None or vote not in (1, -1) or not isinstance(qid, (int, float)):
            return None
        shown = [n for n, turn in enumerate(turns) if turn.record_id == int(qid)]
        if not shown:
            logger.warning("feedback on answer %r, which this conversation does not hold", qid)
            return None
        try:
            self.record.add_feedback(int(qid), int(vote), str(note or "")[:NOTE_CHARS])
        except QAError as exc:
            logger.warning("feedback not recorded: %s", exc)
            return None
        turns = list(turns)
        turns[shown[0]] = replace(turns[shown[0]], vote=int(vote))
        return turns

    def click(self, chat: Callable[[list[Any]], str]) -> Callable:
        """The handler of a click in the conversation: a vote re-draws it; anything else changes nothing."""
        def run(turns: list[Any] | None, evt: gr.EventData) -> tuple:
            changed = self.vote(getattr(evt, "_data", None), turns or [])
            return (gr.skip(), gr.skip()) if changed is None else (chat(changed), changed)
        return run

    def recording(self, answer: Callable[..., Answer]) -> Callable[..., Answer]:
        """``answer`` (the page's ``answer(question, k, history=...)``) for ``POST /api/ask``: each question recorded
        (source "api", ``answer`` None when it failed) before the answer goes out."""
        def recorded(question: str, k: object, history: list | None = None) -> Answer:
            try:
                answered = answer(question, k, history=history)
            except BaseException:
                self.asked(question, None, "", source="api")
                raise
            self.asked(question, answered, "", source="api")
            return answered
        return recorded
