"""The words of follow-up questions: question words, fillers and references (*itu*, *dia*, a word's *-nya*, "acara
itu"), and the previous question's event. Pure functions over strings; :mod:`qa.answering.followup` uses them."""

from __future__ import annotations

import re

OPENING = re.compile(r"^\s*(?:siapa(?:kah)?|apa(?:kah)?|kapan(?:kah)?|di\s*mana(?:kah)?|berapa|bagaimana|mengapa|"
                     r"kenapa|who|what|when|where)\b\s*(?:yang\s+|yg\s+)?", re.IGNORECASE)
WORDS = re.compile(r"[0-9A-Za-zÀ-ÿ]+")
CLOSING = frozenset("itu tersebut ini that this it".split())  # as the last word: "Kapan itu?"
PERSONAL = frozenset("dia beliau ia mereka he she they him her them".split())
SKIP = frozenset("siapa siapakah apa apakah kapan kapankah mana dimana berapa bagaimana mengapa kenapa yang yg "
                 "di ke dari acara kegiatan hal who what when where why how did does do is was the".split())
NYA_WORDS = frozenset("hanya punya tanya nya bagaimananya lainnya selanjutnya sebelumnya sesudahnya setelahnya "
                      "biasanya misalnya seharusnya sebenarnya akhirnya adanya padanya dirinya sendirinya "
                      "umumnya khususnya terutamanya dulunya awalnya aslinya kemarinnya nantinya".split())
FILLERS = frozenset("terus trus lalu lantas kalau kalo klo and then so dan sih ya dong nih yang yg".split())
ASK_ONLY = frozenset("kapan kapankah di dimana mana manakah siapa siapakah saja aja berapa tanggal jam hari pukul "
                     "when where who what time date".split())
QUESTION_WORDS = frozenset("kapan kapankah dimana mana manakah siapa siapakah berapa when where who".split())
EVENT_REF = re.compile(r"\b(?:(?:acara|kegiatan|rapat|rakor|penyuluhan|seminar|deklarasi|pertemuan|sosialisasi)"
                       r"(?:\s+(?:itu|tersebut|ini)|nya)|(?:that|this|the)\s+(?:event|meeting|counseling|seminar|"
                       r"declaration))\b", re.IGNORECASE)
TRAILING = re.compile(r"\s*\b(?:di\s*mana|kapan|siapa(?:\s+(?:saja|aja))?|(?:tanggal|jam|hari|pukul)?\s*berapa|"
                      r"apa(?:\s+(?:saja|aja))?|where|when|who)\b\s*(?:sih|ya|itu)?\s*[?.!]*$", re.IGNORECASE)
EVENT_NOUN = re.compile(r"\b(?:acara|kegiatan|rapat|rakor|penyuluhan|seminar|deklarasi|pertemuan|sosialisasi|sidang|"
                        r"apel|upacara|pelatihan|bimtek|lokakarya|workshop|diskusi|event|meeting|counseling)\b", re.IGNORECASE)
# Parts of an event: a word's -nya on them refers to the previous question's event, not its person
# ("*Narasumbernya* dari mana?" after "Siapa penggagas penyuluhan …?": the penyuluhan's speakers).
EVENT_PARTS = frozenset("narasumber pembicara pemateri peserta tema tajuk lokasi tempat penyelenggara panitia tanggal "
                        "waktu jadwal agenda undangan moderator tamu".split())
VERB_AT_END = re.compile(r"(?:\s+(?:bertema|bertajuk|diadakan|digelar|dilaksanakan|diselenggarakan|dibacakan|dibuka|diikuti|dihadiri|"
                         r"held|opened|di\s+acara|di))+$", re.IGNORECASE)
AUXILIARY = re.compile(r"^(?:was|is|were|are|did|does|do)\s+", re.IGNORECASE)


def only_asking(question: str) -> str:
    """The question words of a follow-up that is nothing else ("Kapan?", "And when?", "Tanggal berapa?",
    "Siapa saja?"), fillers left out; "" for any other question."""
    words = [w for w in WORDS.findall(question) if w.lower() not in FILLERS]
    if not words or len(words) > 3 or not all(w.lower() in ASK_ONLY for w in words):
        return ""
    return " ".join(words).capitalize() if any(w.lower() in QUESTION_WORDS for w in words) else ""


def event_of(previous: str, keep_verb: bool = False) -> str:
    """What the previous question was about, its question words left out ("Di mana rapat … diadakan?" → "rapat …
    diadakan"); an English one's auxiliary too unless ``keep_verb`` ("was the counseling held")."""
    opened = OPENING.match(previous)
    event = previous[opened.end():] if opened else previous
    if opened and re.search(r"(?i)\b(?:yang|yg)\s*$", opened.group(0)):
        event = event.split(" ", 1)[-1]  # "Siapa yang membuka penyuluhan …": the event is the penyuluhan
    event = TRAILING.sub("", event).rstrip(" ?.!")
    event = re.sub(r"(?i)\s+(?:itu|tersebut)$", "", event)
    return event if keep_verb else VERB_AT_END.sub("", AUXILIARY.sub("", event))


def the_event(previous: str) -> str:
    """The previous question's event from its event word on ("penyuluhan hukum di Bangka Tengah" of "Siapa penggagas
    penyuluhan hukum di Bangka Tengah?"); :func:`event_of` when it names no event word."""
    event = event_of(previous)
    found = EVENT_NOUN.search(event)
    return event[found.start():] if found else event


def named(question: str) -> bool:
    """Whether ``question`` names something of its own: a capitalised word after the first (an acronym, "ASN", is
    not a name)."""
    return any(w[0].isupper() and not w.isupper() for w in WORDS.findall(question)[1:])


def short_asking(question: str) -> tuple[str, str]:
    """A short follow-up of a question word and one or two words ("Yang menginisiasi siapa?", "siapa yang buka?"):
    (the question word, the words); ("", "") for any other question."""
    words = [w for w in WORDS.findall(question) if w.lower() not in FILLERS]
    asking = [w for w in words if w.lower() in QUESTION_WORDS]
    rest = [w for w in words if w.lower() not in ASK_ONLY and w.lower() not in PERSONAL and w.lower() not in CLOSING]
    if len(words) > 4 or len(asking) != 1 or not 1 <= len(rest) <= 2 or any(clitic(w.lower()) for w in rest):
        return "", ""
    return asking[0].capitalize(), " ".join(rest)


def clitic(word: str) -> bool:
    return word.endswith("nya") and len(word) > 5 and word not in NYA_WORDS
