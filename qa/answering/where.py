"""Whether a quote, or the reader's span, names the place a question asks for (:mod:`qa.answering.verify`).

A venue is "di <Name>" ("di Hotel Grand Candi"; not "di seluruh Kota …", which is everywhere); a region asked for by
its kind ("Dari negara manakah …?", "Kabupaten mana …?") may be named alone ("Rusia"), but a province names no
kabupaten; a building is named with its word ("Hotel Grand Candi"). Pure functions over strings.
"""

from __future__ import annotations

import re

from qa.answering import lexicon
from qa.answering.question import PLACE, Analysis


REGIONS = frozenset("kabupaten kota provinsi kecamatan kelurahan desa negara".split())


def province_only(text: str) -> bool:
    """Whether every capitalised word of ``text`` is (or abbreviates) a province's name: "Jateng", "Jawa Tengah"."""
    words = [w.lower() for w in re.findall(r"\b[A-Z][a-z]+", text)]
    provinces = {w for p in lexicon.PROVINCES for w in p} | {w for w in words if lexicon.expanded(w) in lexicon.PROVINCES}
    return bool(words) and all(w in provinces for w in words)


def named_place(text: str, place_type: str) -> bool:
    """Whether ``text`` names the place of the type asked wherever it says the type: a capitalised name next to the
    type word ("Kabupaten Pati", "Hotel Grand Candi", "MG Setos Hotel"), not "salah satu kabupaten"; a text without
    the type word may name a region alone ("Rusia" for "negara mana"), not a building."""
    said = list(re.finditer(rf"\b{place_type}\b", text, re.IGNORECASE))
    if not said:  # "Rusia" names a negara; a hotel is named with the word: "Hotel Grand Candi"; "Jateng" no kabupaten
        return place_type in REGIONS and (place_type in ("provinsi", "negara") or not province_only(text))
    return any(re.search(r"\b[A-Z][\w.'-]*\s*$", text[:m.start()]) or re.match(r"\s+[A-Z]", text[m.end():])
               for m in said)


EVERYWHERE = ("seluruh", "semua", "berbagai", "setiap", "tiap", "sejumlah", "beberapa", "banyak")
VENUE = re.compile(r"\b(?:di|ke|dari|bertempat)\s+(?!(?:" + "|".join(EVERYWHERE) + r")\b)"
                   r"(?:[a-z]+[\s,]+){0,3}([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)")  # "di seluruh Kota …" is everywhere


def place_named(analysis: Analysis, shown: str, span: str, sentence: str) -> bool:
    """Whether ``shown`` names where: a venue ("di <Name>"); or, for the reader's ``span`` or a question asking for a
    region ("Dari negara manakah …?"), a capitalised name the question does not hold ("Jatinangor", "Rusia"), not
    the sentence's first word, nor a span after "seluruh", "semua" … (everywhere is no place)."""
    if venue(shown, analysis.text, COUNTRY if any(c.kind == PLACE for c in analysis.constraints) else frozenset()):
        return True
    if span and _body(span):
        return False  # "Badan Pengawas Pemilu Jateng" holds the rakor, it is not where
    if span:
        at = sentence.find(span)
        if at >= 0 and set(sentence[:at].lower().split()[-1:]) & set(EVERYWHERE):
            return False
    elif analysis.place_type not in REGIONS:
        return False
    asked = set(lexicon.words(analysis.text))
    names = re.finditer(r"(?<![\w(])[A-Z][a-z][\w'-]*", shown)
    return any(m.group(0).lower() not in asked and (span or shown[:m.start()].strip(" \"“”'‘’(")) for m in names)


def _body(span: str) -> bool:
    """Whether the reader's ``span`` is an organisation (its first unit), not a building of one ("Kantor Wilayah …")."""
    units = lexicon.units(span)
    return bool(units) and units[0].kind == lexicon.ORG and units[0].words[0] not in ("kantor", "gedung", "balai")


# The country every article here is about: no answer to where something in a place the question names happened
# ("Penyuluhan di Jakarta Selatan diadakan di mana?" is not answered by "… demokrasi di Indonesia").
COUNTRY = frozenset({"indonesia", "ri", "nusantara"})


def venue(text: str, question: str, broader: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` names where something is: "di <Name>" (or "di lokasi acara, <Name>", "di Kabupaten <Name>"),
    a name the question does not, nor one of ``broader`` (lower-case names wider than the question's own place)."""
    asked = set(lexicon.words(question)) | broader
    return any(word.lower() not in asked for m in VENUE.finditer(text)
               if not (m.group(0)[:2].lower() == "di" and _of_people(text[:m.start()]))
               for word in m.group(1).split())


# Whom "di <Place>" qualifies when it follows them: "semua ASN di Provinsi Jawa Tengah" are the province's civil
# servants, wherever the event was held.
PEOPLE = frozenset("asn pns pegawai aparatur warga masyarakat jajaran pejabat kepala camat lurah guru siswa pemilih "
                   "penduduk rakyat karyawan anggota petugas".split())


def _of_people(before: str) -> bool:
    """Whether the text ``before`` a "di <Place>" ends with a word for people (:data:`PEOPLE`)."""
    last = re.findall(r"\w+", before.lower())[-1:]
    return bool(last) and last[0] in PEOPLE
