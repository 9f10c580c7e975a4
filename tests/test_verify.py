"""Verification before an answer is stated (qa/answering/verify.py): each constraint kind, with counter-examples
that must still be answered. Pure functions over strings: no model, no index."""

from __future__ import annotations

import pytest

from qa.answering import verdict, verify
from qa.answering.question import analyse
from qa.answering.results import Answer
from qa.index.lexical import tokenize

JATENG = ("Ketua Bawaslu Jateng Muhammad Amin mengatakan salah satu tantangan yang berpotensi muncul selama tahapan "
          "Pilkada adalah netralitas ASN.")
ARTICLE = "Rapat koordinasi Bawaslu Provinsi Jawa Tengah di Semarang, Kamis (26/9/2024).\n" + JATENG


def check(question: str, sentence: str, article: str = ARTICLE, span: str = "") -> str:
    return verify.check(analyse(question, {}), sentence, article, span)


@pytest.mark.parametrize("question", [
    "Siapa Ketua Bawaslu Jawa Tengah?",
    "siapa ketua bawaslu jateng?",  # informal, short forms
    "Who is the chairman of Bawaslu Central Java?",  # English
])
def test_the_office_its_organisation_and_place_in_the_sentence_are_answered(question):
    assert check(question, JATENG) == ""
    assert check(question, JATENG, span="Muhammad Amin") == ""


def test_another_places_official_is_not_stated():
    assert "bangka tengah" in check("Siapa Ketua Bawaslu Bangka Tengah?", JATENG)  # not in the article
    other = "Ketua Bawaslu Jawa Tengah Muhammad Amin hadir. Rakor Bawaslu Jawa Timur digelar pekan lalu."
    assert "jawa tengah" in check("Siapa Ketua Bawaslu Jawa Timur?", JATENG, article=other)  # in the article only


def test_a_neighbouring_role_is_not_the_one_asked_for():
    wabup = "Turut hadir Era Susanto selaku Wakil Bupati (Wabup) Bangka Tengah didampingi Sekda Bateng Sugianto."
    assert "wakil" in check("Siapa Bupati Bangka Tengah?", wabup, article=wabup)
    assert check("Siapa Wakil Bupati Bangka Tengah?", wabup, article=wabup) == ""  # counter-example
    assert check("siapa wabup bateng?", wabup, article=wabup, span="Era Susanto") == ""
    assert check("Siapa Anggota Bawaslu Jawa Tengah?", JATENG) != ""  # Ketua is not anggota


def test_whoever_stands_in_for_the_office_is_not_its_holder():
    stood_in = ("Kepala Kantor Wilayah Kemenkumham Jawa Tengah yang diwakili Kepala Divisi Administrasi Anton "
                "Wardhana membuka acara.")
    assert check("Siapa Kepala Kanwil Kemenkumham Jawa Tengah?", stood_in, article=stood_in) != ""
    before = "Anton Wardhana, mewakili Kepala Kanwil Kemenkumham Jawa Tengah, membuka acara."
    assert check("Siapa Kepala Kanwil Kemenkumham Jawa Tengah?", before, article=before) != ""
    asked = "Siapa Kepala Divisi Administrasi Kanwil Kemenkumham Jawa Tengah?"  # counter-examples: the stand-in's
    assert check(asked, stood_in, article=stood_in) == ""  # own office, asked for; an office called "Perwakilan"
    office = "Penyuluhan dibuka oleh Kepala Kantor Perwakilan Kemenkumham Babel, Harun Sulianto."
    assert check("Siapa Kepala Kantor Perwakilan Kemenkumham Babel?", office, article=office) == ""
    holder = "Kepala Kanwil Kemenkumham Jawa Tengah Tejo Harwanto membuka acara."
    assert check("Siapa Kepala Kanwil Kemenkumham Jawa Tengah?", holder, article=holder) == ""


def test_a_place_of_the_kind_asked_must_be_named():
    vague = "Sekda mencontohkan operasi tangkap tangan kepala daerah oleh KPK di salah satu kabupaten di Jateng."
    assert "kabupaten" in check("Kabupaten mana yang kepala daerahnya terkena OTT KPK?", vague, article=vague)
    named = "Sekda mencontohkan operasi tangkap tangan kepala daerah oleh KPK di Kabupaten Pemalang."
    assert check("Kabupaten mana yang kepala daerahnya terkena OTT KPK?", named, article=named) == ""
    hotel = "Rakor Bawaslu Jawa Tengah digelar di Hotel Grand Candi Semarang, Kamis (26/9/2024)."
    assert check("Rakor Bawaslu Jawa Tengah diadakan di hotel apa?", hotel) == ""
    assert "hotel" in check("Rakor Bawaslu Jawa Tengah diadakan di hotel apa?", "Rakor digelar di Semarang.")
    country = "Moskwa - Remaja putri Rusia, Maria Sharapova, menjadi petenis nomor satu dunia."  # a region by its name
    assert check("Dari negara manakah petenis Maria Sharapova berasal?", country, article=country) == ""


def test_a_duration_counts_nothing_but_its_own_unit():
    yearly = "Seluruh ASN sepatutnya menjaga netralitas dalam pesta demokrasi lima tahunan ini."
    assert "number" in check("Berapa jumlah camat yang ikut penyuluhan di Jawa Tengah?", yearly, article=yearly)
    days = "Masa kampanye Pilkada 2024 berlangsung selama 60 hari di Jawa Tengah."
    assert check("Berapa lama masa kampanye Pilkada di Jawa Tengah?", days, article=days) == ""
    assert check("Berapa hari masa kampanye Pilkada di Jawa Tengah?", days, article=days) == ""
    counted = "Sebanyak 65 camat di Jawa Tengah mengikuti penyuluhan netralitas."
    assert check("Berapa jumlah camat yang ikut penyuluhan di Jawa Tengah?", counted, article=counted) == ""


@pytest.mark.parametrize("question", ["Netralitas itu artinya apa menurut Bawaslu Jateng?", "Apa itu netralitas ASN?",
                                      "Apa yang dimaksud dengan netralitas ASN?", "What does neutrality mean for ASN?"])
def test_a_meaning_is_answered_only_by_a_sentence_that_defines(question):
    theme = "Rakor Bawaslu Jateng bertema “Mewujudkan Netralitas ASN” digelar di Semarang."
    assert "meaning" in check(question, theme, article=theme)
    defines = "Menurut Bawaslu Jateng, netralitas ASN adalah ketidakberpihakan ASN dalam pemilu."  # counter-example
    assert check(question, defines, article=defines) == ""


def test_a_meaning_said_with_meliputi_is_a_definition():
    covers = "Netralitas meliputi ketidakberpihakan dan bersikap adil dan objektif."
    assert check("Netralitas itu artinya apa menurut Bawaslu Jateng?", covers, article="Bawaslu Jateng\n" + covers) == ""
    held = "Rakor itu meliputi sesi tanya jawab."  # counter-example: nothing asked is defined
    assert "meaning" in check("Netralitas itu artinya apa menurut Bawaslu Jateng?", held, article=held)


def test_an_article_s_one_letter_typo_still_names_the_place_or_organisation_asked_for():
    typo = "Sementara itu, Penyuluh Hukum Ahli Madya, Kanwul Kemenkumham RI Provinsi DKI Jakarta, Chabib Susanto."
    assert check("Siapa penyuluh hukum ahli madya dari Kanwil Kemenkumham DKI Jakarta?", typo, article=typo) == ""
    tengab = "Sekretaris Daerah Provinsi Jawa Tengab, Sumarno, membuka rakor."
    assert check("Siapa Sekda Provinsi Jawa Tengah?", tengab, article=tengab) == ""
    other = "Sekretaris Daerah Provinsi Jawa Timur, Adhy Karyono, membuka rakor."  # counter-example: another place
    assert check("Siapa Sekda Provinsi Jawa Tengah?", other, article=other) != ""


@pytest.mark.parametrize("word, other, typo", [
    ("tengah", "tengab", True), ("kanwil", "kanwul", True), ("bawaslu", "bawasl", True), ("kanwil", "kanwill", True),
    ("timur", "timor", False),  # too short to be told from another word
    ("tengah", "lengah", False),  # the first letter differs
    ("tengah", "tengara", False), ("kanwil", "kanwil", False),
])
def test_one_typo_is_one_letter_changed_added_or_dropped_in_a_long_word(word, other, typo):
    from qa.answering.lexicon import one_typo

    assert one_typo(word, other) is typo


def test_what_something_is_about_is_asked_not_a_thing_named_soal():
    reminded = "Pj Gubernur Jawa Tengah Nana Sudjana mengingatkan seluruh ASN agar bersikap netral dalam Pilkada 2024."
    assert check("Nana Sudjana ngingetin ASN soal apa?", reminded, article=reminded) == ""
    assert check("Nana Sudjana ngingetin ASN tentang apa?", reminded, article=reminded) == ""
    sanction = "ASN yang melanggar diberi teguran tertulis."  # counter-example: "sanksi apa" names what is asked
    assert "sanksi" in check("Sanksi apa yang diberikan kepada ASN?", "ASN dilarang berkampanye.", article=sanction)


def test_examples_asked_for_are_answered_by_a_sentence_that_names_some():
    restated = "Pelanggaran yang dilakukan ASN adalah hal-hal kecil yang mungkin tanpa sengaja dilakukan."
    assert "example" in check("contoh pelanggaran kecil netralitas asn apa aja sih?", restated, article=restated)
    listed = "Antara lain, ASN mengidolakan calon presiden, kemudian foto bareng dan ikut mendukung calon."
    assert check("contoh pelanggaran kecil netralitas asn apa aja sih?", listed, article=listed) == ""
    series = "Pelanggaran ASN: mengunggah dukungan, memasang atribut calon, dan menghadiri kampanye."  # a list
    assert check("Apa saja contoh pelanggaran netralitas?", series, article=series) == ""
    case = "Sekda mencontohkan operasi tangkap tangan kepala daerah oleh KPK."  # which case was the example
    assert "example" not in check("Kasus KPK apa yang dijadikan contoh oleh Sekda?", case, article=case)


def test_who_says_it_is_not_part_of_the_asked_action():
    said = '"ASN harus netral dalam pemilihan umum, tapi tidak boleh juga buta politik," terangnya.'
    article = "Plt Asisten Pemerintahan Mukhlisin membuka penyuluhan.\n" + said
    assert check("Menurut Mukhlisin ASN boleh buta politik nggak?", said, article=article) == ""
    other = "Menurut Mukhlisin, ASN tidak boleh ikut kampanye."  # counter-example: about another action
    assert "asked action" in check("Menurut Mukhlisin ASN boleh buta politik nggak?", other, article=other)


def test_a_sentence_that_asks_the_question_again_does_not_answer_it():
    again = "Namun, tidak semua ASN memahami aktivitas-aktivitas apa saja yang masuk pelanggaran netralitas."
    assert "asks the question" in check("contoh pelanggaran netralitas asn apa aja sih?", again, article=again)
    listed = "Pelanggaran netralitas ASN antara lain foto bareng calon dan ikut mendukung calon di media sosial."
    assert check("contoh pelanggaran netralitas asn apa aja sih?", listed, article=listed) == ""  # counter-example


def test_who_did_it_is_named_beside_what_was_done():
    article = ("Rapat koordinasi netralitas ASN digelar Bawaslu Jawa Tengah di Semarang. Rapat itu diinisiasi oleh "
               "Bawaslu. Instansi pimpinan Tejo Harwanto mengikuti rapat koordinasi netralitas ASN.")
    sentence = "Instansi pimpinan Tejo Harwanto mengikuti rapat koordinasi netralitas ASN."
    assert "turns on" in verify.check(analyse("Siapa yang menginisiasi rapat koordinasi netralitas ASN?", {}),
                                      sentence, article, passage=article)
    said = "Rapat koordinasi netralitas ASN diinisiasi oleh Ketua Bawaslu Muhammad Amin."  # counter-example
    assert verify.check(analyse("Siapa yang menginisiasi rapat koordinasi netralitas ASN?", {}), said, said) == ""


def test_an_office_building_is_not_its_holder():
    venue = "Penyuluhan digelar di Ruang Rapat VIP Kantor Bupati Bateng, Selasa (23/01/2024), dibuka Harun Sulianto."
    assert check("Siapa Bupati Bangka Tengah?", venue, article=venue) != ""


def test_the_level_and_the_year_must_stand_in_the_article():
    assert "2023" in check("Siapa Ketua Bawaslu Jawa Tengah tahun 2023?", JATENG)
    assert check("Siapa Ketua Bawaslu Jawa Tengah pada Pilkada 2024?", JATENG) == ""  # the article's date holds 2024


def test_a_named_person_must_stand_in_the_article():
    quote = "“Kita harus merevolusi mental kita, bahwa kita adalah abdinya masyarakat.”"
    assert "Sumarno" in check("Menurut Sumarno, ASN perlu merevolusi apa?", quote, article=quote)
    said = quote + " ujar Sumarno."
    assert check("Menurut Sumarno, ASN perlu merevolusi apa?", quote, article=said) == ""


@pytest.mark.parametrize("question, wrong, right", [
    ("Berapa jumlah ASN yang melanggar netralitas di Jawa Tengah?", "Bawaslu Jawa Tengah mencatat ASN yang melanggar.",
     "Bawaslu Jawa Tengah mencatat 12 ASN melanggar netralitas."),
    ("Kapan deklarasi netralitas digelar di Jawa Tengah?", JATENG, "Deklarasi digelar di Semarang, Kamis (26/9)."),
    ("Siapa yang membuka penyuluhan di Jawa Tengah?", "Penyuluhan itu dibuka dengan doa bersama.",
     "Penyuluhan itu dibuka oleh Kepala Kantor Tejo Harwanto."),
    ("Di mana rakor Bawaslu Jawa Tengah digelar?", "Rakor Bawaslu Jawa Tengah berlangsung meriah.",
     "Rakor Bawaslu Jawa Tengah digelar di MG Setos Hotel."),
])
def test_the_answer_must_be_of_the_kind_asked_for(question, wrong, right):
    assert check(question, wrong).startswith(verify.UNFIT)
    assert check(question, right) == ""


def test_a_number_or_year_the_question_names_answers_no_berapa_or_kapan():
    assert check("Kapan Pilkada 2024 di Jawa Tengah?", "Pilkada 2024 di Jawa Tengah diikuti banyak calon.") != ""


def test_an_election_s_year_dates_no_event_unless_a_year_is_asked():
    theme = 'Pemkot menggelar penyuluhan hukum bertajuk "Netralitas Aparatur dalam Menyukseskan Pemilu 2024".'
    for asked in ("When was the legal counseling held?", "Kapan penyuluhan hukum itu digelar?"):
        assert check(asked, theme).startswith(verify.UNFIT)
        assert check(asked, "Penyuluhan digelar di Ruang Gelatik I, Rabu (31/1), jelang Pemilu 2024.") == ""
    assert check("Tahun berapa pemilu serentak digelar?", "KPU menyiapkan Pemilu 2024 serentak.") == ""  # a year asked
    assert check("In which year was the general election held?", "KPU menyiapkan Pemilu 2024 serentak.") == ""
    reminded = "Pj Gubernur Jawa Tengah Nana Sudjana mengingatkan ASN agar netral dalam Pilkada 2024."  # a year, not
    for asked in ("In which year did Muhammad Amin become chairman of Bawaslu?",  # the election's
                  "Tahun berapa Muhammad Amin menjadi Ketua Bawaslu Jawa Tengah?"):
        assert check(asked, reminded, article=reminded + " " + JATENG).startswith(verify.UNFIT)


def test_a_false_premise_is_not_answered_with_a_nearby_name():
    pj = "Penjabat (Pj) Gubernur Jawa Tengah Nana Sudjana mengingatkan seluruh ASN di Provinsi Jawa Tengah."
    assert check("Siapa pemenang Pilkada Jawa Tengah 2024?", pj, article=pj + " 2024") != ""
    assert check("Siapa Wakil Gubernur Jawa Tengah?", pj, article=pj) != ""
    assert check("Siapa Pj Gubernur Jawa Tengah?", pj, article=pj) == ""


def test_a_yes_no_verdict_comes_only_from_a_clause_about_the_asked_action():
    asked = analyse("asn boleh like postingan caleg ga sih", {})
    clause = "ASN harus netral dalam pemilihan umum, tapi tidak boleh juga buta politik."
    assert verdict.stated_verdict(asked, clause, clause.index("buta")) == ""
    assert verify.check(asked, clause, clause) != ""
    campaign = analyse("Apakah ASN boleh menghadiri kampanye?", {})
    rule = "ASN dilarang menghadiri kampanye calon kepala daerah."
    assert verdict.stated_verdict(campaign, rule, rule.index("menghadiri")) == "Tidak boleh"
    assert verify.check(campaign, rule, rule) == ""
    other = "ASN dilarang menjadi relawan, tetapi boleh menghadiri rapat dinas."
    assert verdict.stated_verdict(campaign, other, other.index("menjadi")) == ""  # the rule is about another action


def test_a_long_action_said_with_another_verb_is_recognised_by_its_whole_object():
    asked = analyse("Bolehkah ASN mengajak masyarakat memilih calon kepala daerah tertentu?", {})
    said = "Seluruh ASN juga dilarang mengarahkan masyarakat umum untuk memilih calon kepala daerah tertentu."
    assert verdict.about_action(asked, said)
    assert verdict.stated_verdict(asked, said, said.index("mengarahkan")) == "Tidak boleh"
    partly = "ASN dilarang mengarahkan masyarakat untuk memilih partai tertentu."  # not the calon kepala daerah
    assert not verdict.about_action(asked, partly) and verdict.stated_verdict(asked, partly, 4) == ""
    short = analyse("Apakah ASN boleh mengajak masyarakat?", {})  # too short to tell by the object alone
    assert not verdict.about_action(short, "ASN dilarang mengarahkan masyarakat.")


def test_a_constraint_no_passage_holds_means_no_answer():
    asked = analyse("Siapa Kapolres Semarang?", {})
    idf = dict.fromkeys(tokenize("semarang ketua bawaslu", expand=False), 1.0)  # the index's stems
    assert verify.absent(asked, idf).text == "kapolres"
    assert verify.absent(analyse("Siapa Ketua Bawaslu Semarang?", {}), idf) is None


def test_the_three_outcomes_are_one_field_and_answered_means_only_the_first():
    assert Answer(question="q", answered=False, hits=[]).outcome == "no_answer"
    assert Answer(question="q", answered=False, hits=[], outcome="not_sure").to_dict()["outcome"] == "not_sure"
    with pytest.raises(ValueError, match="outcome"):
        Answer(question="q", answered=True, hits=[], outcome="not_sure")
    with pytest.raises(ValueError, match="outcome"):
        Answer(question="q", answered=False, hits=[], outcome="maybe")


def test_a_sanction_question_is_answered_by_the_sanction_not_the_prohibition():
    rule = "ASN dilarang memasang spanduk calon kepala daerah."
    sanction = "ASN yang memasang spanduk calon dijatuhi sanksi penurunan jabatan selama dua belas bulan."
    question = "Apa sanksi bagi ASN yang memasang spanduk calon?"
    assert check(question, rule, article=rule + " " + sanction).startswith(verify.UNFIT)
    assert check(question, sanction, article=rule + " " + sanction) == ""


def test_a_time_of_day_is_answered_only_by_a_time():
    asked = "Jam berapa seminar itu diadakan?"
    assert check(asked, "Seminar digelar di Gedung Gradhika Semarang, Kamis, 6 Juni 2024.").startswith(verify.UNFIT)
    assert check(asked, "Seminar digelar Kamis, 6 Juni 2024, pukul 09.00 WIB di Gedung Gradhika.") == ""
    assert check("Kapan seminar itu diadakan?", "Seminar digelar Kamis, 6 Juni 2024.") == ""  # a date answers kapan


def test_everywhere_is_not_a_venue():
    asked = "Penyuluhan hukum di Jakarta Selatan diadakan di mana?"
    everywhere = "Penyuluhan hukum serentak di seluruh Kota dan Kabupaten Administrasi DKI Jakarta merupakan upaya."
    assert check(asked, everywhere, everywhere).startswith(verify.UNFIT)
    held = "Penyuluhan hukum digelar di Ruang Gelatik I, Kantor Wali Kota Jakarta Selatan, Rabu (31/1)."
    assert check(asked, held, held) == ""
    country = "Mari menghargai prinsip demokrasi di Indonesia agar pemilu berjalan damai."  # wider than the place asked
    assert check(asked, country, country).startswith(verify.UNFIT)
    assert check("Di mana pemilu berjalan damai?", country, country) == ""  # no place asked: the country may answer


def test_people_of_a_place_are_not_where_the_event_was():
    asked = "Rakor bertema Mewujudkan Netralitas ASN diadakan di mana?"
    people = "Sekda mengimbau semua ASN di Provinsi Jawa Tengah agar mengedepankan netralitas."
    assert check(asked, people, people).startswith(verify.UNFIT)
    held = "Sekda menyampaikan keynote speaker pada rakor itu di Hotel Grand Candi, Rabu (22/2/2023)."
    assert check(asked, held, 'Rakor bertema "Mewujudkan Netralitas ASN".\n' + held) == ""


def test_who_did_something_may_be_an_organisation_but_an_office_is_held_by_a_person():
    initiated = "Kegiatan yang diinisiasi oleh Badan Pengawas Pemilu (Bawaslu) Provinsi Jawa Tengah tersebut digelar."
    assert check("Siapa yang menginisiasi kegiatan itu?", initiated, initiated) == ""
    assert check("Siapa Ketua Bawaslu Jawa Tengah?", initiated, initiated) != ""  # an office: a person's name
    named = "Kegiatan Bawaslu Jawa Tengah itu diinisiasi bersama."
    assert check("Siapa yang menginisiasi kegiatan Bawaslu?", named, named) != ""  # the organisation asked about


def test_a_place_is_a_venue_or_for_a_region_or_the_reader_s_span_a_name():
    asked = "Di manakah Universitas Padjajaran berada?"
    sentence = "Universitas Padjajaran berada di Jatinangor, Sumedang."
    assert check(asked, sentence, sentence) == "" and check(asked, sentence, sentence, span="Jatinangor") == ""
    assert check(asked, "Universitas itu sangat terkenal.", "Universitas itu sangat terkenal.").startswith(verify.UNFIT)
    assert check(asked, sentence, sentence, span="berada") != ""  # a span naming nothing


def test_a_province_names_no_kabupaten():
    asked = "Kabupaten mana yang kepala daerahnya terkena OTT KPK?"
    said = "Seluruh ASN di Jateng diingatkan agar menjaga netralitas."
    assert check(asked, said, said, span="Jateng") != ""
    named = "Kepala daerah Kabupaten Pati terkena OTT KPK, kata ASN di Jateng."
    assert check(asked, named, named) == ""


def test_an_office_s_organisation_stands_in_the_sentence_but_one_that_sets_the_scene_may_stand_in_the_article():
    sekda = "Sekretaris Daerah Provinsi Jawa Tengah, Sumarno, mengingatkan seluruh ASN agar netral."
    article = sekda + "\nRakor yang diselenggarakan Bawaslu Jateng digelar di Hotel Grand Candi."
    assert check("Siapa Sekretaris Daerah Provinsi Jawa Tengah yang menjadi keynote speaker rakor Bawaslu?",
                 sekda, article) == ""
    chair = "Ketua Provinsi Jawa Tengah Muhammad Amin mengatakan ASN harus netral."
    assert check("Siapa Ketua Bawaslu Jawa Tengah?", chair, chair + "\nBawaslu menggelar rakor.") != ""  # its office's


def test_a_party_asked_for_is_named_in_the_sentence_that_says_what_the_question_turns_on():
    asked = "Pihak mana saja yang ikut dilibatkan dalam deklarasi netralitas di Semarang?"
    involved = "Kegiatan ini turut melibatkan jajaran Forkompimda Provinsi Jawa Tengah dan kepala sekolah."
    attended = "Instansi pimpinan Tejo Harwanto itu mengikuti Rapat Koordinasi Netralitas di Semarang."
    article = "Deklarasi netralitas dibacakan di Semarang.\n" + attended + " " + involved
    assert analyse(asked, {}).party and analyse(asked, {}).focus == ("libat",)  # not "pihak"
    assert verify.check(analyse(asked, {}), involved, article, "", attended + " " + involved) == ""
    assert verify.check(analyse(asked, {}), attended, article, "", attended + " " + involved).startswith(verify.OFF_FOCUS)
    speakers = "Narasumber berasal dari Bawaslu Bangka Tengah dan Penyuluh Hukum Kemenkumham Babel."
    assert check("narasumber penyuluhan hukum di bateng dari instansi apa aja?", speakers,
                 "Penyuluhan hukum di Bangka Tengah.\n" + speakers) == ""  # "instansi" is no word to find


def test_who_is_left_out_pins_nothing_down():
    asked = analyse("Terus yang hadir siapa aja selain Kepala Kanwil Kemenkumham Jateng?", {})
    assert asked.constraints == ()  # "selain …": not the office asked for
    present = "Anton E. Wardhana dan Analis Kepegawaian Ahli Madya Suhariyanto hadir dalam deklarasi tersebut."
    assert verify.check(asked, present, present) == ""
    assert [c.text for c in analyse("Siapa yang hadir kecuali Bupati, di Bangka Tengah?", {}).constraints] == \
        ["bangka tengah"]  # the clause ends at the comma
    assert [c.text for c in analyse("Siapa saja yang hadir selain Bupati dalam rapat di Kabupaten Kendal?", {})
            .constraints] == ["kendal"]  # the scene after the one left out stays


def test_a_theme_the_question_quotes_stands_whole_and_an_organisation_is_no_venue():
    asked = "Rakor bertema Mewujudkan Netralitas ASN diadakan di mana?"
    elsewhere = "Instansi itu mengikuti Rapat Koordinasi Netralitas ASN bertempat di MG Setos Hotel Semarang."
    article = elsewhere + "\nKegiatan untuk mewujudkan pilkada damai."  # its words, apart
    assert "Mewujudkan Netralitas ASN" in check(asked, elsewhere, article)
    themed = 'Dalam rakor dengan tema "Mewujudkan Netralitas ASN" itu, sekda menjelaskan arti netralitas.'
    assert check(asked, themed, themed, span="Badan Pengawas Pemilu Jateng").startswith("the span holds no")
    assert [c.whole for c in analyse("Apakah judul buku yang ditulis Bill Emmott?", {}).constraints] == [False]


@pytest.mark.parametrize("question, verb, answering, opening", [
    ("Who was invited to the legal counseling in Bangka Tengah?", "undang",
     "Kegiatan ini mengundang seluruh lurah dan kepala desa yang ada di Kabupaten Bangka Tengah.",
     "Kemenkumham Babel bersama Pemkab Bangka Tengah menggelar Penyuluhan Hukum di Kantor Bupati Bateng."),
    ("Which local officials took part in the neutrality counseling in South Jakarta?", "ikut",
     "Mukhlisin mengatakan, kegiatan tersebut diikuti lurah dan camat se-Jakarta Selatan.",
     "Pemkot Jakarta Selatan bersama Kanwil Kemenkumham menggelar penyuluhan hukum netralitas."),
])
def test_who_was_invited_or_took_part_in_english_turns_on_its_verb_and_a_group_of_officials_answers_it(
        question, verb, answering, opening):
    asked = analyse(question, {})
    assert asked.party and verb in asked.focus
    article = opening + "\n" + answering
    assert verify.check(asked, answering, article) == ""
    assert verify.check(asked, opening, article).startswith(verify.OFF_FOCUS)  # the opening says nobody did it


def test_an_office_asked_in_english_has_no_verb_to_turn_on():
    assert analyse("Who is the head of Bawaslu Central Java?", {}).focus == ()


def test_a_duty_not_to_do_the_asked_action_is_a_prohibition():
    asked = analyse("Apakah kepala desa boleh berpihak kepada calon tertentu?", {})
    for clause in ("Kepala desa diamanatkan untuk tidak berpihak kepada calon tertentu.",
                   "Kepala desa harus tidak berpihak kepada calon tertentu."):
        assert verdict.stated_verdict(asked, clause, 0, len(clause)) == "Tidak boleh"  # not "Wajib"
    allowed = "Kepala desa boleh berpihak kepada calon tertentu."
    assert verdict.stated_verdict(asked, allowed, 0, len(allowed)) == "Boleh"


def test_a_group_of_officials_answers_who_took_part_not_who_opened():
    opened = "Acara dibuka pukul 09.00 WIB dan diikuti para lurah."
    assert check("Siapa yang membuka acara penyuluhan hukum?", opened, opened).startswith(verify.UNFIT)
    assert check("Siapa saja yang hadir di acara penyuluhan hukum?", "Para lurah hadir di acara itu.",
                 "Para lurah hadir di acara itu.") == ""


def test_a_former_post_s_place_is_not_where_the_sentence_is():
    former = ("Mantan Kepala Divisi Administrasi Kanwil Nusa Tenggara Barat itu mengajak jajarannya bijak bermedia "
              "sosial jelang Pilkada 2024.")
    article = "Kanwil Kemenkumham Jawa Tengah mengikuti rakor netralitas ASN. " + former
    assert "nusa tenggara" not in check("Apa pesan Kanwil Kemenkumham Jawa Tengah jelang Pilkada?", former, article)
    today = "Kepala Divisi Administrasi Kanwil Nusa Tenggara Barat mengajak jajarannya bijak bermedia sosial."
    assert "nusa tenggara" in check("Apa pesan Kanwil Kemenkumham Jawa Tengah jelang Pilkada?", today, article)


def test_a_yes_no_question_s_link_words_are_not_its_action():
    asked = analyse("kemenkumham jateng ngingetin soal medsos jelang pilkada gak?", {})
    assert all("soal" not in forms for forms in asked.action)
    reminded = "Kanwil mengajak jajarannya bijak bermedia sosial jelang Pilkada 2024, mengingatkan netralitas."
    assert verdict.about_action(asked, reminded)
    assert not verdict.about_action(asked, "Kanwil mengingatkan jajarannya soal netralitas.")  # not about medsos


def test_a_rule_on_the_asked_action_may_stand_in_any_clause():
    both = "ASN harus netral dalam pemilihan umum, tapi tidak boleh juga buta politik."
    assert verdict.rule_on_action(analyse("Apakah ASN wajib netral dalam pemilu?", {}), both) == "Wajib"
    assert verdict.rule_on_action(analyse("Apakah ASN boleh buta politik?", {}), both) == "Tidak boleh"
    assert verdict.rule_on_action(analyse("Apakah ASN boleh ikut kampanye?", {}), both) == ""  # no rule on campaigns
    assert verdict.rule_on_action(analyse("Siapa Ketua Bawaslu?", {}), both) == ""  # not a yes/no question


def test_a_name_s_common_head_noun_does_not_stand_for_the_name():
    henderson = "Pertempuran Henderson, juga dikenal sebagai Pertempuran Guadalcanal, terjadi pada 23 Oktober 1942."
    assert "yerikho" in check("Kapan Pertempuran Yerikho terjadi?", henderson, article=henderson).lower()
    assert check("Kapan Pertempuran Henderson terjadi?", henderson, article=henderson) == ""  # the name: answered
    amin = "Muhammad Amin hadir di Semarang pada Kamis (26/9/2024)."
    assert check("Kapan Dr Muhammad Amin hadir?", amin, article=amin) == ""  # a title is no head noun
    assert check("Kapan Pak Muhammad Amin hadir?", amin, article=amin) == ""  # nor a form of address the focus


def test_an_older_year_is_a_constraint_where_tahun_says_so():
    founded = "Cape Town didirikan orang Belanda dengan nama Kaapstad pada tahun 1652 dan direbut Britania pada 1806."
    assert "1852" in check("Siapa pendiri Cape Town pada tahun 1852?", founded, article=founded)
    assert "1652" not in check("Siapa pendiri Cape Town pada tahun 1652?", founded, article=founded)
    assert not [c for c in analyse("Berapa 1500 orang hadir?", {}).constraints if c.kind == "year"]  # a count
