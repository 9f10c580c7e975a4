"""What someone said about a topic: the question's topic, a quote's speaker named beside it, an office's holder."""

from __future__ import annotations

import pytest

from qa.answering import said, verdict, verify
from qa.answering.question import analyse

ARTICLE = ("Turut hadir Era Susanto selaku Wakil Bupati (Wabup) Bangka Tengah. "
           "Era mengatakan bagi ASN yang tidak menjaga netralitas akan menimbulkan konflik kepentingan.\n"
           "“Sebagai ASN yang profesional, saya ingatkan untuk berhati-hati dalam menggunakan media sosial,” tegasnya.\n"
           "Narasumber penyuluhan berasal dari Bawaslu Bangka Tengah dan membahas media sosial.")
QUOTE = "“Sebagai ASN yang profesional, saya ingatkan untuk berhati-hati dalam menggunakan media sosial,” tegasnya."


def check(question: str, sentence: str, article: str = ARTICLE) -> str:
    around = article[max(0, article.find(sentence) - 400):article.find(sentence) + len(sentence)]
    return verify.check(analyse(question, {}), sentence, article, "", around)


@pytest.mark.parametrize("question, topic", [
    ("Apa kata Era Susanto soal media sosial?", "sosial"),
    ("Apa pesannya soal medsos?", "medsos"),
    ("Dia bilang apa tentang kampanye?", "kampanye"),
    ("What did she say about the campaign?", "kampanye"),
    ("When did Chabib Susanto say the election would be held?", "election"),  # the clause said
    ("Apa imbauan Era Susanto buat kepala desa?", "desa"),  # said to them
])
def test_the_topic_of_what_was_said_is_read_from_the_question(question, topic):
    assert any(topic in forms for forms in said.topic_of(question))


@pytest.mark.parametrize("question", ["Apa sanksi bagi ASN?", "Apa saja yang dibahas soal netralitas?",
                                      "Siapa Wakil Bupati Bangka Tengah?",
                                      "What did he say neutrality covers?"])  # the clause alone checks too little
def test_other_questions_ask_for_no_topic(question):
    assert said.topic_of(question) == ()


@pytest.mark.parametrize("question", [
    "Apa kata Era Susanto soal media sosial?",  # the speaker by name, in the sentence before the quote
    "apa pesan wabup bateng soal medsos?",  # by office: its holder is named beside it in the article
    "What did the deputy regent of Bangka Tengah say about social media?",
])
def test_a_quote_on_the_topic_beside_its_speaker_is_answered(question):
    assert check(question, QUOTE) == ""


def test_what_was_said_must_be_on_the_topic_be_a_quote_and_be_the_speaker_s():
    assert check("Apa kata Era Susanto soal kampanye?", QUOTE).startswith(verify.UNSAID)  # another topic
    far = "Sekda Sumarno membuka acara." + " Acara berlangsung tertib dan lancar." * 14 + "\n" + ARTICLE
    assert check("Apa kata Sumarno soal media sosial?", QUOTE, far).startswith(verify.UNSAID)  # named, but far before
    narasumber = "Narasumber penyuluhan berasal dari Bawaslu Bangka Tengah dan membahas media sosial."
    assert check("Apa kata Bawaslu soal media sosial?", narasumber).startswith(verify.UNSAID)  # quotes nobody
    assert check("Dia bilang apa soal media sosial?", QUOTE).startswith(verify.UNSAID)  # "dia" unresolved: whose words?


def test_an_office_s_holder_is_the_name_beside_it():
    assert {"era", "susanto"} <= said.holders(("wakil", "bupati"), (), ARTICLE)
    assert said.holders(("bupati",), (), "Kantor Bupati Bateng menjadi tempat acara.") == set()
    chairs = "Ketua KPU Jateng Budi Santoso hadir. Ketua Bawaslu Jateng Muhammad Amin membuka acara."
    bawaslu = ("badan", "pengawas", "pemilihan", "umum")
    assert "amin" in said.holders(("ketua",), bawaslu, chairs) and "budi" not in said.holders(("ketua",), bawaslu, chairs)


def test_not_only_is_no_negation_and_a_theme_in_quotes_is_nobody_s_words():
    asked = analyse("Apakah ASN harus netral?", {})
    clause = "ASN harus tidak hanya netral, tetapi juga profesional."
    assert verdict.stated_verdict(asked, clause, 0, len(clause)) == "Wajib"  # not "Tidak boleh"
    theme = "Penyuluhan bertema “Bijak di Media Sosial” diikuti seratus ASN di Bangka Tengah."
    assert check("Apa kata Era Susanto soal media sosial?", theme, ARTICLE + "\n" + theme).startswith(verify.UNSAID)
    other = "Ketua KPU Budi mengatakan, “Hati-hati di media sosial selama kampanye,” di depan Bawaslu."
    assert check("Apa kata Ketua Bawaslu soal media sosial?", other, other).startswith(verify.UNSAID)  # KPU's chair


def test_the_topic_is_what_follows_soal_not_the_audience_and_not_the_civil_servants():
    assert said.topic_of("Apa pesan Bupati untuk ASN soal netralitas?") == (("netralitas",),)
    assert said.topic_of("Apa pesan Nana Sudjana ke ASN?") == ()


def test_who_speaks_is_answered_by_any_words_said():
    asked = "Siapa yang ngomong dari Kemenkumham di penyuluhan hukum?"
    article = "Penyuluhan hukum digelar Kemenkumham DKI Jakarta, Rabu (31/1)."
    spoke = "Penyuluh Hukum Kemenkumham DKI Jakarta, Chabib Susanto menambahkan, penyuluhan hukum digelar serentak."
    listed = "Penyuluhan hukum Kemenkumham diikuti Chabib Susanto dan para lurah."
    assert check(asked, spoke, article + "\n" + spoke) == ""
    assert check(asked, listed, article + "\n" + listed) != ""  # a name, but no words said


def test_what_a_speaker_said_is_quoted_from_the_seed_articles(real_engine):
    from qa.answering.ask import answer_with

    said_by_era = answer_with(real_engine, "Apa katanya soal media sosial?", history=["Siapa Wakil Bupati Bangka Tengah?"])
    assert said_by_era.outcome == "answered" and "media sosial" in said_by_era.hits[0].quote
    assert said_by_era.hits[0].doc_id.startswith("003")  # the Bangka Tengah article, where Era said it
    english = answer_with(real_engine, "What did the deputy regent of Bangka Tengah say about social media?")
    assert english.outcome == "answered" and "media sosial" in english.hits[0].quote
    nobody = answer_with(real_engine, "Apa kata Sumarno soal media sosial?")  # Sumarno said nothing about it
    assert nobody.outcome != "answered" and not any(h.answer for h in nobody.hits)


def test_a_quote_that_asks_the_question_again_gives_way_to_one_that_answers(real_engine):
    from qa.answering.ask import answer_with

    examples = answer_with(real_engine, "contoh pelanggaran kecil netralitas asn apa aja sih?")
    assert examples.outcome == "answered" and "foto bareng" in examples.hits[0].quote
