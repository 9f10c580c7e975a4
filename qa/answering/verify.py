"""Verify an answer before it is stated: the three outcomes, and the checks that decide between them.

An answer is *answered* only when the articles state it: the question's constraints
(:mod:`qa.answering.question`) stand in the answer's sentence, or, for context (an organisation, a place, a
year, a person), in its article; the span (or, without the reader, the quote) holds what the question asks
for (a name for *siapa*, a date for *kapan*, a number for *berapa*, a place for *di mana*); and a yes/no
question's sentence is about the asked action. A failed check makes the answer *not sure*: the evidence is
shown, worded as unverified, with no span and no verdict. *No answer* is for a question off the articles'
topic, or one that names something (an office, a place, an organisation) no passage of the index holds.

Pure functions over strings and the index's ``idf``; :func:`qa.answering.ask.answer_with` applies them.
"""

from __future__ import annotations

import re

from qa.answering import counted, lexicon, where
from qa.answering import said as speech
from qa.answering.question import ORG, PERSON, PLACE, ROLE, YEAR, Analysis, Constraint, question_word
from qa.answering.question_type import WHEN, WHO, COUNT, YESNO
from qa.answering.verdict import about_action
from qa.answering.quote import holds, sentence_tokens
from qa.index.lexical import EXPAND, tokenize

ANSWERED, NOT_SURE, NO_ANSWER = "answered", "not_sure", "no_answer"
UNFIT = "the quote holds no"  # how the reason of a quote that holds nothing of the kind asked for begins
OFF_FOCUS = "the sentence does not say what the question turns on"
RESTATES = "the sentence asks the question again"  # "… memahami apa saja yang …" for "apa saja …?"
UNSAID = "the quote says nothing"  # … of what the speaker was asked about, or not where the speaker is named
NOT_ABOUT = "the sentence is not about the asked action"  # a yes/no question's
TOPIC_SHARE = 0.5  # a quote of what was said about a topic holds at least this share of the topic's words
OUTCOMES = (ANSWERED, NOT_SURE, NO_ANSWER)


def absent(analysis: Analysis, idf: dict[str, float]) -> Constraint | None:
    """A constraint of the question (an office, organisation, place or person) that no passage of the index holds:
    then the articles clearly do not answer. None when every one is held somewhere."""
    for constraint in analysis.constraints:
        if constraint.kind == YEAR:
            continue
        words = {w for form in constraint.forms for w in form} | set(constraint.text.lower().split())
        if words and not any(all(t in idf for t in tokenize(w, expand=False)) for w in words if len(w) > 2):
            return constraint
    return None


def check(analysis: Analysis, sentence: str, article: str, span: str = "", passage: str = "") -> str:
    """Why the answer in ``sentence`` (its span ``span``, "" without the reader) from ``passage`` of ``article``
    may not be stated; "" when every check passes. ``article`` is the article's text with its title and date."""
    shown = span or sentence
    wanted = {WHO: "person's name", WHEN: "date", COUNT: "number", "place": "place"}.get(analysis.kind)
    if wanted and not (_someone(analysis, shown, span) if analysis.kind == WHO
                       else where.place_named(analysis, shown, span, sentence) if analysis.kind == "place"
                       else holds(analysis.kind, counted.without(shown, analysis.text, analysis.kind), analysis.text)):
        return f"the span holds no {wanted}" if span else f"{UNFIT} {wanted}"
    if analysis.kind == WHEN and _ASKS_TIME.search(analysis.text) and not _TIME.search(shown):
        return f"{UNFIT} time of day"  # "Jam berapa …?" is not answered by "Kamis, 6 Juni 2024"
    if analysis.place_type and not where.named_place(shown, analysis.place_type):
        return f"{UNFIT} name of the {analysis.place_type} asked for"  # "salah satu kabupaten" names none
    if not span and analysis.asking and question_word(sentence) == analysis.asking:
        return f"{RESTATES} rather than answer it"  # "… memahami apa saja yang …"
    if analysis.examples and not _GIVES_EXAMPLES.search(sentence) and not _LIST.search(sentence):
        return f"{UNFIT} example: it names none"  # "hal-hal kecil yang … dilakukan" restates "pelanggaran kecil"
    if analysis.definition and not _defines(analysis, sentence):
        return f"{UNFIT} meaning: it defines nothing"  # "Apa arti netralitas?" is not answered by a rakor's theme
    said, context = lexicon.words(sentence), lexicon.words(article)
    for constraint in analysis.constraints:
        reason = _constraint(constraint, said, context, strict=analysis.kind == WHO,
                             office=any(c.kind == ROLE for c in analysis.constraints))
        if reason:
            return reason
    if analysis.topic:
        reason = _said(analysis, sentence, passage or sentence, article)
        if reason:
            return reason
    scope = sentence if analysis.kind == WHO or analysis.party else passage or sentence  # who did it stands beside
    # what was done
    if analysis.focus and not set(analysis.focus) & sentence_tokens(scope) and not (
            set(analysis.focus) & speech.SAYING and speech.SPOKEN.search(scope)):  # "yang ngomong": any words said
        return f"{OFF_FOCUS} ({analysis.focus[0]})"
    reason = _places(analysis, said, office=analysis.kind == WHO and any(c.kind == ROLE for c in analysis.constraints))
    if reason:
        return reason
    if _SANCTION.search(analysis.text) and not _SANCTION.search(sentence):
        return f"{UNFIT} sanction"  # a sanksi question is answered by the sanction, not the prohibition before it
    if analysis.kind == WHO and not _named_with_office(analysis, sentence, span):
        return "no name stands next to the office asked for"
    if analysis.kind == YESNO and not about_action(analysis, sentence):
        return NOT_ABOUT
    return ""


def _said(analysis: Analysis, sentence: str, passage: str, article: str) -> str:
    """Why ``sentence`` of ``passage`` (in ``article``) is not what the question's speaker said about its topic: it
    holds under :data:`TOPIC_SHARE` of the topic's words, quotes nobody, or the passage names no speaker the question
    names (a person, an organisation, an office or its holder: "Wabup …" is "Era" where the article says "Era
    Susanto selaku Wakil Bupati"): a quote's speaker is named beside it ("…,” tegasnya." after "Era mengatakan …")."""
    words = sentence_tokens(sentence)
    if sum(bool(set(forms) & words) for forms in analysis.topic) < TOPIC_SHARE * len(analysis.topic):
        return f"{UNSAID} about what was asked"
    if not speech.SPOKEN.search(sentence):
        return f"{UNSAID}: nobody is quoted"  # "Narasumber … berasal dari Bawaslu" is no word of Bawaslu's
    speakers = [c for c in analysis.constraints if c.kind in (PERSON, ROLE) or c.kind == ORG and not c.of_office]
    if not speakers:
        return f"{UNSAID} of a speaker the question names"  # "Dia bilang apa …?" with "dia" unresolved: whose words?
    here = lexicon.words(passage)
    bodies = [form for c in analysis.constraints if c.kind == ORG and c.of_office for form in c.forms] or [()]
    if not any(_named(form, here, ()) if c.kind == PERSON else lexicon.nearly_contains(here, form) if c.kind == ORG
               else any(_office(here, form + body, c.wakil) or set(here) & speech.holders(form, body, article)
                        for body in bodies)  # "Ketua Bawaslu", not "Ketua KPU" with Bawaslu elsewhere
               for c in speakers for form in c.forms):
        return f"{UNSAID} where {speakers[0].text} is named"
    return ""


def _someone(analysis: Analysis, shown: str, span: str) -> bool:
    """Whether ``shown`` names who the *siapa* question asks for: a person; or, when it asks who did something
    rather than who holds an office ("Siapa yang menginisiasi …?"), an organisation the question does not name."""
    if lexicon.names_in(shown, analysis.text, sentence=not span):
        return True
    if any(c.kind == ROLE for c in analysis.constraints):
        return False
    asked = {c.text for c in analysis.constraints if c.kind == ORG}
    offices = {w for c in analysis.constraints if c.kind == ROLE for form in c.forms for w in form}
    return any(u.kind == ORG and u.text not in asked or analysis.receives and u.kind == lexicon.ROLE  # "seluruh lurah
               and not set(u.words) & offices for u in lexicon.units(shown))  # dan kepala desa" were invited


_ASKS_TIME = re.compile(r"\b(?:jam|pukul)\s+berapa|\bwhat\s+time\b|\bat\s+what\s+hour\b", re.IGNORECASE)
_TIME = re.compile(r"\b(?:pukul|jam)\s*\d|\b\d{1,2}[.:]\d{2}\b|\b\d{1,2}\s*(?:wib|wita|wit|am|pm)\b|\b(?:pagi|siang|sore|malam)\b",
                   re.IGNORECASE)
_DEFINES = re.compile(r"\b(?:adalah|ialah|yaitu|yakni|merupakan|berarti|artinya|diartikan|dimaknai|bermakna|maksudnya|"
                      r"dimaksud|didefinisikan|pengertian|meliputi|mencakup|refers\s+to|means|is\s+defined)\b", re.IGNORECASE)
_NOT_DEFINED = frozenset(tokenize("arti maksud dimaksud pengertian definisi makna menurut mean meaning definition "
                                  "ASN PNS pegawai civil servant", expand=True))


def _defines(analysis: Analysis, sentence: str) -> bool:
    """Whether ``sentence`` defines what the question asks the meaning of: a definition word ("adalah", "yaitu",
    "berarti", …) with a word of the question at most 40 characters before it; the question's definition words,
    its organisations, places and offices ("menurut Bawaslu") and the civil servants themselves do not count."""
    scene = {t for c in analysis.constraints for t in tokenize(c.text, expand=True)}
    wanted = set(tokenize(analysis.text, expand=True)) - scene - _NOT_DEFINED
    return any(wanted & set(tokenize(sentence[max(0, m.start() - 40):m.start()], expand=True))
               for m in _DEFINES.finditer(sentence))


_GIVES_EXAMPLES = re.compile(r"\b(?:antara\s+lain|seperti|misalnya|contohnya|di\s*antaranya|yakni|yaitu|meliputi|termasuk|"
                             r"such\s+as|including|for\s+example)\b", re.IGNORECASE)
_LIST = re.compile(r"[^,]+,[^,]+,.*\b(?:dan|serta|atau|and|or)\b", re.IGNORECASE)  # "a, b, dan c": things listed
_SANCTION = re.compile(r"\b(sanksi|hukuman|dihukum|teguran|penalty|penalti|punishment|sanction)\w*", re.IGNORECASE)


def _constraint(constraint: Constraint, said: tuple[str, ...], context: tuple[str, ...], strict: bool,
                office: bool = False) -> str:
    """Why the sentence (``said``) or its article (``context``) does not respect one constraint; "" when it does.
    The office a *siapa* question asks for and its organisation (``strict``) must stand in the sentence; other
    constraints, and offices that only set the scene, may stand anywhere in the article."""
    if constraint.kind == ROLE:
        if not strict and any(_office(context, form, constraint.wakil) for form in constraint.forms):
            return ""
        if not any(_office(said, form, constraint.wakil) for form in constraint.forms):
            near = any(lexicon.contains(said, ("wakil",) + form) for form in constraint.forms)
            return (f"the question asks for {constraint.text}, the sentence names its wakil" if near
                    else f"the sentence does not name the office asked for ({constraint.text})")
        return ""
    if constraint.kind == PERSON and constraint.whole:  # a theme: "Mewujudkan Netralitas ASN", not its words apart
        ok = any(lexicon.contains(said, form) or lexicon.contains(context, form) for form in constraint.forms)
    elif constraint.kind == PERSON:  # "Sharapova" names Maria Sharapova: half the name's words, titles aside
        ok = any(_named(form, said, context) for form in constraint.forms)
    elif constraint.kind == YEAR and not re.search(r"\b(?:1[0-9]|20)\d\d\b", " ".join(context)):
        ok = True  # an article that names no year at all ("Rabu (6/9)") cannot contradict one
    elif constraint.kind == ORG and strict and (constraint.of_office or not office):  # "Siapa Ketua *Bawaslu* …":
        # the office's organisation, in the sentence (not one that sets the scene: "… keynote speaker rakor Bawaslu")
        ok = any(lexicon.nearly_contains(said, form) for form in _as_written(constraint))
    elif constraint.kind in (ORG, PLACE, YEAR):
        ok = any(lexicon.nearly_contains(said, form) or lexicon.nearly_contains(context, form)
                 for form in _as_written(constraint))
    else:
        ok = True
    return "" if ok else f"the article does not mention {constraint.text}"


def _as_written(constraint: Constraint) -> tuple[tuple[str, ...], ...]:
    """The constraint's forms and its words as the question writes them: a misspelt short form ("Kanwul") is near
    the short form ("Kanwil"), not its expansion ("kantor wilayah")."""
    return constraint.forms + (tuple(constraint.text.lower().split()),)


NEAR_AFTER, NEAR_BEFORE = 90, 40  # characters: "Kepala Divisi Administrasi Kanwil Kemenkumham Jateng, Anton E. Wardhana"


def _named_with_office(analysis: Analysis, sentence: str, span: str) -> bool:
    """For a *siapa* question about an office: a name (the span, or any name in the sentence) stands within a few
    words of the office, which is neither a wakil's (unless asked) nor a building ("Kantor Bupati")."""
    offices = [c for c in analysis.constraints if c.kind == ROLE]
    if not offices:
        return True
    if span:
        at = sentence.find(span)
        names = [(at, at + len(span))] if at >= 0 else []
    else:
        names = lexicon.names_in(sentence, analysis.text)
    asked = set(lexicon.words(analysis.text))
    for office in offices:
        heads = {form[0] for form in office.forms} | {short for short, full in EXPAND.items()
                                                      if full.split()[0] in {form[0] for form in office.forms}
                                                      and short in lexicon.ROLE_SHORT}
        pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, heads))) + r")(?![\w-])", re.IGNORECASE)
        for m in pattern.finditer(sentence):
            before = sentence[:m.start()].lower().split()[-1:]
            if before in (["kantor"], ["rumah"]) or (before == ["wakil"] and not office.wakil):
                continue
            if _STANDS_IN.search(sentence[max(0, m.start() - 24):m.start()]) and not (
                    set(lexicon.words(sentence[m.end():])[:2]) & asked):
                continue  # "yang diwakili Kepala Divisi …": the stand-in's office, unless it is the one asked
            if any(m.start() - NEAR_BEFORE <= end and start <= m.end() + NEAR_AFTER
                   and not _STANDS_IN.search(sentence[min(end, m.end()):max(start, m.start())]) for start, end in names):
                return True
    return False


# Between an office and a name: the name stands in for the office holder ("Kepala Kanwil, yang diwakili Kepala
# Divisi Anton"; "Anton, mewakili Kepala Kanwil"), so it is not the holder's name.
_STANDS_IN = re.compile(r"\b(?:diwakili|mewakili|diwakilkan|represented|representing|on behalf)\b",
                        re.IGNORECASE)


_TITLES = frozenset("prof dr ir drs hj h kh sdr bapak ibu mr mrs ms".split())


# Common nouns that head a name ("Pertempuran Yerikho", "Kota Zhejiang", "Pulau Amanz"): held by many articles, they
# tell no name apart; the name's other words must stand.
_HEADS = frozenset("pertempuran perang kota pulau kepulauan gunung sungai danau teluk selat laut samudra tanjung bukit "
                   "lembah universitas partai kerajaan kesultanan kekaisaran dinasti republik kabupaten provinsi "
                   "bandara stasiun rumah sakit masjid gereja candi istana museum taman jalan hotel raja ratu sultan "
                   "santo saint sir the sang raden sri battle city island mount river lake university party kingdom "
                   "empire".split())


def _named(form: tuple[str, ...], said: tuple[str, ...], context: tuple[str, ...]) -> bool:
    """Whether the name ``form`` stands in the sentence (``said``) or its article (``context``): half its words,
    titles aside, and half of those that are not a common head noun when it has any ("Pertempuran Yerikho" is not
    held by an article on "Pertempuran Henderson")."""
    words = [w for w in form if w not in _TITLES]
    own = [w for w in words if w not in _HEADS]
    held = sum(w in said or w in context for w in words)
    return bool(words) and held * 2 >= len(words) and sum(w in said or w in context for w in own) * 2 >= len(own)


def _office(said: tuple[str, ...], form: tuple[str, ...], wakil: bool) -> bool:
    """Whether the office ``form`` stands in ``said``; asked without "wakil", an occurrence after "wakil" does not count."""
    n = len(form)
    return any(said[i:i + n] == form and (wakil or i == 0 or said[i - 1] != "wakil") for i in range(len(said) - n + 1))


def _places(analysis: Analysis, said: tuple[str, ...], office: bool = False) -> str:
    """The sentence names a place that cannot be the question's, and not the question's own: another place's
    official, most often (Jawa Timur for Jawa Tengah; another province). For a *siapa* question about an ``office``,
    any other place will do: the chair of Bawaslu Jawa Tengah is not the chair of Bawaslu Kota Semarang."""
    asked = [form for c in analysis.constraints if c.kind == PLACE for form in c.forms]
    if not asked or any(lexicon.contains(said, form) for form in asked):
        return ""
    other = sorted(p for p in lexicon.places_in(_present(said))
                   if office or any(lexicon.conflicting(p, form) for form in asked))
    return f"the sentence is about {' '.join(other[0])}, not {' '.join(asked[0])}" if other else ""


_FORMER = frozenset(("mantan", "eks", "former"))


def _present(said: tuple[str, ...], reach: int = 10) -> tuple[str, ...]:
    """``said`` without a former post ("Mantan Kepala Divisi Administrasi Kanwil Nusa Tenggara Barat itu …"): its
    place (the first within ``reach`` words after "mantan") says where the person served before, not where the
    sentence is."""
    kept, i = [], 0
    while i < len(said):
        if said[i] in _FORMER:
            post = said[i + 1:i + 1 + reach]
            ends = [n + len(place) for place in lexicon.places_in(post)
                    for n in range(len(post)) if post[n:n + len(place)] == place]
            i += 1 + (min(ends) if ends else 0)
            continue
        kept.append(said[i])
        i += 1
    return tuple(kept)
