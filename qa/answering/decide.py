"""Which answer is stated when the reader is on: retrieval states, the reader checks it and fills in.

Two answers to one question come in, both verified (:mod:`qa.answering.verify`): ``plain``, retrieval's (the first
passage in retrieval order, its best sentence as the quote), and ``read``, the reader's (its span, the passages in
the order of its score). The stated one is

1. retrieval's, when it is answered and the reader does not read its passage as holding no answer: the reader's
   probability that the passage answers is at least :func:`veto_for` the question's kind (or it was not read);
   unless the reader's answer (verified) comes from that same passage but from outside retrieval's quote
   (:func:`corrects`): retrieval quoted the wrong sentence of the right passage, and the reader's is stated;
2. else the reader's, when it is answered (its span fits and passes the checks);
3. else nothing: *not sure* when retrieval's answer was vetoed or either answer was not sure, with the evidence;
   otherwise *no answer*.

Measured on the seed questions and the FacQA and IDK-MRC dev sets in one run (``bench/selective.py``, README
"Which path users get"): this states more right answers than retrieval alone and fewer wrong ones, where the
reader's own decision alone states fewer right ones.
"""

from __future__ import annotations

from dataclasses import replace

from qa.answering.question_type import COUNT, WHEN, WHO, YESNO
from qa.answering.results import Answer
from qa.answering.verify import ANSWERED, NO_ANSWER, NOT_SURE

# The reader's probability below which it vetoes retrieval's answer (other kinds, reasons): it reads the passage as
# holding no answer with ≥ 92% certainty. Tuned on the dev sets (bench/selective.py): from 0.05 to 0.08 no set loses a right answer, and
# IDK-MRC dev's wrong answers fall by a tenth or more; above 0.1 the seed questions lose right answers.
VETO = 0.08
# For the kinds the reader was trained on (a person's or a thing's name, a number, a place, a date), for yes/no and
# for reasons, its "no answer" reading is surer, and it vetoes up to a higher probability. Measured in one run each
# (bench/selective.py, per-question dumps, 2026-12-03): no set loses a right answer at these values; raising the
# date's, the place's, the name's or the other kinds' veto further loses right ones.
VETO_BY_KIND = {WHO: 0.3, "name": 0.2, COUNT: 0.3, "place": 0.2, WHEN: 0.12, YESNO: 0.4, "reason": 0.4,
                "said": 0.0}
# What someone said about a topic ("Apa pesan Wabup soal medsos?") is a clause the reader was not trained to mark, and
# its quote is checked word by word (qa.answering.said: the topic in a quotation, the speaker named beside it): the
# reader does not veto it.


def veto_for(kind: str) -> float:
    """The reader's probability below which it vetoes retrieval's answer to a question of this ``kind``
    (:attr:`qa.answering.question.Analysis.decided_as`)."""
    return VETO_BY_KIND.get(kind, VETO)


# Weak retrieval evidence (at least RESCUE_SHARE of its threshold, not all of it) still goes to the checks when the
# reader reads a passage as answering with probability ≥ RESCUE: informal questions ("asn boleh dukung calon gak?")
# meet the articles at a lower cosine. Measured in one run (bench/selective.py): 3 more right answers on the seed
# questions, the same on FacQA and IDK-MRC dev, no more wrong ones; at 0.3 FacQA states one more wrong answer.
RESCUE, RESCUE_SHARE = 0.4, 0.6


def near(retrieved: float, threshold: float) -> bool:
    """Whether the retrieval evidence ``retrieved`` (0..1) reaches :data:`RESCUE_SHARE` of ``threshold`` (the
    abstention calibration's): weak evidence, but not off topic."""
    return retrieved >= RESCUE_SHARE * threshold


def on_topic(retrieved: float, threshold: float, probabilities: dict[str, float]) -> bool:
    """Whether the articles are about the question: the retrieval evidence ``retrieved`` (0..1) reaches
    ``threshold``, or is :func:`near` it while the reader reads one of the passages it read (``passage_id`` →
    probability 0..1; none without a reader) as answering (≥ :data:`RESCUE`)."""
    if retrieved >= threshold:
        return True
    return near(retrieved, threshold) and max(probabilities.values(), default=0.0) >= RESCUE


def retrieval_stands(plain: Answer, probabilities: dict[str, float], kind: str = "other") -> bool:
    """Whether retrieval's answer is stated: it is answered, and the reader's probability for its first passage
    (``passage_id`` → 0..1, from ``probabilities``) is at least :func:`veto_for` the question's ``kind``, or that
    passage was not read."""
    probability = probabilities.get(plain.hits[0].passage_id) if plain.hits else None
    return plain.outcome == ANSWERED and (probability is None or probability >= veto_for(kind))


# Kinds whose answer is a clause, not a name, a number, a place or a date: the reader's span does not correct
# retrieval's quote there ("Mengapa …?" is answered by the sentence that gives the reason).
CLAUSES = (YESNO, "reason")


def elsewhere(plain: Answer, span: tuple[int, int] | None, kind: str = "other") -> bool:
    """Whether the reader's ``span`` in retrieval's first passage (article character offsets; None when it marked
    none) lies outside retrieval's quote, for a question of this ``kind`` (not one of :data:`CLAUSES`): only then
    can the reader's answer :func:`correct <corrects>` it."""
    if kind in CLAUSES or span is None or not plain.hits or span[1] <= span[0]:
        return False
    first = plain.hits[0]
    return not (first.quote_start <= span[0] and span[1] <= first.quote_end)


def corrects(plain: Answer, read: Answer, kind: str = "other") -> bool:
    """Whether the reader's ``read`` answer (verified) replaces retrieval's standing ``plain`` one: both come from
    the same passage, and the reader's span lies outside retrieval's quote. Measured on the dev sets
    (bench/selective.py, 2026-12-03): in 43 such answers retrieval's quote held the answer 3 times, the reader's span
    40 times; where the two passages differ, retrieval's was as often right as the reader's, so it stands."""
    if read.outcome != ANSWERED or not read.hits or not plain.hits:
        return False
    ours = read.hits[0]
    return ours.passage_id == plain.hits[0].passage_id and elsewhere(plain, (ours.answer_start, ours.answer_end), kind)


def stated_by_retrieval(plain: Answer, probabilities: dict[str, float], reader: str) -> Answer:
    """Retrieval's ``plain`` answer with the reader's probability on each hit it read and its fingerprint."""
    hits = [replace(hit, reader_probability=probabilities.get(hit.passage_id)) for hit in plain.hits]
    return replace(plain, hits=hits, reader=reader)


def checked_by_reader(plain: Answer, read: Answer, probabilities: dict[str, float], kind: str = "other") -> Answer:
    """The stated answer from retrieval's ``plain`` and the reader's ``read`` (both for the same question, the same
    ``k``), given the reader's probability for each passage it read (``passage_id`` → 0..1)."""
    stated = stated_by_retrieval(plain, probabilities, read.reader)
    if retrieval_stands(plain, probabilities, kind):
        return read if corrects(plain, read, kind) else stated
    if read.outcome == ANSWERED:
        return read
    if plain.outcome == ANSWERED:  # vetoed: its first passage was read
        return replace(stated, answered=False, outcome=NOT_SURE,
                       reason=f"the reader reads the closest passage as holding no answer (probability "
                              f"{stated.hits[0].reader_probability:.2f} < {veto_for(kind)})")
    if read.outcome == NOT_SURE and plain.outcome == NO_ANSWER:
        return read
    return stated
