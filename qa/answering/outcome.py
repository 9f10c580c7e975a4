"""The outcome of one path's answer (:mod:`qa.answering.verify`): answered, not sure or no answer, and why.

When the first quote fails for a reason another sentence may not have (it holds nothing of the kind asked for, asks
the question again, says nothing of what the speaker was asked about, or, for who did it, lacks the word the question
turns on), another sentence of the first passages that passes every check becomes the quote (:func:`requote`). Two
kinds are answered on weak retrieval evidence when their own check passes: what a speaker said about a topic, and a
yes/no question whose quote states a rule on the asked action."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answering import lexicon, verdict, verify
from qa.answering.question import YEAR, Analysis
from qa.answering.question_type import YESNO
from qa.answering.quote import best_sentence, sentence_tokens, widened
from qa.answering.results import Hit
from qa.corpus.articles import Article
from qa.index.engine import Engine


def settle(engine: Engine, asked: Analysis, hits: list[Hit], on_topic: bool, read: bool,
          near: bool = False) -> tuple[str, str]:
    """The outcome (:mod:`qa.answering.verify`) and, unless answered, why: off topic or a constraint no passage holds
    gives no answer; weak evidence ``near`` the question (:data:`qa.answering.decide.RESCUE_SHARE` of the threshold)
    and an answer the checks do not verify (or that the reader did not find) give not sure, except as the module
    says. ``hits`` is changed in place when another sentence becomes the quote (its hit first)."""
    missing = verify.absent(asked, engine.index.lexical.idf())
    if missing is not None and hits:
        return verify.NO_ANSWER, f"no article mentions {missing.text}"
    if not hits or not on_topic:
        if read and hits and hits[0].answer:
            weak = verify.NOT_SURE, "the reader marked a span, but the retrieval evidence is weak"
        elif near:
            weak = verify.NOT_SURE, "the retrieval evidence is weak: the closest passages, unverified"
        else:
            weak = verify.NO_ANSWER, "the articles are not about this question"
        # what a speaker said about a topic ("Apa kata Era soal media sosial?") meets the articles at a low score, and
        # is checked word by word instead: the topic in the quote, the speaker named beside it
        if asked.topic and hits and requote(engine, asked, hits, False):
            return verify.ANSWERED, ""
        if near and hits and not read and _rules_on_action(engine, asked, hits[0]):
            return verify.ANSWERED, ""
        return weak
    first = hits[0]
    if read and not first.answer:
        return verify.NOT_SURE, "the reader found no answer in the closest passages"
    article = engine.index.articles[first.doc_id]
    context = _context(article)
    reason = verify.check(asked, first.quote, context, first.answer, _around(asked, article.text, first))
    if requotable(reason, asked) and not first.answer and requote(
            engine, asked, hits, True, on_event=reason.startswith(verify.OFF_FOCUS)):
        return verify.ANSWERED, ""
    return (verify.NOT_SURE, reason) if reason else (verify.ANSWERED, "")


def _rules_on_action(engine: Engine, asked: Analysis, hit: Hit) -> bool:
    """Whether, on weak retrieval evidence, a yes/no question is still answered: the quote states a rule ("dilarang",
    "wajib", "boleh") on the asked action itself and passes every check ("pns boleh ga ngarahin warga buat milih
    parpol?" meets "… dilarang mengarahkan masyarakat umum untuk memilih … parpol tertentu" at a low score)."""
    if asked.kind != YESNO or not asked.action:
        return False
    article = engine.index.articles[hit.doc_id]
    context = _context(article)
    return bool(verdict.stated_verdict(asked, hit.quote, 0, len(hit.quote))) and not verify.check(
        asked, hit.quote, context, "", hit.text)


def requote(engine: Engine, asked: Analysis, hits: list[Hit], first_checked: bool, on_event: bool = False) -> bool:
    """Whether another sentence passes every check: one of the first two passages' or of another passage shown from
    the first one's article (for what a speaker said about a topic, any passage of the articles shown); ``on_event``
    (the quote lacked the word the question turns on): a sentence that names what the question names or refers
    back to the event (:func:`anchored`). Then it is the quote and its hit comes first (``hits``
    changed in place)."""
    for n, hit in _tried(engine, asked, hits):
        article = engine.index.articles[hit.doc_id]
        context = _context(article)
        own = [(hit.quote_start, hit.quote_end)] * (n > 0 or not first_checked or hit.passage_id != hits[n].passage_id)
        for start, end in own + other_quotes(engine, asked, hit):
            moved = replace(hit, quote=article.text[start:end], quote_start=start, quote_end=end, page=article.page(start),
                            ocr=article.ocr(start), text=article.text[hit.start:max(end, hit.end)], end=max(end, hit.end))
            if not start <= moved.answer_start < moved.answer_end <= end:  # the reader's span is in another sentence
                moved = replace(moved, answer="", answer_start=0, answer_end=0, verdict="")
            if on_event and not anchored(asked, moved.quote):
                continue
            if asked.kind == YESNO and not verdict.rule_on_action(asked, moved.quote):
                continue  # a yes/no answer found elsewhere is a rule on the asked action ("ASN *harus* netral …")
            if not verify.check(asked, moved.quote, context, "", _around(asked, article.text, moved)):
                hits[:] = [replace(h, rank=r) for r, h in enumerate([moved] + hits[:n] + hits[n + 1:], start=1)]
                return True
    return False


def _tried(engine: Engine, asked: Analysis, hits: list[Hit]) -> list[tuple[int, Hit]]:
    """The hits whose passages :func:`requote` tries, each with its place in ``hits``: the first two and those of the
    first one's article (tried on the dev sets, the third hit from another article states more wrong answers: it is
    another story); for a yes/no question, every hit (its new quote must state a rule on the asked action); for what
    a speaker said about a topic, every passage of each article shown (its best sentence as the quote)."""
    if asked.kind == YESNO:  # a rule on the asked action (requote): from any article shown
        return list(enumerate(hits))
    if not asked.topic:
        same = [(n, hit) for n, hit in enumerate(hits) if hit.doc_id == hits[0].doc_id]  # the first story, then
        return same + [(n, hit) for n, hit in enumerate(hits[:2]) if hit.doc_id != hits[0].doc_id]  # the second hit
    tried, seen = [], set()
    for n, hit in enumerate(hits):
        doc = hit.passage_id.rpartition("#")[0]
        if doc in seen:
            continue
        seen.add(doc)
        text = engine.index.articles[hit.doc_id].text
        m = 0
        while (passage := engine.index.passage(f"{doc}#{m}")) is not None:
            start, end = best_sentence(asked.terms, text, passage.sentences)
            tried.append((n, replace(hit, passage_id=passage.passage_id, start=passage.start, end=passage.end,
                                     text=passage.text, quote_start=start, quote_end=end)))
            m += 1
    return tried


def _context(article: Article) -> str:
    """An article as the checks read it for context: its title, date and text (:func:`qa.answering.verify.check`)."""
    return f"{article.title}\n{article.date}\n{article.text}"


SPEAKER_REACH = 400  # characters before a quote where its speaker may be named ("Era mengatakan … “…,” tegasnya.")


def _around(asked: Analysis, text: str, hit: Hit) -> str:
    """The text the checks take as the quote's passage: the hit's passage; for what a speaker said, the quote and the
    :data:`SPEAKER_REACH` characters before it."""
    return text[max(0, hit.quote_start - SPEAKER_REACH):hit.quote_end] if asked.topic else hit.text


OTHER_QUOTES = 3  # sentences of a passage tried, best first, when the first quote holds nothing of the kind asked for


def other_quotes(engine: Engine, asked: Analysis, hit: Hit) -> list[tuple[int, int]]:
    """The hit's passage's best sentences but its quote, widened as quotes are (for what a speaker said about a topic,
    those that hold the topic's words, best first)."""
    text = engine.index.articles[hit.doc_id].text
    own = engine.index.passage(hit.passage_id).sentences
    if asked.topic:
        own = tuple(span for span in own if set(sentence_tokens(text[span[0]:span[1]])) & {w for f in asked.topic for w in f})
    ranked = sorted(own, key=lambda span: -asked.terms.score(text[span[0]:span[1]]))
    return [widened(asked.kind, text, sentences_on(engine, hit.passage_id), span) for span in ranked[:OTHER_QUOTES + 1]
            if span != (hit.quote_start, hit.quote_end)][:OTHER_QUOTES]


def sentences_on(engine: Engine, passage_id: str) -> tuple[tuple[int, int], ...]:
    """The passage's sentences and those of the next passage of its article after it: a quote may go on there."""
    passage = engine.index.passage(passage_id)
    doc, _, n = passage_id.rpartition("#")
    after = engine.index.passage(f"{doc}#{int(n) + 1}") if n.isdigit() else None
    return passage.sentences + tuple(s for s in (after.sentences if after else ()) if s[0] >= passage.end)


def requotable(reason: str, analysis: Analysis) -> bool:
    """Whether a quote failed for a reason another sentence may not have: it holds nothing of the kind asked for, asks
    the question again, says nothing of what the speaker was asked about, is not about a yes/no question's action
    (another sentence is taken only when it states a rule on it: :func:`requote`), or (for a party asked for: "Pihak
    mana … yang dilibatkan?") does not say what the question turns on. (Tried for every question on the dev sets, the last
    states more wrong answers: a focus word alone is weak evidence.)"""
    return reason.startswith((verify.UNFIT, verify.UNSAID, verify.RESTATES)) or (
        analysis.party and reason.startswith(verify.OFF_FOCUS)) or reason == verify.NOT_ABOUT


_BACK = re.compile(r"\b(?:kegiatan|acara|rakor|rapat|penyuluhan|deklarasi|seminar|pertemuan|sosialisasi)\s+(?:ini|itu|"
                   r"tersebut)\b|\b(?:kegiatan|acara)\s+yang\b[^.]*\btersebut\b", re.IGNORECASE)


def anchored(analysis: Analysis, sentence: str) -> bool:
    """Whether ``sentence`` names something the question names (an office, organisation, place or person) or refers
    back to the event ("Kegiatan ini …", "Kegiatan yang … tersebut"): a sentence found for the word the question turns
    on ("diinisiasi") must be about the question's event, not another ("Wood memerintahkan …" for "Siapa yang
    memimpin Ekspedisi Chitral?")."""
    said = lexicon.words(sentence)
    return bool(_BACK.search(sentence)) or any(lexicon.nearly_contains(said, form) for c in analysis.constraints
                                               if c.kind != YEAR for form in c.forms)
