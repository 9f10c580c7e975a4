"""The result of a question: an :class:`Answer`, its :class:`Hit` passages and the :class:`Citation` of each
article folded into a hit as "also in"; and how hits are kept distinct (:func:`add_distinct`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from qa.answering import cite

NO_ANSWER = "Tidak ada jawaban di artikel yang tersedia."
NOT_SURE = "Belum pasti: artikel tidak menyatakan jawabannya dengan jelas."
OUTCOMES = ("answered", "not_sure", "no_answer")  # qa.answering.verify names them too


@dataclass(frozen=True)
class Citation:
    """An article that tells the same story as a hit (folded into it as "also in")."""

    doc_id: str
    passage_id: str
    title: str
    outlet: str
    date: str
    source: str


@dataclass(frozen=True)
class Hit:
    """One passage that may answer the question, with everything needed to cite and check it."""

    rank: int
    score: float
    doc_id: str
    passage_id: str
    title: str
    outlet: str
    date: str
    source: str
    text: str
    start: int  # offsets into the article text as loaded: article[start:end] == text
    end: int
    quote: str  # the sentence of the passage that best answers the question, verbatim
    quote_start: int
    quote_end: int
    place: str = ""
    also_in: tuple[Citation, ...] = field(default=())
    answer: str = ""  # the shortest span that answers, verbatim (the trained reader); "" when the passage does not answer
    answer_start: int = 0  # offsets into the article: article[answer_start:answer_end] == answer
    answer_end: int = 0
    reader_probability: float | None = None  # the reader's calibrated probability that this passage answers (None: not read)
    verdict: str = ""  # yes/no questions: "Tidak boleh", "Wajib" or "Boleh" when the answer clause states it; else ""
    page: int | None = None  # the 1-based PDF page the quote starts on; None for an unpaged source
    ocr: bool = False  # the page's text was read by OCR (a scan without a text layer)
    covers: tuple[str, ...] = ()  # a widened hit (fold): the other passages its text shows; () for its passage alone

    @property
    def part(self) -> str:
        """The passage number people see, from 1 (``1–3`` for a widened hit): :func:`qa.answering.cite.part_number`."""
        return cite.part_number(self.passage_id, self.covers)

    def citation(self) -> str:
        """``[1] Title — Outlet, date (source, hlm. 3)`` (``hlm. 3, OCR`` for a scan): the one citation format (:mod:`qa.answering.cite`)."""
        return cite.citation(self.title, self.outlet, self.date, rank=self.rank, source=self.source, page=self.page,
                             ocr=self.ocr)


@dataclass(frozen=True)
class Answer:
    """The result of :func:`qa.answering.ask.ask`, one of three outcomes (:mod:`qa.answering.verify`):

    - ``"answered"``: the articles state it, verified; the first hit's quote (and span, with the reader) answers;
    - ``"not_sure"``: the hits are the closest evidence, unverified, with no span and no verdict;
    - ``"no_answer"``: the question is off the articles' topic, or names what no article holds.

    ``answered`` is True only for the first. ``reason`` says in one line why an answer was not stated ("" when
    answered). An Answer made without an ``outcome`` takes ``answered`` or ``no_answer`` from ``answered``.
    """

    question: str
    answered: bool
    hits: list[Hit]
    confidence: float = 0.0
    reader: str = ""  # fingerprint of the reader that decided (weights and backend); "" when retrieval alone decided
    outcome: str = ""
    reason: str = ""
    asked: str = ""  # a follow-up as typed ("Kapan itu?") when ``question`` is what it was understood as; else ""

    def __post_init__(self) -> None:
        if not self.outcome:
            object.__setattr__(self, "outcome", "answered" if self.answered else "no_answer")
        if self.outcome not in OUTCOMES or self.answered != (self.outcome == "answered"):
            raise ValueError(f"outcome {self.outcome!r} with answered={self.answered}: the outcome is one of "
                             f"{', '.join(OUTCOMES)}, and answered is True exactly for 'answered'")

    @property
    def message(self) -> str:
        """What a turn says instead of an answer: :data:`NOT_SURE` or :data:`NO_ANSWER`; "" when answered."""
        return {"not_sure": NOT_SURE, "no_answer": NO_ANSWER}.get(self.outcome, "")

    def to_dict(self) -> dict:
        return {"question": self.question, "answered": self.answered, "outcome": self.outcome, "reason": self.reason,
                "confidence": round(self.confidence, 4), "reader": self.reader, "asked": self.asked, "hits": [asdict(hit) for hit in self.hits]}

    def format(self) -> str:
        """A readable answer: the reader's answer span (when there is one), the quote, then the articles cited,
        each once with the passages it gives (``[1] Title — Outlet, date · bagian 1, 3 (source)``)."""
        lines = [f"Dipahami sebagai: {self.question}"] if self.asked else []
        if self.answered and self.hits and self.hits[0].answer:
            verdict = f"{self.hits[0].verdict} — " if self.hits[0].verdict else ""
            lines.append(f"Jawaban: {verdict}{self.hits[0].answer}")
        if not self.answered:
            lines.append(self.message)
            if self.hits:
                lines.append("Bagian artikel yang paling dekat (belum terverifikasi):" if self.outcome == "not_sure"
                             else "Bagian artikel yang paling dekat:")
        if self.hits:
            lines.append(cite.quoted(self.hits[0].quote) if self.answered else "")
        for number, group in cite.by_article(self.hits):
            first = group[0]
            lines.append(cite.article_citation(first.title, first.outlet, first.date, [h.passage_id for h in group],
                                               rank=number, source=first.source, covers=[h.covers for h in group]))
            if not self.answered:
                lines += [f"  bagian {h.part}: {cite.quoted(h.quote)}" for h in group]
        return "\n".join(line for line in lines if line)


def add_distinct(hits: list[Hit], hit: Hit) -> list[Hit]:
    """Distinct ``hits`` (best first) with ``hit`` added at the end, or folded into the first it repeats (and a
    widened hit folding in any later one it now overlaps)."""
    home = next((n for n, kept in enumerate(hits) if same_hit(kept, hit)), None)
    if home is None:
        return hits + [hit]
    hits = list(hits)
    hits[home] = fold(hits[home], hit)
    while True:
        met = next((n for n in range(len(hits)) if n != home and same_hit(hits[home], hits[n])), None)
        if met is None:
            return hits
        first, later = min(home, met), max(home, met)
        hits[first] = fold(hits[first], hits.pop(later))
        home = first


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def same_hit(a: Hit, b: Hit) -> bool:
    """Whether two hits would show the reader the same thing: passages of one article that overlap, the same
    quote, or the same answer."""
    overlap = a.doc_id == b.doc_id and a.start < b.end and b.start < a.end
    return overlap or _same_text(a.quote, b.quote) or (bool(a.answer) and _same_text(a.answer, b.answer))


def fold(home: Hit, other: Hit) -> Hit:
    """``other`` folded into the better-ranked ``home``. A passage of the same article that overlaps widens
    ``home``'s text to both (so nothing either showed is lost); another article, and ``other``'s own "also in",
    join ``home``'s "also in", once each."""
    if other.doc_id == home.doc_id:
        if not (home.start < other.end and other.start < home.end):
            return home  # the same quote or answer elsewhere in the article: it is cited already
        text = (other.text[: max(0, home.start - other.start)] + home.text
                + other.text[len(other.text) - max(0, other.end - home.end):])
        covers = tuple(p for p in dict.fromkeys(home.covers + (other.passage_id,) + other.covers) if p != home.passage_id)
        home = replace(home, text=text, start=min(home.start, other.start), end=max(home.end, other.end), covers=covers)
    folded = list(home.also_in)
    extra = ((Citation(doc_id=other.doc_id, passage_id=other.passage_id, title=other.title, outlet=other.outlet,
                       date=other.date, source=other.source),) + other.also_in)
    for citation in extra:
        if citation.doc_id != home.doc_id and all(c.doc_id != citation.doc_id for c in folded):
            folded.append(citation)
    return replace(home, also_in=tuple(folded))
