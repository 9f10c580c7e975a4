"""One path's outcome on the real seed index: another sentence becomes the quote when the first holds nothing of
the kind asked for (qa/answering/outcome.py)."""

from __future__ import annotations


def test_a_venue_from_another_passage_of_the_first_article_is_quoted(real_engine):
    from qa.answering.ask import answer_with

    where = answer_with(real_engine, "penyuluhan hukum netralitas buat lurah & camat jaksel diadain dimana?")
    assert where.outcome == "answered" and "Ruang Gelatik I" in where.hits[0].quote
    assert where.hits[0].doc_id.startswith("001")  # the Jakarta Selatan article


def test_who_did_it_is_quoted_from_the_sentence_that_says_it_of_the_same_event(real_engine):
    from qa.answering.ask import answer_with

    initiated = answer_with(real_engine, "Siapa yang menginisiasi rapat koordinasi netralitas ASN di MG Setos Hotel Semarang?")
    assert initiated.outcome == "answered" and "diinisiasi oleh Badan Pengawas Pemilu" in initiated.hits[0].quote


def test_a_sentence_found_for_the_word_asked_must_be_about_the_question_s_event():
    from qa.answering.outcome import anchored
    from qa.answering.question import analyse

    asked = analyse("Siapa yang memimpin Ekspedisi Chitral?", {})
    assert not anchored(asked, "Pada 2 Maret 1906, Wood memerintahkan Kolonel Duncan memimpin pasukan.")
    assert anchored(asked, "Ekspedisi Chitral dipimpin oleh pemerintah Inggris.")
    event = analyse("Siapa yang menginisiasi rapat koordinasi di Semarang?", {})
    assert anchored(event, "Kegiatan yang diinisiasi oleh Bawaslu Provinsi Jawa Tengah tersebut dirangkaikan.")


def test_a_rule_on_the_asked_action_answers_a_yes_no_question_on_weak_retrieval_evidence(real_engine):
    from qa.answering.ask import answer_with

    directed = answer_with(real_engine, "pns boleh ga ngarahin warga buat milih parpol tertentu?", reader=False)
    assert directed.outcome == "answered" and "dilarang mengarahkan" in directed.hits[0].quote
    elsewhere = answer_with(real_engine, "asn boleh nyoblos gak di pilkada 2024?", reader=False)  # no rule on voting
    assert elsewhere.outcome != "answered"


def test_a_yes_no_rule_is_quoted_from_another_article_shown(real_engine):
    from qa.answering.ask import answer_with

    duty = answer_with(real_engine, "Apakah ASN wajib netral dalam pemilu?", reader=False)
    assert duty.outcome == "answered" and "ASN harus netral dalam pemilihan umum" in duty.hits[0].quote
    unruled = answer_with(real_engine, "Apakah ASN boleh ikut lomba memancing?", reader=False)  # no article rules on it
    assert unruled.outcome == "not_sure"
