"""What kind of answer a question asks for, whether a span is that kind, and the verdict of a yes/no clause.

A reader trained on factoid spans will still mark *something*: a role for "Siapa …?"
("Sekretaris Daerah" instead of the name), a year-less phrase for "Kapan …?". A span that does
not fit the question's type is not an answer (:func:`fits`). For a yes/no question ("Apakah ASN
boleh …?", "… boleh gak?") the answer is the clause that decides it, and when that clause states
the rule in so many words (``dilarang``, ``tidak boleh``, ``wajib``, ``boleh``) the verdict is shown
before it (:func:`verdict`); a verdict the clause does not state is never given.

Pure functions over strings; no model, no index.
"""

from __future__ import annotations

import re

from qa.answering.quote import asks_for, holds

WHO, WHEN, COUNT, YESNO, OTHER = "person", "date", "number", "yesno", "other"  # the first three as in qa.answering.quote

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
# Rule words as written, and the verdict each states ("tidak boleh" before "boleh": longest first).
RULES = (("tidak dilarang", "Boleh"), ("tidak diperbolehkan", "Tidak boleh"), ("tidak diizinkan", "Tidak boleh"), ("tidak boleh", "Tidak boleh"),
         ("tak boleh", "Tidak boleh"), ("dilarang", "Tidak boleh"), ("larangan", "Tidak boleh"),
         ("diwajibkan", "Wajib"), ("wajib", "Wajib"), ("harus", "Wajib"), ("diamanatkan", "Wajib"),
         ("diperbolehkan", "Boleh"), ("dibolehkan", "Boleh"), ("diizinkan", "Boleh"), ("berhak", "Boleh"),
         ("boleh", "Boleh"))
_RULE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w, _ in RULES) + r")(?![\w-])", re.IGNORECASE)
_YESNO_START = re.compile(r"^(apakah|apa|bolehkah|haruskah|wajibkah|benarkah|bisakah|dapatkah|can|may|is|are|must|should"
                          r"|do|does)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(boleh|bolehkah|dilarang|wajib|harus|haruskah|berhak|diperbolehkan|bisa|dapat|allowed|can|may"
                    r"|must)\b", re.IGNORECASE)
_WHAT = (r"apakah\s+(nama|judul|julukan|istilah|arti|kepanjangan|singkatan|yang|jenis|ibu\s?kota|mata\s+uang|"
         r"gelar|bahasa|agama|makanan|warna|bentuk|tema|isi|tujuan|penyebab|akibat|fungsi|manfaat|peran)\b")
_NEGATION = r"(?:gak|ga|nggak|ngga|enggak|engga|tidak|ndak|kagak)"
_TAG = re.compile(rf"\b({_NEGATION[3:-1]}|kah)\s*(sih|ya|kan|dong)?\s*\??\s*$", re.IGNORECASE)
# "asn boleh gak posting …?", "pns boleh ga ngarahin …?", "asn boleh nyoblos gak di …?": the tag after the modal, mid-question
_MID_TAG = re.compile(rf"\b(?:boleh|bisa|harus|wajib|dapat|perlu)\b(?:\s+[\w-]+){{0,2}}?\s+{_NEGATION}\b", re.IGNORECASE)


def kind_of(question: str) -> str:
    """The kind of answer ``question`` asks for: ``yesno``, or :func:`qa.answering.quote.asks_for`'s ``person``, ``date``,
    ``number``, ``place``, ``reason``, or ``other``."""
    q = question.strip().lower()
    first = _WORD.findall(q)[:1]
    if re.match(_WHAT, q):
        return asks_for(question) or OTHER  # "Apakah nama latin …?" asks what, not whether
    if first and first[0] in ("apakah", "bolehkah", "haruskah", "wajibkah", "benarkah", "bisakah", "dapatkah"):
        return YESNO
    if _MODAL.search(q) and (_YESNO_START.match(q) or _TAG.search(q)) and not re.match(r"apa\s+(saja|aja|yang|yg)\b", q):
        return YESNO
    if (_MID_TAG.search(q) or _TAG.search(q)) and asks_for(question) is None and not re.match(r"apa\s+(saja|aja|yang|yg)\b", q):
        return YESNO  # informal: "… boleh gak …?", "kemenkumham ngingetin soal medsos gak?"
    if re.search(r"\b(siapa|siapakah)\b", q) and (re.search(r"\bsiapa saja\b", q) or _MODAL.search(q)):
        return OTHER  # "Siapa saja …", "Siapa yang dilarang …" ask for a group (ASN, TNI), not a person
    return asks_for(question) or OTHER


def fits(kind: str, span: str, question: str = "") -> bool:
    """Whether ``span`` can answer a question of this kind: it must hold a person's name (a capitalised word that
    is no office, role or place, nor a word of the question) for ``person``, a date for ``date``, a number for
    ``number`` (:func:`qa.answering.quote.holds`); any non-blank span otherwise."""
    if not span.strip():
        return False
    return holds(kind, span, question) if kind in (WHO, WHEN, COUNT) else True


def verdict(kind: str, clause: str, span_start: int = 0, before: int = 40) -> str:
    """For a yes/no question, the verdict ("Tidak boleh", "Wajib", "Boleh") that ``clause`` states in so many
    words: its last rule word ending inside the answer span (which starts at ``span_start`` in ``clause``) or at
    most ``before`` characters before it, so "dilarang | menjadi relawan" counts. "" when it states none, or
    the question is no yes/no one."""
    if kind != YESNO:
        return ""
    said = [m.group(1).lower() for m in _RULE.finditer(clause) if m.end() >= span_start - before]
    return next(v for w, v in RULES if w == said[-1]) if said else ""
