"""A question bank answered from an index: the prepared answers, and the check a trainer runs before a session.

``qa session check`` answers every question once with :func:`qa.answering.ask.answer_with` and says, per
question, whether the first passage (or one of the top ``k``) is one the bank expects, whether the
articles answer at all, and, when the bank states the answer, whether the answer the turn gives holds
it (the reader's span where one is stated, else the first passage's quote). A check fails when an expected
citation is missing, when the given answer does not hold the stated answer, or when the turn says "no answer" where the bank expects one. The agenda and the
session handout show an answer span only where it holds the stated answer (:func:`verified_span`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from qa.answering.ask import answer_with, check_k
from qa.answering.results import Answer, Hit
from qa.index.engine import Engine
from qa.session.bank import Bank, Question

logger = logging.getLogger(__name__)


def prepare(engine: Engine, bank: Bank, k: int = 5) -> tuple[Answer, ...]:
    """Every question of the bank answered once, in the bank's order."""
    check_k(k)
    answers = tuple(answer_with(engine, question.text, k) for question in bank.questions)
    logger.info("%s: %d questions answered", bank.path, len(answers))
    return answers


@dataclass(frozen=True)
class PreparedSession:
    """A bank with its answers computed ahead (``qa serve --session``), for ``k`` passages per answer."""

    bank: Bank
    answers: tuple[Answer, ...]
    k: int

    def lookup(self, question: object, k: object) -> Answer | None:
        """The prepared answer when ``question`` is one of the bank's (spacing aside) and ``k`` is the prepared k."""
        if not isinstance(question, str) or k != self.k:
            return None
        text = " ".join(question.split())
        return next((a for q, a in zip(self.bank.questions, self.answers) if q.text == text), None)


def prepare_session(engine: Engine, bank: Bank, k: int) -> PreparedSession:
    return PreparedSession(bank=bank, answers=prepare(engine, bank, k), k=k)


def _words(text: str) -> str:
    """Text compared by its words: case, accents' forms, punctuation and spacing aside."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def holds(span: str, answer: str) -> bool:
    """Whether an answer span holds the stated answer (its words, in order, with nothing between them)."""
    want = _words(answer)
    return bool(want) and f" {want} " in f" {_words(span)} "


def given_span(answer: Answer) -> str:
    """What a turn gives the room as its answer: the reader's span in the first passage when one is stated, else
    the first passage's quote (retrieval's answer, with the reader on or off); none when the turn does not answer."""
    if not (answer.answered and answer.hits):
        return ""
    first = answer.hits[0]
    return first.answer or first.quote


def verified_span(question: Question, answer: Answer) -> str:
    """The span to show a room for a bank question: only one the check passes (it holds the stated answer and an
    expected citation, if any, is among the passages); "" otherwise."""
    span = given_span(answer)
    cited = not question.expected or any(matches(e, h) for h in answer.hits for e in question.expected)
    return span if question.answer and holds(span, question.answer) and cited else ""


def matches(expected: str, hit: Hit, index=None) -> bool:
    """An expected id names this hit: its passage id or doc id, or one of its "also in" articles; with the
    ``index``, also a passage of the hit's article that lies inside the hit (overlapping passages are one hit)."""
    if any(expected in (item.passage_id, item.doc_id) for item in (hit, *hit.also_in)):
        return True
    passage = index.passage(expected) if index is not None else None
    return passage is not None and passage.doc_id == hit.doc_id and hit.start <= passage.start and passage.end <= hit.end


@dataclass(frozen=True)
class QuestionCheck:
    """One question of a bank checked: where its first expected citation ranks, and ids the index lacks."""

    number: int
    question: Question
    answer: Answer
    found: int | None  # rank of the first hit an expected id names; None when no hit does
    unknown: tuple[str, ...] = ()  # expected ids that name no passage or article in the index

    @property
    def status(self) -> str:
        """``first``, ``top`` (found below the first passage), ``missing``, or ``unchecked`` (nothing expected)."""
        if not self.question.expected:
            return "unchecked"
        return "missing" if self.found is None else "first" if self.found == 1 else "top"

    @property
    def answer_status(self) -> str:
        """``right`` (the span holds the stated answer), ``wrong``, ``not_sure`` (the turn shows evidence it could
        not verify), ``none`` (the turn says there is no answer, or marks no span) or ``unchecked`` (the bank states
        no answer)."""
        if not self.question.answer:
            return "unchecked"
        if self.answer.outcome == "not_sure":
            return "not_sure"
        span = given_span(self.answer)
        return "none" if not span else "right" if holds(span, self.question.answer) else "wrong"

    @property
    def passed(self) -> bool:
        return self.status != "missing" and self.answer_status in ("right", "unchecked")

    def to_dict(self) -> dict:
        first = self.answer.hits[0] if self.answer.hits else None
        return {"number": self.number, "question": self.question.text, "section": self.question.section,
                "line": self.question.line, "expected": list(self.question.expected), "status": self.status,
                "found_rank": self.found, "not_in_index": list(self.unknown), "answered": self.answer.answered,
                "outcome": self.answer.outcome,
                "confidence": round(self.answer.confidence, 4), "passages": [h.passage_id for h in self.answer.hits],
                "quote": first.quote if first else "", "answer": given_span(self.answer),
                "expected_answer": self.question.answer, "answer_status": self.answer_status, "passed": self.passed}


@dataclass(frozen=True)
class CheckReport:
    """Every question of a bank checked against one index."""

    bank: Bank
    index: Path
    k: int
    checks: tuple[QuestionCheck, ...]

    @property
    def passed(self) -> bool:
        """No expected citation is missing and every stated answer is held by its span (questions without expected
        ids or answer are reported, not failed)."""
        return all(check.passed for check in self.checks)

    def counts(self) -> dict[str, int]:
        statuses = [check.status for check in self.checks]
        answers = [check.answer_status for check in self.checks]
        return {"questions": len(self.checks), **{s: statuses.count(s) for s in ("first", "top", "missing", "unchecked")},
                "abstained": sum(not check.answer.answered for check in self.checks),
                **{f"answer_{s}": answers.count(s) for s in ("right", "wrong", "not_sure", "none", "unchecked")}}

    def to_dict(self) -> dict:
        return {"bank": str(self.bank.path), "title": self.bank.title, "index": str(self.index), "k": self.k,
                "passed": self.passed, "summary": self.counts(), "questions": [c.to_dict() for c in self.checks]}

    def format(self) -> str:
        """One line per question, detail lines under the ones that need attention, and a summary."""
        lines = [f"{self.bank.path}: {len(self.checks)} questions checked against {self.index} (top {self.k} passages)"]
        for check in self.checks:
            hits = check.answer.hits
            result = {"first": "ok", "top": f"ok @{check.found}", "missing": "MISSING", "unchecked": "-"}[check.status]
            result = result if check.answer_status in ("right", "unchecked") else {
                "wrong": "WRONG", "not_sure": "NOT SURE", "none": "NO ANSWER"}[check.answer_status]
            said = {"answered": "", "not_sure": f"  (not sure: {check.answer.reason})",
                    "no_answer": "  (abstained: no answer in the articles)"}[check.answer.outcome]
            lines.append(f"{check.number:3}  {result:9} {check.question.text}  [{hits[0].passage_id if hits else '–'}]{said}")
            if check.status in ("missing", "top"):
                lines.append(f"{'':15}expected {', '.join(check.question.expected)}; got "
                             + (", ".join(h.passage_id for h in hits) or "no passages"))
            if check.answer_status in ("wrong", "not_sure", "none"):
                span = given_span(check.answer)
                got = (f"the span {span!r}" if span else "no answer span" if check.answer.answered
                       else "not sure (the turn shows the evidence unverified)" if check.answer.outcome == "not_sure"
                       else "no answer (the turn says the articles do not answer)")
                lines.append(f"{'':15}expected the answer {check.question.answer!r}; got {got}")
            for value in check.unknown:
                lines.append(f"{'':15}{value} is not in the index: the article changed or the id is mistyped")
        n = self.counts()
        lines.append(f"summary: {n['questions']} questions; expected citation first {n['first']}, lower in the top "
                     f"{self.k} {n['top']}, missing {n['missing']}; {n['unchecked']} without expected ids; "
                     f"answer held {n['answer_right']}, wrong {n['answer_wrong']}, not sure {n['answer_not_sure']}, "
                     f"not given {n['answer_none']}, "
                     f"{n['answer_unchecked']} without a stated answer; {n['abstained']} abstained; "
                     + ("PASSED" if self.passed else "FAILED"))
        return "\n".join(lines)


def check_bank(engine: Engine, bank: Bank, k: int = 5, answers: tuple[Answer, ...] | None = None) -> CheckReport:
    """Answer every question (unless ``answers`` are given) and find its expected citations in the top ``k``."""
    answers = prepare(engine, bank, k) if answers is None else answers
    known = set(engine.index.articles) | {p.passage_id for p in engine.index.passages}
    checks = []
    for number, (question, answer) in enumerate(zip(bank.questions, answers), start=1):
        found = next((hit.rank for hit in answer.hits if any(matches(e, hit, engine.index) for e in question.expected)), None)
        checks.append(QuestionCheck(number=number, question=question, answer=answer, found=found,
                                    unknown=tuple(e for e in question.expected if e not in known)))
    return CheckReport(bank=bank, index=engine.index.folder.parent, k=k, checks=tuple(checks))
