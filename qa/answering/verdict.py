"""A yes/no question's verdict ("Boleh", "Tidak boleh", "Wajib"): stated only from a clause about the asked action
and its object (:attr:`qa.answering.question.Analysis.action`), never from a clause about something else ("tidak
boleh juga buta politik" says nothing of liking a candidate's post). Pure functions over strings; used by
:mod:`qa.answering.verify` and by the answer's hit (:mod:`qa.answering.ask`).
"""

from __future__ import annotations

import re

from qa.answering.question import Analysis
from qa.answering.question_type import _RULE, RULES, YESNO
from qa.answering.quote import sentence_tokens

ACTION_SHARE = 0.5  # a yes/no sentence must hold at least this share of the asked action's words
_CLAUSE_END = re.compile(r"[,;:.!?]|\b(?:tetapi|namun|tapi|sedangkan|melainkan)\b", re.IGNORECASE)


def about_action(analysis: Analysis, text: str) -> bool:
    """Whether ``text`` is about a yes/no question's asked action: it holds the action's first word (the verb: "boleh
    *menghadiri* kampanye") and at least :data:`ACTION_SHARE` of its words (both of two), or, for an action of
    :data:`PARAPHRASED` words or more, every word of its object ("mengajak masyarakat memilih calon kepala daerah"
    is about "mengarahkan masyarakat … untuk memilih calon kepala daerah"). True when no action
    is known."""
    if not analysis.action:
        return True
    words = sentence_tokens(text)
    held = [bool(set(forms) & words) for forms in analysis.action]
    if len(held) >= PARAPHRASED and all(held[1:]):
        return True
    return held[0] and (all(held) if len(held) <= 2 else sum(held) / len(held) >= ACTION_SHARE)


PARAPHRASED = 5  # words of an asked action (verb and object) from which the object alone tells what it is about


def stated_verdict(analysis: Analysis, clause: str, span_start: int = 0, before: int = 40) -> str:
    """The verdict ("Tidak boleh", "Wajib", "Boleh") that ``clause`` states about the asked action: its last rule
    word ending inside the answer span (which starts at ``span_start``) or at most ``before`` characters before
    it, and only when the clause from that word on holds the asked action. "" otherwise."""
    if analysis.kind != YESNO:
        return ""
    found = [m for m in _RULE.finditer(clause) if m.end() >= span_start - before]
    if not found:
        return ""
    return _verdict_of(analysis, clause, found[-1], span_start)


def _verdict_of(analysis: Analysis, clause: str, rule: re.Match, span_start: int = 0) -> str:
    """The verdict of one rule word of ``clause``, when the clause from it on holds the asked action; "" otherwise."""
    rest = clause[rule.end():]
    end = _CLAUSE_END.search(rest, max(0, span_start - rule.end()))
    if not about_action(analysis, rest[: end.start() if end else len(rest)]):
        return ""
    verdict = next(v for w, v in RULES if w == rule.group(1).lower())
    if _NEGATED.match(rest):  # "harus / diamanatkan untuk *tidak* berpihak": a duty not to is a prohibition
        return {"Wajib": "Tidak boleh", "Tidak boleh": "Wajib"}.get(verdict, "")
    return verdict


def rule_on_action(analysis: Analysis, text: str) -> str:
    """The verdict that any clause of ``text`` states about a yes/no question's asked action, the last such rule word
    first ("ASN *harus* netral dalam pemilu, tapi tidak boleh juga buta politik" → "Wajib" for "wajib netral?");
    "" when none does."""
    if analysis.kind != YESNO:
        return ""
    return next(filter(None, (_verdict_of(analysis, text, m) for m in reversed(list(_RULE.finditer(text))))), "")


_NEGATED = re.compile(r"\s*(?:untuk\s+|agar\s+|supaya\s+)?(?:tidak|tak|jangan|bukan)\b(?!\s+(?:hanya|saja|cuma|sekadar)\b)",
                      re.IGNORECASE)  # not "tidak hanya netral, tetapi juga …": not only
