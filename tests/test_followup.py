"""Follow-up questions resolved against the previous turn (qa/answering/followup.py), and answered with the same
checks: "Kalau ketua Bawaslu Kota Semarang?" after the provincial chair is never that chair."""

from __future__ import annotations

import pytest

from qa.answering.followup import bare, resolve, substitute
from qa.answering.results import Answer, Hit
from qa.errors import InputError

CHAIR = "Siapa Ketua Bawaslu Jawa Tengah?"
OPENED = "Siapa yang membuka penyuluhan hukum di Bangka Tengah?"


def _answer(question: str, quote: str) -> Answer:
    hit = Hit(rank=1, score=1.0, doc_id="d", passage_id="d#0", title="t", outlet="o", date="", source="d.txt",
              text=quote, start=0, end=len(quote), quote=quote, quote_start=0, quote_end=len(quote))
    return Answer(question=question, answered=True, hits=[hit])


@pytest.mark.parametrize("question, history, resolved", [
    ("Kalau ketua Bawaslu Kota Semarang?", [CHAIR], "Siapa ketua Bawaslu Kota Semarang?"),
    ("Kalau Jawa Barat?", [CHAIR], "Siapa Ketua Bawaslu Jawa Barat?"),
    ("Bagaimana dengan Kota Semarang?", [CHAIR], "Siapa Ketua Bawaslu Kota Semarang?"),
    ("kalo Bupati Bangka Tengah", [CHAIR], "Siapa Bupati Bangka Tengah?"),
    ("Kalau di Bangka Tengah?", ["Apa sanksi bagi ASN yang tidak netral?"],
     "Apa sanksi bagi ASN yang tidak netral di Bangka Tengah?"),  # nothing of its kind to replace: added
    ("Kalau di Semarang?", [OPENED], "Siapa yang membuka penyuluhan hukum di Semarang?"),
    ("Kapan itu?", [(OPENED, _answer(OPENED, "Penyuluhan dibuka langsung oleh Kepala Kantor Perwakilan Kemenkumham "
                                             "Babel, Harun Sulianto."))],
     "Kapan Harun Sulianto membuka penyuluhan hukum di Bangka Tengah?"),  # the event, with the previous answer's name
    ("Siapa yang menemaninya?", [(OPENED, _answer(OPENED, "Penyuluhan dibuka oleh Kepala Kantor, Harun Sulianto."))],
     "Siapa yang menemani Harun Sulianto?"),
    ("Apa yang dia katakan?", [CHAIR], "Apa yang Ketua Bawaslu Jawa Tengah katakan?"),  # no answer: the office asked
    ("Kapan itu?", [CHAIR, "Kalau ketua Bawaslu Kota Semarang?"], "Kapan ketua Bawaslu Kota Semarang?"),  # a chain
    # only question words: asked again of the previous question's event
    ("Kapan?", ["Di mana rapat koordinasi netralitas ASN digelar?"], "Kapan rapat koordinasi netralitas ASN digelar?"),
    ("terus jam berapa?", ["Seminar kebangsaan diadakan di mana?"], "Jam berapa Seminar kebangsaan diadakan?"),
    ("And when?", ["Where was the legal counseling in South Jakarta held?"],
     "When was the legal counseling in South Jakarta held?"),
    # the event named by "acara itu", "kegiatan tersebut", "acaranya", "that event", anywhere in the question
    ("Acara itu diadakan di mana?", ["Penyuluhan hukum di Jakarta Selatan bertema apa?"],
     "Penyuluhan hukum di Jakarta Selatan diadakan di mana?"),
    ("Acaranya di mana?", ["Seminar kebangsaan itu kapan?"], "Seminar kebangsaan di mana?"),
    ("Who was invited to that event?", ["When was the legal counseling in Bangka Tengah?"],
     "Who was invited to the legal counseling in Bangka Tengah?"),
    # "Kalau X-nya (siapa)?": the office X, of the previous question's place
    ("Kalau sekdanya?", ["Siapa Wakil Bupati Bangka Tengah?"], "Siapa sekda Bangka Tengah?"),
    ("Kalau wakil bupatinya siapa?", [OPENED], "Siapa wakil bupati Bangka Tengah?"),
    ("Kalau Pj Gubernurnya?", ["Siapa Kepala Bawaslu Jawa Tengah?"], "Siapa Pj Gubernur Jawa Tengah?"),
    ("And the governor of Bangka Belitung?", ["Who is the acting governor of Central Java?"],
     "Who is the governor of Bangka Belitung?"),
    ("what about the regional secretary?", ["Who opened the legal counseling in Bangka Tengah?"],
     "Who is the regional secretary of Bangka Tengah?"),  # an office asked of the previous question's place
    ("What about the deputy regent?", ["Who is the regent of Bangka Tengah?"],
     "Who is the deputy regent of Bangka Tengah?"),
    # a question word and a verb, after a question about an event
    ("Yang menginisiasi siapa?", ["Di mana deklarasi netralitas di Semarang dibacakan?"],
     "Siapa yang menginisiasi deklarasi netralitas di Semarang?"),
    # about the previous turn's person, longer than a bare follow-up: the office asked (or the answer's name)
    ("Apa katanya soal media sosial?", ["Siapa Wakil Bupati Bangka Tengah?"],
     "Apa kata Wakil Bupati Bangka Tengah soal media sosial?"),
    ("Menurut dia, contoh pelanggaran kecil ASN apa aja?", ["Siapa Sekda Jateng?"],
     "Menurut Sekda Jateng, contoh pelanggaran kecil ASN apa aja?"),
    ("What did he say about social media?", ["Who is the deputy regent of Bangka Tengah?"],
     "What did the deputy regent of Bangka Tengah say about social media?"),
    ("Dia dulunya menjabat apa?", ["Siapa Kepala Divisi Administrasi Kanwil Kemenkumham Jateng?"],
     "Kepala Divisi Administrasi Kanwil Kemenkumham Jateng dulunya menjabat apa?"),
    # the person the previous question names, not a name in its answer's quote
    ("When did he say the election would be held?",
     [("Who is Chabib Susanto?", _answer("Who is Chabib Susanto?", "Wakil Bupati Bateng, Era Susanto menyambut baik."))],
     "When did Chabib Susanto say the election would be held?"),
    # "Central Java" of an English question is a place, nobody's name: "he" is the office asked
    ("What did he say neutrality covers?", ["Who is the head of Bawaslu Central Java?"],
     "What did the head of Bawaslu Central Java say neutrality covers?"),
    # a -nya on a part of an event (narasumber, peserta, tema …) is the previous question's event, not its person
    ("Narasumbernya dari mana?", [("Siapa penggagas penyuluhan hukum di Bangka Tengah?", _answer(
        "Siapa penggagas penyuluhan hukum di Bangka Tengah?", "Selaku penggagas acara, Kepala Divisi Fajar, mengatakan."))],
     "Narasumber penyuluhan hukum di Bangka Tengah dari mana?"),
    ("Pesertanya siapa aja?", ["Kapan penyuluhan hukum di Jaksel diadakan?"], "Peserta penyuluhan hukum di Jaksel siapa aja?"),
    # what the person said, to whomever: a role in the question is the audience, not another person
    ("Apa imbauannya buat kepala desa?", ["Siapa Wakil Bupati Bangka Tengah?"],
     "Apa imbauan Wakil Bupati Bangka Tengah buat kepala desa?"),
    # English: the event of "it" without its auxiliary and verb
    ("Who initiated it?", ["Where was the neutrality declaration in Semarang held?"],
     "Who initiated the neutrality declaration in Semarang?"),
    # "dia ngomong apa soal X?": what the person said, the name never the first word (read as any capitalised word)
    ("Dia ngomong apa soal pelanggaran kecil?", ["Siapa Sekda Jateng?"], "Apa kata Sekda Jateng soal pelanggaran kecil?"),
    # an event referred to after a question that named none keeps its word: "rakornya" is a rakor of the office asked
    ("terus kapan rakornya?", ["Siapa Kepala Bawaslu Jateng?"], "Terus kapan rakor Kepala Bawaslu Jateng?"),
    # "terus …" asking who / when / where, naming no event and no place: asked of the previous question's event
    ("terus yang ngomong dari Kemenkumham siapa?", ["Penyuluhan hukum di Jaksel diikuti siapa aja?"],
     "Yang ngomong dari Kemenkumham siapa di penyuluhan hukum di Jaksel?"),
    # a misspelt place ("Jawa Tengab") or an organisation's name ("Kanwul Kemenkumham") is nobody's name
    ("Menurut dia, apa tugas ASN?", [("Siapa Sekda Jateng?", _answer("Siapa Sekda Jateng?", "SEMARANG – Sekretaris Daerah "
                                      "Provinsi Jawa Tengab, Sumarno kembali mengingatkan ASN."))],
     "Menurut Sumarno, apa tugas ASN?"),
])
def test_follow_ups_are_resolved_against_the_previous_turn(question, history, resolved):
    understood = resolve(question, history)
    assert understood.question == resolved and understood.followup and understood.asked == question


@pytest.mark.parametrize("question", [
    "Apa itu netralitas ASN?",  # "itu" inside a question of its own
    "Kalau ASN ikut kampanye, apa sanksinya?",  # a conditional question that asks for itself
    "Kalau boleh tahu, siapa ketua KPU?",
    "Siapa Sekda Jateng?",  # names its own office and place
    "Apakah ASN boleh ikut kampanye?",
    "Siapa yang hadir?",  # short, but refers to nothing
    "Kalau PNS?",  # names nothing the previous question could take: answered as typed
    "Bagaimana seharusnya ASN bersikap selama pilkada?",  # "-nya" words of the language, not a reference
    "Kapan Harun Sulianto membuka penyuluhan itu?",  # names a person: its own question
    "Menurut Sumarno, apa pesannya untuk ASN?",  # names its own person
    "Apa kata Ketua KPU soal kampanye?",  # its own office
    "Lalu apa sanksi bagi ASN yang melanggar?",  # "lalu", but asks what, of its own
    "Terus siapa Ketua Bawaslu Jawa Barat?",  # "terus", but names its own place
])
def test_questions_of_their_own_are_answered_as_typed(question):
    understood = resolve(question, [CHAIR])
    assert understood.question == question and not understood.followup


def test_no_history_no_follow_up_and_the_pieces_alone():
    assert resolve("Kapan itu?", []).question == "Kapan itu?" and not resolve("Kapan itu?").followup
    assert bare("Kapan itu?") and bare("Siapa yang menemaninya?") and not bare("Siapa Ketua Bawaslu?")
    assert substitute(CHAIR, "siapa ketua KPU") == ""  # asks something itself
    assert substitute(CHAIR, "yang datang") == ""  # names nothing


def test_bad_history_is_one_line_naming_it(real_engine):
    from qa.answering.ask import answer_with

    with pytest.raises(InputError, match="not a list"):
        answer_with(real_engine, "Kapan itu?", history=CHAIR)
    with pytest.raises(InputError, match="neither a question"):
        answer_with(real_engine, "Kapan itu?", history=[3])
    with pytest.raises(InputError, match="empty"):
        answer_with(real_engine, "Kapan itu?", history=[" "])


def test_the_city_chair_after_the_provincial_one_is_never_the_provincial_chair(real_engine):
    from qa.answering.ask import answer_with

    first = answer_with(real_engine, CHAIR, k=3, reader=False)
    assert first.answered and "Muhammad Amin" in first.hits[0].quote
    for history in ([CHAIR], [(CHAIR, first)]):
        follow = answer_with(real_engine, "Kalau ketua Bawaslu Kota Semarang?", k=3, reader=False, history=history)
        assert follow.question == "Siapa ketua Bawaslu Kota Semarang?"
        assert follow.asked == "Kalau ketua Bawaslu Kota Semarang?" and follow.to_dict()["asked"] == follow.asked
        assert follow.outcome in ("not_sure", "no_answer") and not any(h.answer for h in follow.hits)
        assert follow.format().startswith("Dipahami sebagai: Siapa ketua Bawaslu Kota Semarang?")
    typed = answer_with(real_engine, "Siapa ketua Bawaslu Kota Semarang?", k=3, reader=False)
    assert typed.outcome != "answered" and typed.asked == ""  # asked directly: the same verification


def test_a_bare_follow_up_takes_the_previous_answers_name(real_engine):
    from qa.answering.ask import answer_with

    when = answer_with(real_engine, "Kapan itu?", k=3, reader=False, history=[OPENED])
    assert when.question == "Kapan Harun Sulianto membuka penyuluhan hukum di Bangka Tengah?"
    alone = answer_with(real_engine, "Kapan itu?", k=3, reader=False)
    assert alone.question == "Kapan itu?" and alone.outcome == "no_answer"
