"""Pick the sentence of a passage that best answers a question, verbatim.

A sentence is scored by the share of the question's informative words (weighted by inverse
document frequency, after the same normalisation as BM25: informal words, acronyms, English
glossary, stemming) that it holds, plus a bonus when it holds the kind of thing the question
asks for: a name for *siapa*/*who*, a date for *kapan*/*when*, a place for *di mana*/*where*,
a number for *berapa*/*how many*, a reason for *mengapa*/*why*. The same score ranks passages
in :mod:`qa.answering.retrieve` (a passage's best sentence), so the quote is the sentence that got the
passage its rank.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache

from qa.corpus.clean import DAY_NAMES, DAYS, MONTHS, SHORT_DATE
from qa.index.lexical import terms, tokenize

CUE_BONUS = 0.3  # added to a sentence's coverage when it holds what the question asks for

_KAH = r"(?:kah)?"  # "kapankah", "di manakah", "berapakah": the question words with the -kah particle
_ASKS = (  # (kind, question pattern), first match wins
    ("date", re.compile(rf"\b(kapan{_KAH}|when|(tanggal|tahun|pukul|jam) berapa{_KAH}|(hari|bulan) apa{_KAH}|"
                        rf"abad (ke-?)?berapa{_KAH}|abad keberapa{_KAH}|(what|which) (date|day|year|time))\b", re.I)),
    ("person", re.compile(r"\b(siapa|siapakah|who|whom|whose)\b", re.I)),
    ("place", re.compile(rf"\b(di ?man[a]?{_KAH}|ke ?mana{_KAH}|dari ?mana{_KAH}|where|lokasi|tempat|(hotel|gedung|kota|"
                         rf"provinsi|kabupaten|ruang|negara|negeri|desa|kecamatan|pulau|benua|wilayah|daerah) "
                         rf"(apa|mana){_KAH})\b", re.I)),
    ("number", re.compile(rf"\b(berapa{_KAH}|brp|how (many|much|long|old))\b", re.I)),
    ("reason", re.compile(rf"\b(mengapa{_KAH}|kenapa|knp|why|alasan)\b", re.I)),
)
_DATE = re.compile(rf"{SHORT_DATE}|\b{DAYS}\b|\b{MONTHS}\b|\b(?:19|20)\d\d\b|\bpukul \d")
_PLACE = re.compile(r"\b(?:di|ke|dari)\s+(?:[A-Z][\w.-]*)|\b(?:[Hh]otel|[Gg]edung|[Rr]uang|[Kk]antor|[Aa]ula|[Bb]alai|[Pp]endopo|"
                    r"[Ll]apangan|[Jj]alan|[Kk]ecamatan|[Kk]abupaten|[Pp]rovinsi)\b")
_NUMBER = re.compile(r"\b\d[\d.,]*\b|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|belas|puluh|ratus|"
                     r"ribu|juta|miliar|triliun|persen)\b", re.I)
_REASON = re.compile(r"\b(?:karena|sebab|agar|supaya|sehingga|akibat|alasan|demi|guna|lantaran|berpotensi|merugikan)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?")
# Capitalised words that are offices, institutions or places rather than the name of a person.
_NOT_NAMES = frozenset(
    "kepala ketua wakil sekretaris daerah provinsi kabupaten kota kantor wilayah badan pengawas pemilu pemilihan umum "
    "pilkada kementerian hukum ham divisi administrasi gubernur bupati wali penjabat presiden menteri dinas asisten "
    "pemerintah pemerintahan pelaksana tugas analis kepegawaian ahli madya utama penyuluh jawa tengah barat timur "
    "selatan utara republik indonesia negara aparatur sipil rapat koordinasi deklarasi netralitas komisi partai "
    "dalam sebagai kegiatan selain namun sementara menurut dengan oleh untuk para seluruh jajaran semua bahkan "
    "bawaslu kemenkumham kanwil pemkab pemkot pemprov sekda wabup forkompimda polri pemda opd kpk kpu dprd "
    "plt plh pj kapolres kapolda dandim camat lurah panwascam panwaslu "
    "the".split()
) | {day.lower() for day in DAY_NAMES}


def asks_for(question: str) -> str | None:
    """What kind of answer the question wants: person, date, place, number, reason, or None."""
    return next((kind for kind, pattern in _ASKS if pattern.search(question)), None)


def holds(kind: str | None, sentence: str, question: str) -> bool:
    """Whether the sentence holds something of the kind the question asks for (and not only the question's own words)."""
    if kind is None:
        return False
    if kind == "person":
        asked = set(re.findall(r"\w+", question.lower()))
        return any(w.split()[0].lower() not in _NOT_NAMES and w.split()[0].lower() not in asked
                   for w in _CAPITALISED.findall(sentence))
    if kind == "number":
        asked = set(re.findall(r"\d+", question))
        return any(m.group(0) not in asked for m in _NUMBER.finditer(sentence))
    pattern = {"date": _DATE, "place": _PLACE, "reason": _REASON}[kind]
    return bool(pattern.search(sentence))


@lru_cache(maxsize=1 << 16)
def sentence_tokens(sentence: str) -> frozenset[str]:
    """The lexical tokens of one sentence (cached: passages are scored again and again)."""
    return frozenset(tokenize(sentence))


class Question:
    """A question prepared once for scoring many sentences: its weighted words and the kind of answer it wants.

    A word counts once however it is written: "Sekda" is matched by "sekda" or by "sekretaris
    daerah" (a share of the phrase when only part of it is there), "opened" by "dibuka".
    """

    def __init__(self, question: str, idf: dict[str, float]) -> None:
        self.text = question
        self.terms = []
        for term in terms(question):
            known = [idf[t] for t in (term.stem, *term.alternatives) if t in idf]
            weight = max(known) if known else (max((idf.get(t, 1.0) for t in term.phrase), default=1.0))
            self.terms.append((frozenset((term.stem, *term.alternatives)), term.phrase, weight))
        self.total = sum(weight for _, _, weight in self.terms)
        self.kind = asks_for(question)

    def coverage(self, sentence: str) -> float:
        """Share of the question's informative words (idf-weighted) that the sentence holds."""
        if not self.total:
            return 0.0
        words = sentence_tokens(sentence)
        held = 0.0
        for forms, phrase, weight in self.terms:
            if forms & words:
                held += weight
            elif phrase:
                held += weight * sum(p in words for p in phrase) / len(phrase)
        return held / self.total

    def score(self, sentence: str) -> float:
        coverage = self.coverage(sentence)
        return coverage + (CUE_BONUS if coverage > 0 and holds(self.kind, sentence, self.text) else 0.0)


def best_span(question: Question, text: str, sentences: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], float]:
    """The best sentence span of a passage and its score. Ties go to the earlier sentence."""
    best, best_score = sentences[0], -1.0
    for start, end in sentences:
        score = question.score(text[start:end])
        if score > best_score:
            best, best_score = (start, end), score
    return best, best_score


_RECENT: OrderedDict[str, tuple[dict[str, float], Question]] = OrderedDict()  # the questions being answered
_RECENT_LOCK = threading.Lock()
RECENT_SIZE = 64  # questions kept prepared: at least one per thread answering at once


def prepare(question: str, idf: dict[str, float]) -> Question:
    """The question prepared for scoring, reused across the passages of one answer (safe from many threads).

    An entry is reused only for the very same ``idf`` object, which the entry holds (so a reloaded
    index, even one whose dictionary lands at the old address, never gets another index's weights).
    """
    with _RECENT_LOCK:
        entry = _RECENT.get(question)
        if entry is not None and entry[0] is idf:
            _RECENT.move_to_end(question)
            return entry[1]
    prepared = Question(question, idf)
    with _RECENT_LOCK:
        _RECENT[question] = (idf, prepared)
        while len(_RECENT) > RECENT_SIZE:
            _RECENT.popitem(last=False)
    return prepared


def best_sentence(question: Question, text: str, sentences: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    """The (start, end) of the sentence of a passage that best answers the prepared ``question`` (:func:`prepare`)."""
    return best_span(question, text, sentences)[0]


_ELABORATES = re.compile(r"^\W*(antara lain|yaitu|yakni|misalnya|contohnya|seperti|di antaranya|sebab|karena|hal ini|"
                         r"alasannya|pasalnya|sehingga|oleh karena itu|untuk itu|dengan begitu)\b", re.IGNORECASE)


def widened(kind: str | None, text: str, sentences: tuple[tuple[int, int], ...], span: tuple[int, int]) -> tuple[int, int]:
    """The quote ``span`` (whole sentences of ``text``) with the next sentence joined when the answer goes on there:
    the quote ends with ":" or the next sentence opens by giving the list or the reason ("Antara lain, …",
    "Sebab, …") and, for a *mengapa* question, the quote itself gives no reason. Pieces that open in lower case
    (a sentence cut by a line break) join the sentence before them."""
    after = [(s, e) for s, e in sentences if s >= span[1]]
    if not after:
        return span
    nxt = text[after[0][0]:after[0][1]]
    quote = text[span[0]:span[1]]
    end = span[1]
    if quote.rstrip().endswith(":") or (_ELABORATES.match(nxt) and not (kind == "reason" and _REASON.search(quote))):
        end = after[0][1]
    for start, stop in after[1 if end > span[1] else 0:]:  # a line break inside a sentence: "perilaku\ndalam …"
        if not text[start:stop][:1].islower():
            break
        end = stop
    return span[0], end


def reading_window(question: Question, text: str, sentences: tuple[tuple[int, int], ...], chars: int) -> tuple[int, int]:
    """The (start, end) of the stretch of a passage worth reading for the question: its best sentence, grown by
    whole neighbouring sentences (the better-scoring side first) while it stays within ``chars`` characters.
    A best sentence longer than ``chars`` is kept whole (the reader cuts it into windows)."""
    prepared = question
    (start, end), _ = best_span(prepared, text, sentences)
    i = j = sentences.index((start, end))
    while True:
        sides = [(k, prepared.score(text[sentences[k][0]:sentences[k][1]])) for k in (i - 1, j + 1) if 0 <= k < len(sentences)]
        sides = [(k, score) for k, score in sides if max(end, sentences[k][1]) - min(start, sentences[k][0]) <= chars]
        if not sides:
            return start, end
        k = max(sides, key=lambda side: (side[1], side[0] > j))[0]
        i, j = min(i, k), max(j, k)
        start, end = sentences[i][0], sentences[j][1]
