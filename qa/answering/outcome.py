"""The outcome of one path's answer (:mod:`qa.answering.verify`): answered, not sure or no answer, and why; when the
first quote holds nothing of the kind asked for, another sentence of the first passages that passes every check
becomes the quote."""

from __future__ import annotations

from dataclasses import replace

from qa.answering import verify
from qa.answering.question import Analysis
from qa.answering.quote import widened
from qa.answering.results import Hit
from qa.index.engine import Engine


def settle(engine: Engine, asked: Analysis, hits: list[Hit], on_topic: bool, read: bool,
          near: bool = False) -> tuple[str, str]:
    """The outcome (:mod:`qa.answering.verify`) and, unless answered, why: off topic or a constraint no passage holds
    gives no answer; weak evidence ``near`` the question (:data:`qa.answering.decide.RESCUE_SHARE` of the threshold)
    and an answer the checks do not verify (or that the reader did not find) give not sure."""
    missing = verify.absent(asked, engine.index.lexical.idf())
    if missing is not None and hits:
        return verify.NO_ANSWER, f"no article mentions {missing.text}"
    if not hits or not on_topic:
        if read and hits and hits[0].answer:
            return verify.NOT_SURE, "the reader marked a span, but the retrieval evidence is weak"
        if near:
            return verify.NOT_SURE, "the retrieval evidence is weak: the closest passages, unverified"
        return verify.NO_ANSWER, "the articles are not about this question"
    first = hits[0]
    if read and not first.answer:
        return verify.NOT_SURE, "the reader found no answer in the closest passages"
    article = engine.index.articles[first.doc_id]
    context = f"{article.title}\n{article.date}\n{article.text}"
    reason = verify.check(asked, first.quote, context, first.answer, first.text)
    if reason.startswith(verify.UNFIT) and not first.answer:
        # the quote holds nothing of the kind asked for (no name, date, place): another sentence of the first two
        # passages may, and then it is the quote (its hit first), if it passes every check
        for n, hit in enumerate(hits[:2]):
            article = engine.index.articles[hit.doc_id]
            context = f"{article.title}\n{article.date}\n{article.text}"
            for start, end in [(hit.quote_start, hit.quote_end)] * (n > 0) + other_quotes(engine, asked, hit):
                if not verify.check(asked, article.text[start:end], context, "", hit.text):
                    hits[n] = replace(hit, quote=article.text[start:end], quote_start=start, quote_end=end,
                                      page=article.page(start), ocr=article.ocr(start), text=article.text[hit.start:max(end, hit.end)],
                                      end=max(end, hit.end))
                    hits[:] = [replace(h, rank=r) for r, h in enumerate([hits[n]] + hits[:n] + hits[n + 1:], start=1)]
                    return verify.ANSWERED, ""
    return (verify.NOT_SURE, reason) if reason else (verify.ANSWERED, "")


OTHER_QUOTES = 3  # sentences of a passage tried, best first, when the first quote holds nothing of the kind asked for


def other_quotes(engine: Engine, asked: Analysis, hit: Hit) -> list[tuple[int, int]]:
    """The hit's passage's best sentences but its quote, widened as quotes are."""
    text = engine.index.articles[hit.doc_id].text
    own = engine.index.passage(hit.passage_id).sentences
    ranked = sorted(own, key=lambda span: -asked.terms.score(text[span[0]:span[1]]))
    return [widened(asked.kind, text, sentences_on(engine, hit.passage_id), span) for span in ranked[:OTHER_QUOTES + 1]
            if span != (hit.quote_start, hit.quote_end)][:OTHER_QUOTES]


def sentences_on(engine: Engine, passage_id: str) -> tuple[tuple[int, int], ...]:
    """The passage's sentences and those of the next passage of its article after it: a quote may go on there."""
    passage = engine.index.passage(passage_id)
    doc, _, n = passage_id.rpartition("#")
    after = engine.index.passage(f"{doc}#{int(n) + 1}") if n.isdigit() else None
    return passage.sentences + tuple(s for s in (after.sentences if after else ()) if s[0] >= passage.end)
