"""The question's type decides what can be its answer; a yes/no clause's verdict is only what it states."""

import pytest

from qa.answering.question_type import COUNT, OTHER, WHEN, WHO, YESNO, fits, kind_of, verdict


@pytest.mark.parametrize("question, kind", [
    ("Siapa Sekda Jateng?", WHO), ("siapakah ketua bawaslu jateng", WHO), ("Who opened the counseling?", WHO),
    ("Siapa saja yang dilarang berkampanye?", OTHER), ("Siapa yang boleh ikut kampanye?", OTHER),
    ("Kapan deklarasi netralitas digelar?", WHEN), ("tanggal berapa rakor itu?", WHEN),
    ("Berapa ASN yang dipanggil Bawaslu?", COUNT), ("how many officials were summoned?", COUNT),
    ("Apakah ASN boleh menjadi relawan?", YESNO), ("Bolehkah PNS memasang spanduk calon?", YESNO),
    ("asn boleh ikut kampanye gak sih?", YESNO), ("apa asn boleh like postingan calon", YESNO),
    ("Can civil servants join a campaign team?", YESNO),
    # informal: the negation tag mid-question, after the modal, or at the end without one
    ("pns boleh ga ngarahin warga buat milih parpol?", YESNO), ("asn boleh gak posting di medsos?", YESNO),
    ("asn boleh nyoblos gak di pilkada 2024?", YESNO), ("kemenkumham ngingetin soal medsos gak?", YESNO),
    ("knp asn gak boleh ikut kampanye?", "reason"), ("apa aja yang ga boleh?", OTHER),
    ("ASN tidak boleh apa saja?", OTHER), ("berapa orang yang boleh tidak hadir?", COUNT),
    ("Apa sanksi bagi kepala desa yang melanggar?", OTHER), ("Mengapa ASN harus netral?", "reason"),
    # the question words with -kah, and "<place word> apakah / manakah"
    ("Kapankah Anwar Ibrahim dipecat?", WHEN), ("Tahun berapakah film itu dirilis?", WHEN),
    ("Berapakah luas Kebun Raya Cibodas?", COUNT), ("Di manakah Santo George?", "place"),
    ("Dari negara manakah Ayrton Senna berasal?", "place"), ("Di kota apakah Universitas Padjajaran berada?", "place"),
    ("Provinsi apakah yang mencapai cakupan 111 persen?", "place"), ("Mengapakah ia pergi?", "reason"),
])
def test_kind_of(question, kind):
    assert kind_of(question) == kind


@pytest.mark.parametrize("kind, span, ok", [
    (WHO, "Sumarno", True), (WHO, "Muhammad Amin", True), (WHO, "Ketua Bawaslu Jateng Muhammad Amin", True),
    (WHO, "Sekretaris Daerah", False), (WHO, "dandim", False), (WHO, "Plt Asisten Pemerintahan", False),
    (WHEN, "Kamis (26/9)", True), (WHEN, "2024", True), (WHEN, "Pemilu", False), (WHEN, "pemilihan umum", False),
    (COUNT, "13 ASN", True), (COUNT, "lima orang", True), (COUNT, "ASN", False),
    (OTHER, "di Hotel MG Setos", True), (YESNO, "dilarang menjadi relawan", True), (OTHER, "  ", False),
])
def test_fits(kind, span, ok):
    assert fits(kind, span) is ok


def test_a_name_from_the_question_is_no_answer():
    assert not fits(WHO, "Muhammad Amin", "Siapa yang mendampingi Muhammad Amin?")


def test_verdict_is_only_what_the_clause_states():
    clause = "ASN boleh memilih tetapi dilarang menjadi relawan"
    assert verdict(YESNO, clause, clause.index("menjadi")) == "Tidak boleh"  # the rule word just before the span
    assert verdict(YESNO, "ASN boleh memilih", 4) == "Boleh"
    assert verdict(YESNO, "ASN tidak boleh memilih", 4) == "Tidak boleh"  # not "Boleh": the longest rule word wins
    assert verdict(YESNO, "Kegiatan ini tidak dilarang", 0) == "Boleh"
    assert verdict(YESNO, "ASN wajib menjaga netralitas", 4) == "Wajib"
    assert verdict(YESNO, "Rakor digelar di Semarang", 0) == ""  # no rule word: no verdict
    far = "Ia dilarang " + "x " * 40 + "hadir di acara itu"
    assert verdict(YESNO, far, far.index("hadir")) == ""  # a rule word far before the span is not its verdict
    assert verdict(WHO, "dilarang menjadi relawan", 0) == ""  # only yes/no questions get a verdict
