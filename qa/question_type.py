"""What kind of answer a question asks for, whether a span is that kind, and the verdict of a yes/no clause.

A reader trained on factoid spans will still mark *something*: a role for "Siapa …?"
("Sekretaris Daerah" instead of the name), a year-less phrase for "Kapan …?". A span that does
not fit the question's type is not an answer (:func:`fits`). For a yes/no question ("Apakah ASN
boleh …?", "… boleh gak?") the answer is the clause that decides it, and when that clause states
the rule in so many words (``dilarang``, ``tidak boleh``, ``wajib``, ``boleh``) the verdict is shown
before it (:func:`verdict`); a verdict the clause does not state is never given.

Pure functions over strings; no model, no index.
"""

from __future__ import annotations

import re

WHO, WHEN, COUNT, YESNO, OTHER = "who", "when", "count", "yesno", "other"

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
# Offices, roles and institutions: a "who" span made only of these names nobody.
ROLE_WORDS = frozenset("""
ketua wakil kepala sekretaris sekda daerah jenderal umum direktur menteri gubernur bupati wali kota walikota camat lurah
presiden komisioner anggota divisi koordinator kadiv kakanwil kanwil kantor wilayah plt pj penjabat asisten pemerintahan
bawaslu panwaslu panwascam kpu kemenkumham kementerian hukum ham dinas badan komisi dewan pengawas pemilu pemilihan
asn pns aparatur sipil negara pegawai pejabat polisi kapolres kapolda dandim tni polri jaksa hakim rektor dekan staf
kabupaten provinsi kecamatan desa kelurahan pemerintah pemkot pemkab pemprov setda sekretariat bagian bidang seksi
sub subbagian kasubbag kabag kabid biro unit tim panitia pusat ri republik indonesia jawa tengah timur barat utara
selatan dki jakarta jateng jabar jatim tersebut para sang bapak ibu saudara pak bu mantan calon kandidat pasangan
""".split())
_MONTHS = ("januari februari maret april mei juni juli agustus september oktober november desember jan feb mar apr jun "
           "jul agu ags sep sept okt nov des january february march may june july august october december").split()
_DAYS = "senin selasa rabu kamis jumat jum'at sabtu minggu ahad monday tuesday wednesday thursday friday saturday sunday".split()
WHEN_WORDS = frozenset(_MONTHS + _DAYS + "kemarin besok lusa pagi siang sore malam pekan minggu bulan tahun abad "
                                         "lalu depan hari tanggal yesterday today tomorrow".split())
NUMBER_WORDS = frozenset("""satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu sejuta
puluh puluhan belas ratus ratusan ribu ribuan juta jutaan miliar triliun setengah separuh seluruh semua beberapa
one two three four five six seven eight nine ten hundred thousand million dozens hundreds thousands""".split())
# Rule words as written, and the verdict each states ("tidak boleh" before "boleh": longest first).
RULES = (("tidak dilarang", "Boleh"), ("tidak diperbolehkan", "Tidak boleh"), ("tidak diizinkan", "Tidak boleh"), ("tidak boleh", "Tidak boleh"),
         ("tak boleh", "Tidak boleh"), ("dilarang", "Tidak boleh"), ("larangan", "Tidak boleh"),
         ("diwajibkan", "Wajib"), ("wajib", "Wajib"), ("harus", "Wajib"),
         ("diperbolehkan", "Boleh"), ("dibolehkan", "Boleh"), ("diizinkan", "Boleh"), ("berhak", "Boleh"),
         ("boleh", "Boleh"))
_RULE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w, _ in RULES) + r")(?![\w-])", re.IGNORECASE)
_YESNO_START = re.compile(r"^(apakah|apa|bolehkah|haruskah|wajibkah|benarkah|bisakah|dapatkah|can|may|is|are|must|should"
                          r"|do|does)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(boleh|bolehkah|dilarang|wajib|harus|haruskah|berhak|diperbolehkan|bisa|dapat|allowed|can|may"
                    r"|must)\b", re.IGNORECASE)
_TAG = re.compile(r"\b(gak|ga|nggak|ngga|enggak|engga|tidak|kah|ndak|kagak)\s*(sih|ya|kan|dong)?\s*\??\s*$", re.IGNORECASE)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def kind_of(question: str) -> str:
    """The kind of answer ``question`` asks for: ``who``, ``when``, ``count``, ``yesno`` or ``other``."""
    q = question.strip().lower()
    first = words(q)[:1]
    if re.search(r"\b(siapa|siapakah|who|whom)\b", q) and not re.search(r"\bsiapa saja\b", q) and not _MODAL.search(q):
        return WHO  # "Siapa saja …", "Siapa yang dilarang …" ask for a group (ASN, TNI), not a person
    if re.search(r"\b(kapan|kapankah|when)\b|\b(tanggal|tahun|hari) (berapa|apa)\b|\bwhat (date|year|day)\b", q):
        return WHEN
    if re.search(r"\b(berapa|berapakah|brp|how many|how much)\b", q):
        return COUNT
    if first and first[0] in ("apakah", "bolehkah", "haruskah", "wajibkah", "benarkah", "bisakah", "dapatkah"):
        return YESNO
    if _MODAL.search(q) and (_YESNO_START.match(q) or _TAG.search(q)):
        return YESNO
    return OTHER


def fits(kind: str, span: str) -> bool:
    """Whether ``span`` can be an answer of this kind: a name (a capitalised word that is no role or office)
    for ``who``, a date or time word or a number for ``when``, a number for ``count``; any span otherwise."""
    tokens = words(span)
    if not tokens:
        return False
    if kind == WHO:
        return any(t[:1].isupper() and t.lower() not in ROLE_WORDS for t in tokens)
    if kind == WHEN:
        return any(any(c.isdigit() for c in t) or t.lower() in WHEN_WORDS for t in tokens)
    if kind == COUNT:
        return any(any(c.isdigit() for c in t) or t.lower() in NUMBER_WORDS for t in tokens)
    return True


def verdict(kind: str, clause: str, span_start: int = 0, before: int = 40) -> str:
    """For a yes/no question, the verdict ("Tidak boleh", "Wajib", "Boleh") that ``clause`` states in so many
    words: its last rule word ending inside the answer span (which starts at ``span_start`` in ``clause``) or at
    most ``before`` characters before it, so "dilarang | menjadi relawan" counts. "" when it states none, or
    the question is no yes/no one."""
    if kind != YESNO:
        return ""
    said = [m.group(1).lower() for m in _RULE.finditer(clause) if m.end() >= span_start - before]
    return next(v for w, v in RULES if w == said[-1]) if said else ""
