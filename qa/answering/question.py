"""A question analysed once: its weighted words, the kind of answer it asks for, its constraints and, for a
yes/no question, the action it asks about. Retrieval, quote choice, the reader's window, the decision and
:mod:`qa.answering.verify` all take this one value (:func:`analyse`), so no stage parses the question again.

A *constraint* is something the question pins down that an answer must respect: an office or role
("Bupati" is not "Wakil Bupati", "Ketua" is not "Anggota"), an organisation (Bawaslu, KPU), a place
(Jawa Tengah, Kota Semarang), a year, a named person. Words are compared after the lexical module's
normalisation (informal spellings, short forms expanded: "wabup bateng" is "wakil bupati bangka tengah").

Pure functions over strings, no model and no index; the place and office lists are in :mod:`qa.answering.lexicon`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qa.answering import lexicon, said
from qa.answering.question_type import YESNO, kind_of
from qa.answering.quote import Question, prepare
from qa.index.lexical import ENGLISH, ENGLISH_FUNCTION_WORDS

ROLE, ORG, PLACE, YEAR, PERSON = "role", "org", "place", "year", "person"
_WORD = re.compile(r"[0-9a-z]+")
_OPENS = re.compile(r"\s*(siapa|siapakah|berapa|brp|kapan|kapankah)\b", re.IGNORECASE)
_NAMED = re.compile(r"(\w+)\s+(?:apa|mana)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*")


@dataclass(frozen=True)
class Constraint:
    """One thing the question pins down. ``forms`` are word sequences (normalised, :func:`lexicon.words`), any one
    of which states it; ``wakil`` is False for an office asked without "wakil" (then "wakil <office>" does not
    state it)."""

    kind: str  # ROLE, ORG, PLACE, YEAR or PERSON
    text: str  # as the question wrote it, for messages
    forms: tuple[tuple[str, ...], ...]
    wakil: bool = True
    of_office: bool = False  # an organisation right after an office ("Ketua *Bawaslu*"), not the scene ("rakor Bawaslu")
    whole: bool = False  # a theme or title ("bertema *Mewujudkan Netralitas ASN*"): stated only by all its words in a row


@dataclass(frozen=True)
class Analysis:
    """A question analysed once (:func:`analyse`)."""

    text: str
    kind: str  # qa.answering.question_type: person, date, number, place, reason, yesno or other
    constraints: tuple[Constraint, ...]
    action: tuple[tuple[str, ...], ...]  # yes/no: the asked action and its object, as word forms (any per entry)
    focus: tuple[str, ...]  # the word the question turns on ("Siapa yang *menang* …"), as lexical forms; () if an office
    english: float  # share of English function words
    terms: Question  # the weighted words, for scoring sentences (qa.answering.quote)
    place_type: str = ""  # "Kabupaten *mana* …?", "di hotel *apa* …?": the kind of place whose name is asked; "" if none
    definition: bool = False  # "Apa *arti* netralitas?", "Apa itu …?", "What does … mean?": a meaning is asked
    asking: str = ""  # the question word, written out ("apa saja" for "apa aja"); "" for bare "apa" or none
    naming: bool = False  # "Apa *nama* …?", "Apakah *kepanjangan* BPS?": an "other" question that asks for a name
    examples: bool = False  # "Contoh pelanggaran … apa aja?", "Examples of …": examples are asked for
    party: bool = False  # "*Pihak* mana …", "dari *instansi* apa …", "Siapa yang …": who did it is asked
    receives: bool = False  # a party that was invited, involved or took part (a group of officials may answer)
    topic: tuple[tuple[str, ...], ...] = ()  # "Apa kata X *soal media sosial*?": what was said about, as word forms

    @property
    def decided_as(self) -> str:
        """The kind the reader-on decision (:mod:`qa.answering.decide`) treats the question as: its ``kind``, or
        ``name`` for an "other" question that asks for a name, ``said`` for one that asks what someone said about a
        topic."""
        if self.kind == "other" and self.topic:
            return "said"
        return "name" if self.naming and self.kind == "other" else self.kind


def english_share(text: str) -> float:
    """Share of the question's words that are English function words (0 for an Indonesian question)."""
    words = _WORD.findall(text.lower())
    return sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words) if words else 0.0


def analyse(text: str, idf: dict[str, float]) -> Analysis:
    """The analysis of a cleaned question against an index's ``idf`` (the weights of its words)."""
    share = english_share(text)
    kind = kind_of(text)
    kept = _EXCEPT.sub(" ", text)  # "… siapa aja *selain Kepala Kanwil*?": who is left out pins nothing down
    units = lexicon.units(kept, english=share >= 0.2)
    constraints = tuple(_constraints(kept, units, share >= 0.2))
    topic, party = said.topic_of(text), bool(_PARTY.search(text))
    return Analysis(text=text, kind=kind, constraints=constraints,
                    action=_action(units, constraints) if kind == YESNO else (), english=share,
                    focus=() if topic else _focus(text, units),
                    terms=prepare(text, idf), place_type=_place_type(text), definition=bool(_DEFINITION.search(text)),
                    asking=question_word(text), naming=bool(_NAMING.search(text)),
                    examples=bool(_EXAMPLES.search(text)), topic=topic, party=party,
                    receives=party and bool(_RECEIVES.search(text)))


_EXCEPT = re.compile(r"\b(?:selain|kecuali|besides|except|other\s+than|apart\s+from)\b"
                     r"(?:(?!\b(?:dalam|di|pada|ke|dari|untuk|saat|ketika|in|at|on|during|from)\b)[^,;?.!])*",
                     re.IGNORECASE)  # up to where the scene is set again: "selain Bupati *dalam rapat di Kendal*"


# "Contoh pelanggaran … apa aja?", "Apa saja contohnya?", "Sebutkan contoh …", "Examples of …"; not "apa yang dijadikan
# contoh oleh …" (which case was the example)
_EXAMPLES = re.compile(r"^\s*(?:(?:apa|apakah)\s+(?:saja\s+|aja\s+)?|sebutkan\s+|beri(?:kan)?\s+)?contoh(?:-contoh|nya)?\b|"
                       r"\bexamples?\s+of\b|\bwhat\s+are\s+some\b", re.IGNORECASE)


# "Apa nama …?", "Apakah kepanjangan BPS?", "Apa judul lagu …?": the answer is a name, as for siapa
_NAMING = re.compile(r"\b(?:nama|judul|julukan|kepanjangan|singkatan|gelar|ibu ?kota|mata uang|bahasa|agama|jenis|istilah)\b",
                     re.IGNORECASE)


_ASKING = re.compile(r"\b(apa\s+(?:saja|aja)|siapa(?:\s+(?:saja|aja))?|berapa|kapan|bagaimana|gimana|mengapa|kenapa|knp)\b",
                     re.IGNORECASE)
_WRITTEN_OUT = {"aja": "saja", "gimana": "bagaimana", "knp": "kenapa"}


def question_word(text: str) -> str:
    """The first question word of ``text``, written out and lower case ("apa saja" for "apa aja"); bare "apa" and
    "di mana" (also a relative word) do not count. "" when there is none."""
    m = _ASKING.search(text)
    return " ".join(_WRITTEN_OUT.get(w, w) for w in m.group(1).lower().split()) if m else ""


_DEFINITION = re.compile(r"\b(?:arti(?:nya)?|maksud(?:nya)?|dimaksud|pengertian|definisi(?:nya)?|makna(?:nya)?|apa\s+itu|"
                         r"what\s+is\s+meant|what\s+does\s+.+\s+mean|meaning|definition)\b", re.IGNORECASE)


PLACE_TYPES = ("kabupaten", "kota", "provinsi", "kecamatan", "kelurahan", "desa", "hotel", "gedung", "negara", "kampus",
               "universitas", "sekolah", "masjid", "pendopo", "aula", "ruang")
_PLACE_TYPE = re.compile(rf"\b({'|'.join(PLACE_TYPES)})\s+(?:apa|mana|manakah|apakah)\b", re.IGNORECASE)


def _place_type(text: str) -> str:
    """The kind of place a question asks to name: "kabupaten" for "Kabupaten mana …?"; "" for any other question."""
    m = _PLACE_TYPE.search(text)
    return m.group(1).lower() if m else ""


def _constraints(text: str, units: list[lexicon.Unit], english: bool) -> list[Constraint]:
    found: list[Constraint] = []
    i = ended = 0  # ended: the unit after the last constraint
    while i < len(units):
        unit = units[i]
        if unit.kind == lexicon.ROLE:
            j = i + 1  # an office phrase: the role and the words that qualify it ("kepala divisi administrasi")
            while j < len(units) and j - i < 4 and units[j].kind in (lexicon.ROLE, lexicon.OTHER) and (
                    not english or units[j].kind == lexicon.ROLE and units[j - 1].words == ("wakil",)):  # "deputy regent"
                j += 1
            while j > i + 1 and units[j - 1].kind == lexicon.OTHER and not units[j - 1].qualifier:
                j -= 1  # a trailing verb or noun ("yang hadir", "memberi") is no part of the office
            phrase = units[i:j]
            asked_wakil = any(u.words == ("wakil",) for u in phrase)
            forms = tuple(_join(alts) for alts in _product([u.forms for u in phrase]))
            found.append(Constraint(ROLE, " ".join(u.text for u in phrase), forms, wakil=asked_wakil))
            i = ended = j
            continue
        if unit.kind in (lexicon.ORG, lexicon.PLACE, lexicon.YEAR):
            kind = {lexicon.ORG: ORG, lexicon.PLACE: PLACE, lexicon.YEAR: YEAR}[unit.kind]
            of_office = bool(found) and ended == i and (found[-1].kind == ROLE or found[-1].of_office)  # "Ketua Bawaslu …"
            found.append(Constraint(kind, unit.text, unit.forms, of_office=of_office))
            ended = i + 1
        i += 1
    placed = {w for c in found for form in c.forms for w in form}
    themes = {m.group(1) for m in _THEME.finditer(text)}
    for name in _names(text, english):
        words = tuple(u for unit in lexicon.units(name, english) for u in unit.words)
        if words and not set(words) <= placed and not lexicon.known(words):
            found.append(Constraint(PERSON, name, (tuple(words),), whole=any(name in theme for theme in themes)))
    return found


# A theme or title the question quotes ("rakor *bertema Mewujudkan Netralitas ASN*"): its words stand together.
_THEME = re.compile(r"\b(?i:bertema|bertajuk|tema|berjudul|judul|themed|titled|entitled)\s+[\"“]?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")


def _names(text: str, english: bool) -> list[str]:
    """Capitalised runs after the first word that name no office, place or organisation: people, mostly."""
    found = []
    for m in _CAPITALISED.finditer(text):
        name = m.group(0) if m.start() > 0 else m.group(0).partition(" ")[2]  # the first word is capitalised anyway
        name = re.sub(r"['’]s$", "", name)
        if len(name) > 2 and not name.isupper() and not (english and name.lower() in ENGLISH):
            found.append(name)
    return found


def _action(units: list[lexicon.Unit], constraints: tuple[Constraint, ...]) -> tuple[tuple[str, ...], ...]:
    """The asked action and its object: the informative words after the modal, subject and tags removed, and who
    says it ("*Menurut Mukhlisin* ASN boleh buta politik?" asks about "buta politik")."""
    said_by = {w for c in constraints if c.kind == PERSON for w in c.text.lower().split()}
    return tuple(u.stems for u in units if u.kind == lexicon.OTHER and not u.subject and u.stems
                 and not set(u.stems) & _ATTRIBUTION and u.text.lower() not in said_by | _ABOUT)  # "soal": a link


_ATTRIBUTION = frozenset({"urut"})  # "menurut": who says it, not what is asked


def _focus(text: str, units: list[lexicon.Unit]) -> tuple[str, ...]:
    """For a question that opens with *siapa*, *berapa* or *kapan*: its first informative word, when it is no
    office, organisation, place or subject ("ASN"): "Siapa yang *menang* …", "Berapa *gaji* …"."""
    named = _NAMED.search(text)
    if named and _DEFINITION.fullmatch(named.group(1)):
        named = None  # "… artinya apa?": a meaning is asked (Analysis.definition), not a thing named "arti"
    if named and named.group(1).lower() in _ABOUT:
        named = None  # "ngingetin ASN *soal* apa?": what it is about is asked, not a thing named "soal"
    if named and named.group(1).lower() in _CATEGORY:  # "*Pihak* mana saja yang ikut *dilibatkan* …?": who is asked,
        words = [u.text.lower() for u in units]  # and the word after the category is what it turns on
        start = words.index(named.group(1).lower()) + 1 if named.group(1).lower() in words else len(units)
        return next((u.stems for u in units[start:]
                     if u.kind == lexicon.OTHER and not u.subject and u.stems and not set(u.stems) & _LIGHT), ())
    if named and lexicon.units(named.group(1))[:1] and lexicon.units(named.group(1))[0].kind == lexicon.OTHER:
        return lexicon.units(named.group(1))[0].stems  # "Sanksi apa …", "di hotel mana …": the thing named
    english = _WHO_DID.match(_TOOK_PART.sub("participated", text))  # "Who was *invited* …?", "Which officials *took
    if english and english.group(1).lower() in ENGLISH:  # part* …?": a verb the glossary knows
        verb = english.group(1).lower()
        return next((u.stems for u in lexicon.units(verb, english=True) if len(u.stems) > 1), ())
    if not _OPENS.match(text):
        return ()
    for unit in units:
        if unit.kind != lexicon.OTHER:
            return ()
        if unit.text.lower() in _HONORIFIC:  # "Kapan *Pak* Amin hadir?": a form of address, not what is asked
            continue
        if not unit.subject and unit.stems and not set(unit.stems) & _LIGHT:
            return unit.stems
    return ()


_HONORIFIC = frozenset("pak bu bapak ibu mas mbak bang kak sdr mr mrs ms".split())


_ABOUT = frozenset("soal tentang mengenai terkait perihal seputar about".split())
# Nouns that only say the answer is some body or party: "*Pihak* mana …", "dari *instansi* apa …" ask who.
_CATEGORY = frozenset("pihak instansi lembaga institusi organisasi kalangan unsur".split())
# Who was invited, involved or took part (not who opened or led: a group of officials does not open an event).
_RECEIVES = re.compile(r"\b(?:yang|yg)\s+(?:ikut\s+)?di[a-z]+|\b(?:was|were)\s+\w+ed\b|\b(?:hadir|ikut|took\s+part|"
                       r"attended|participated|involved|invited)\b", re.IGNORECASE)
_WHO_DID = re.compile(r"\s*(?:who|which\s+\w+(?:\s+\w+)?)\s+(?:was\s+|were\s+)?(\w+ed)\b", re.IGNORECASE)
_TOOK_PART = re.compile(r"\b(?:took|take|taking|takes)\s+part\b", re.IGNORECASE)
_PARTY = re.compile(rf"\b(?:{'|'.join(_CATEGORY)})\s+(?:apa|mana)|\bsiapa(?:kah)?\s+(?:saja\s+|aja\s+)?(?:yang|yg)\s|"
                    r"\b(?:yang|yg)\s+\w+\s+siapa|^\s*(?:who|which\s+\w+(?:\s+\w+)?)\s+(?:was\s+|were\s+)?(?:\w+ed|took\s+part)\b",
                    re.IGNORECASE)  # and who did it: "Siapa yang menginisiasi …?"


# Verbs that only say something happened ("Kapan *terjadinya* …", "*diadakannya*", "*dilaksanakan*"): the word the
# question turns on is the next one.
_LIGHT = frozenset("jadi ada adakan laksana gelar langsung mulai lakukan laku selenggara buat".split())


def _product(options: list[tuple[tuple[str, ...], ...]]) -> list[tuple[tuple[str, ...], ...]]:
    combos: list[tuple[tuple[str, ...], ...]] = [()]
    for alts in options:
        combos = [c + (a,) for c in combos for a in alts][:16]
    return combos


def _join(parts: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return tuple(w for part in parts for w in part)


def normal_text(text: str) -> str:
    """NFKC, soft hyphens and zero-width characters removed: text as the checks compare it."""
    return lexicon.INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
