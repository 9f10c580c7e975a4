"""One path's outcome on the real seed index: another sentence becomes the quote when the first holds nothing of
the kind asked for (qa/answering/outcome.py)."""

from __future__ import annotations


def test_a_venue_from_another_passage_of_the_first_article_is_quoted(real_engine):
    from qa.answering.ask import answer_with

    where = answer_with(real_engine, "penyuluhan hukum netralitas buat lurah & camat jaksel diadain dimana?")
    assert where.outcome == "answered" and "Ruang Gelatik I" in where.hits[0].quote
    assert where.hits[0].doc_id.startswith("001")  # the Jakarta Selatan article
