"""A follow-up question resolved against the previous turn of a conversation, before it is answered.

These kinds are resolved; anything else is answered as typed:

- *Kalau X?* ("Kalau ketua Bawaslu Kota Semarang?", "Bagaimana dengan Jawa Barat?", "What about …?"): the previous
  question with X in place of what X stands for there (an office, organisation, place or year, or a span of them:
  "Siapa Ketua Bawaslu Jawa Tengah?" → "Siapa ketua Bawaslu Kota Semarang?"); X is added to the previous question
  when it holds none of its kinds ("Kalau di Bangka Tengah?"), an office asked of the previous question's place
  ("Kalau wakil bupatinya siapa?"). X must hold an office, organisation, place, year or name, be short, and ask
  nothing itself ("Kalau ASN ikut kampanye, apa sanksinya?" is a question of its own).
- Question words alone ("Kapan?", "And when?", "Tanggal berapa?"): asked of the previous question's event.
- The event named ("acara itu", "kegiatan tersebut", "acaranya", "that event"): the previous question's event.
- A bare follow-up, short and naming nothing itself ("Kapan itu?", "Siapa yang menemaninya?"): a closing *itu* /
  *tersebut* stands for the previous question's event, with the previous answer's name where that question asked
  *siapa* ("Kapan Harun Sulianto membuka penyuluhan hukum di Bangka Tengah?"); *dia*, *beliau*, *mereka* and a
  word's *-nya* stand for that name, or else the previous question's subject.

The resolved question then goes through the same pipeline and the same checks (:mod:`qa.answering.verify`).
Pure functions over strings; the previous answer, when given, only lends its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence, Union

from qa.answering import lexicon
from qa.answering.followup_words import (AUXILIARY, CLOSING, EVENT_PARTS, EVENT_REF, OPENING, PERSONAL, SKIP, TRAILING,
                                         WORDS, EVENT_NOUN, clitic, event_of, named, only_asking, short_asking,
                                         the_event)
from qa.answering.results import Answer
from qa.errors import InputError

Turn = Union[str, tuple[str, Answer]]  # a previous question, or a previous question with its Answer

_MARKER = re.compile(r"^\s*(?:kalau|kalo|klo|gimana\s+kalau|bagaimana\s+dengan|gimana\s+dengan|terus\s+kalau|"
                     r"lalu\s+kalau|dan\s+kalau|how\s+about|what\s+about|and)\s+(.+?)[\s?.!]*$", re.IGNORECASE)
_ASKING = re.compile(r"\b(siapa\w*|apa\w*|kapan\w*|mana|berapa|bagaimana|gimana|mengapa|kenapa|bolehkah|"
                     r"who|what|when|where|how|why)\b", re.IGNORECASE)
MAX_FOLLOWUP_WORDS = 6  # a longer question is one of its own
_SAYS_WHAT = re.compile(r"(?i)^\s*(?:dia|beliau|ia)\s+(?:bilang|ngomong|berkata|mengatakan|berpesan|menyampaikan|"
                        r"ngomongin)\s+apa\s+(.+)$")
_CONTINUES = re.compile(r"^\s*(?:terus|trus|lalu|lantas|kemudian|and\s+then|then)\b[\s,]*", re.IGNORECASE)
_ASKING_WHO = re.compile(r"\b(?:siapa\w*|kapan\w*|di\s*mana|berapa|who|when|where)\b", re.IGNORECASE)
_KINDS = {lexicon.ROLE: "role", lexicon.ORG: "org", lexicon.PLACE: "place", lexicon.LEVEL: "place", lexicon.YEAR: "year"}


@dataclass(frozen=True)
class Resolved:
    """A question as understood: ``question`` is what is answered; ``how`` is "" when it was taken as typed,
    "kalau" (X in place of the previous question's like), "ellipsis" (question words alone), "event" (acara itu) or
    "reference" (itu, dia, -nya); ``previous`` the question it was resolved against."""

    question: str
    asked: str
    how: str = ""
    previous: str = ""

    @property
    def followup(self) -> bool:
        return bool(self.how)


def resolve(question: str, history: Sequence[Turn] | None = None) -> Resolved:
    """``question`` resolved against the last turn of ``history`` (oldest first); as typed without one."""
    turns = list(history or ())
    if not turns:
        return Resolved(question, question)
    last = turns[-1]
    if isinstance(last, tuple):
        previous, answer = last[1].question or last[0], last[1]
    else:
        previous, answer = resolve(last, turns[:-1]).question, None
    marked = _MARKER.match(question)
    if marked:
        resolved = substitute(previous, _plain_part(marked.group(1).strip()))
        if resolved:
            return Resolved(resolved, question, "kalau", previous)
    asked = only_asking(question)
    if asked:
        return Resolved(f"{asked} {event_of(previous, keep_verb=True)}?", question, "ellipsis", previous)
    if EVENT_REF.search(question) and EVENT_NOUN.search(previous) and not _labels(question) and not named(question):
        # (after a question that names no event, "rakornya" / "the counseling" is left to the references below)
        resolved = EVENT_REF.sub(lambda m: event_of(previous), question, count=1).rstrip(" ?.!") + "?"
        return Resolved(resolved[:1].upper() + resolved[1:], question, "event", previous)
    if bare(question) or pronominal(question):
        return Resolved(referred(question, previous, answer_name(previous, answer)), question, "reference", previous)
    continued = _CONTINUES.match(question)
    rest = question[continued.end():].strip(" ?.!") if continued else ""
    if (rest and len(WORDS.findall(rest)) <= MAX_FOLLOWUP_WORDS and _ASKING_WHO.search(rest) and EVENT_NOUN.search(previous)
            and not EVENT_NOUN.search(rest) and not any(kind == "place" for _, _, kind in _labels(rest))):
        # "terus yang ngomong dari Kemenkumham siapa?": asked of the previous question's event
        event = the_event(previous)
        event = event[:1].lower() + event[1:] if EVENT_NOUN.match(event) else event  # "di penyuluhan hukum di Jaksel"
        return Resolved(f"{rest[:1].upper()}{rest[1:]} di {event}?", question, "event", previous)
    if not _labels(question) and not named(question) and not re.match(r"(?i)\s*(siapa|who)\b", previous):
        asking, words = short_asking(question)  # "Yang menginisiasi siapa?" after a question about an event
        if asking:
            joined = " yang " if asking.lower() in ("siapa", "siapakah") else " "
            return Resolved(f"{asking}{joined}{words} {event_of(previous)}?", question, "ellipsis", previous)
    return Resolved(question, question)


def turns(history: object, clean: Callable[[object], str]) -> list[Turn]:
    """The previous turns checked, oldest first: questions (``clean``ed) or (question, Answer) pairs."""
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, (list, tuple)):
        raise InputError(f"history {history!r:.60} is not a list; pass the previous questions as a list, oldest first")
    checked: list[Turn] = []
    for turn in history:
        if isinstance(turn, tuple) and len(turn) == 2 and isinstance(turn[1], Answer):
            checked.append((clean(turn[0]), turn[1]))
        elif isinstance(turn, str):
            checked.append(clean(turn))
        else:
            raise InputError(f"history item {turn!r:.60} is neither a question nor a (question, Answer) pair; pass those")
    return checked


def understand(question: str, history: Sequence[Turn] | None, answer: Callable[[str], Answer]) -> Resolved:
    """:func:`resolve`, the last previous question answered first (by ``answer``) when it comes without its Answer
    and ``question`` leans on it: a bare follow-up takes the name that answer gave."""
    turns = list(history or ())
    if turns and isinstance(turns[-1], str) and (bare(question) or pronominal(question)):
        turns[-1] = (turns[-1], answer(resolve(turns[-1], turns[:-1]).question))
    return resolve(question, turns)


_REGIONAL = frozenset("gubernur bupati wabup walikota wali sekda sekretaris camat lurah governor regent mayor".split())


def _plain_part(part: str) -> str:
    """The X of "Kalau X?" without a closing question word or a word's *-nya* ("wakil bupatinya siapa" → "wakil
    bupati")."""
    part = TRAILING.sub("", part).strip() or part
    return " ".join(w[:-3] if clitic(w.lower()) else w for w in part.split())


_SPEECH = re.compile(r"(?i)\b(?:kata|pesan|menurut|ujar|imbauan|saran|harapan|pendapat|jabatan|tugas)nya\b")
MAX_PRONOMINAL_WORDS = 12


def pronominal(question: str) -> bool:
    """Whether ``question`` is about the previous turn's person, longer than a bare follow-up: *dia*, *beliau*, "he",
    "she" or what that person said ("Apa *katanya* soal media sosial?", "Menurut dia, …?"), naming no person and no
    office of its own."""
    words = [w.lower() for w in WORDS.findall(question)]
    if not words or len(words) > MAX_PRONOMINAL_WORDS or named(question):
        return False
    if _SPEECH.search(question):  # "Apa imbauannya buat kepala desa?": what the person said, to whomever
        return True
    if any(kind == "role" for _, _, kind in _labels(question)):
        return False
    return bool(set(words) & (PERSONAL - {"mereka", "they", "them"}))


def _labels(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` that is part of an office, organisation, place (with its level) or year: (start, end,
    kind); a multi-word name ("Jawa Tengah", "Badan Pengawas Pemilu") labels all its words."""
    words = list(WORDS.finditer(text))
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(5, len(words) - i), 0, -1):
            piece = text[words[i].start():words[i + n - 1].end()]
            units = lexicon.units(piece)
            ends = (words[i].group(0), words[i + n - 1].group(0))  # no stop word ("siapa", "di") at either end
            whole = len(units) == 1 or (n == 1 and all(u.qualifier for u in units[1:]))  # "sekda": sekretaris daerah
            if units and whole and units[0].kind in _KINDS and all(lexicon.units(w) for w in ends):
                found += [(w.start(), w.end(), _KINDS[units[0].kind]) for w in words[i:i + n]]
                i += n
                break
        else:
            i += 1
    return found


def substitute(previous: str, part: str) -> str:
    """The previous question with ``part`` in place of the span of what ``part`` names (offices, organisations,
    places, years); ``part`` added before the question mark when the previous question names none of them; ""
    when ``part`` names nothing of the kind, is long, or asks something itself."""
    if len(WORDS.findall(part)) > MAX_FOLLOWUP_WORDS or _ASKING.search(part):
        return ""
    english = re.match(r"(?i)\s*(who|what)\b(\s+(?:is|was|are|were)\b)?", previous)
    if english and re.match(r"(?i)the\s", part):  # "And the governor of Bangka Belitung?"; "What about the
        place = "" if re.search(r"(?i)\s(?:of|in)\s", part) else _first_place(previous)  # regional secretary?"
        asking = english.group(0).strip() if english.group(2) else f"{english.group(1).capitalize()} is"
        return f"{asking} {part}{' of ' + place if place else ''}?"  # ... of the previous question's place
    kinds = {kind for _, _, kind in _labels(part)}
    if not kinds:
        return ""
    labels = _labels(previous)
    replaced = kinds | ({"org"} if kinds == {"role"} and set(part.lower().split()) & _REGIONAL else set())
    spans = [(start, end) for start, end, kind in labels if kind in replaced]  # "Kalau Pj Gubernurnya?" after
    body = previous.rstrip(" ?.!")  # "Siapa Kepala Bawaslu …?": the governor is not Bawaslu's
    if not spans and kinds == {"role"} and re.match(r"(?i)\s*(siapa|who)\b", previous):
        places = [previous[start:end] for start, end, kind in labels if kind == "place"]
        return f"{previous.split()[0]} {part} {' '.join(places)}".rstrip() + "?"  # "Kalau wakil bupatinya?"
    if not spans:
        joiner = " di " if kinds == {"place"} and not re.match(r"(?i)di\s", part) else " "
        return f"{body}{joiner}{part}?"
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    if re.search(r"(?i)\bdi\s+$", previous[:start]):
        part = re.sub(r"(?i)^di\s+", "", part)
    return f"{previous[:start]}{part}{previous[end:]}".rstrip(" ?.!") + "?"


def _first_place(text: str) -> str:
    """The first place ``text`` names ("Bangka Tengah"), as written; "" when none."""
    spans = [(start, end) for start, end, kind in _labels(text) if kind == "place"]
    run = spans[:1]
    for start, end in spans[1:]:
        if start - run[-1][1] > 1:
            break
        run.append((start, end))
    return text[run[0][0]:run[-1][1]] if run else ""


def bare(question: str) -> bool:
    """Whether ``question`` leans on the previous turn: short, naming no office, organisation, place, year or person,
    and with a reference (a closing *itu* / *tersebut*, *dia*, *beliau*, *mereka*, a word's *-nya*)."""
    words = [w.lower() for w in WORDS.findall(question)]
    if not words or len(words) > MAX_FOLLOWUP_WORDS or _labels(question):
        return False
    if named(question):
        return False  # a name of its own
    nya = [w for w in words if clitic(w)]
    closing = words[-1] in CLOSING
    if not (closing or nya or any(w in PERSONAL for w in words)):
        return False
    content = [w for w in words if w not in SKIP and w not in CLOSING and w not in PERSONAL and w not in nya]
    return len(content) <= 1


def answer_name(previous: str, answer: Answer | None) -> str:
    """The person the previous turn was about: the one its question names ("Who is Chabib Susanto?"), else the name
    the previous answer gave (its span, or the first name in its quote) when it answered; else ""."""
    asked = lexicon.names_in(previous)
    if asked:
        return _joined(previous, asked)
    if answer is None or not answer.answered or not answer.hits:
        return ""
    first = answer.hits[0]
    if first.answer and lexicon.names_in(first.answer, previous, sentence=False):
        return first.answer
    spans = lexicon.names_in(first.quote, previous)
    return _joined(first.quote, spans) if spans else ""


def _joined(text: str, spans: list[tuple[int, int]]) -> str:
    """The first name of ``spans`` in ``text`` with the words that go on it: "Harun" "Sulianto"."""
    start, end = spans[0]
    for s, e in spans[1:]:
        if text[end:s].strip(" ") or s - end > 1:
            break
        end = e
    return text[start:end]


def referred(question: str, previous: str, name: str) -> str:
    """A bare follow-up with its reference replaced: a closing *itu* by the previous question's event (its opening
    question word left out, the previous answer's name in place of *siapa*), *dia* / *-nya* by ``name`` or the
    previous question's subject."""
    event = OPENING.sub("", previous).rstrip(" ?.!")
    if AUXILIARY.match(event):  # "Where was the declaration held?": "the declaration", not "was the declaration held"
        event = event_of(previous)
    asked_who = re.match(r"(?i)\s*(siapa|who)\b", previous)
    if name and asked_who:
        event = f"{name} {event}"
    labels = _labels(previous)
    office = previous[labels[0][0]:labels[-1][1]] if labels and labels[0][2] == "role" else ""
    subject = name or office or event_of(previous)
    says = _SAYS_WHAT.match(question)  # "Dia ngomong apa soal X?": "Apa kata Sumarno soal X?" (a name first reads as
    if says and (name or office):  # any capitalised first word, and would be lost)
        return f"Apa kata {name or office} {says.group(1).rstrip(' ?.!')}".rstrip() + "?"
    out: list[str] = []
    words = list(re.finditer(r"\S+", question.rstrip(" ?.!")))
    done = False  # one reference replaced: "Menurut dia, apa tugasnya?" is about one person
    for n, m in enumerate(words):
        word = m.group(0)
        plain, mark = word.lower().rstrip(",;:"), word[len(word.rstrip(",;:")):]
        if n == len(words) - 1 and plain in CLOSING:
            if not (done and asked_who and not EVENT_NOUN.search(previous)):  # "Kapan dia ngomong itu?" after "Siapa
                out.append(event)  # Ketua Bawaslu?": "itu" is what he said, which no earlier turn names
        elif plain in PERSONAL and not done:
            out.append(subject + mark)
            done = True
        elif clitic(plain) and not done:
            part = plain[:-3] in EVENT_PARTS  # "narasumbernya": the event's, not the person's
            out.append(f"{word[:len(plain) - 3]} {the_event(previous) if part else subject}{mark}")
            done = True
        else:
            out.append(word)
    text = " ".join(out)
    return text[:1].upper() + text[1:] + "?"
