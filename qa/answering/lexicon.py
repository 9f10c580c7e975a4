"""The words the answer checks know: offices and roles, organisations, places and administrative levels, and how a
text is cut into such units (:func:`units`) or normalised words (:func:`words`).

Words are lower case, with the lexical module's informal spellings mapped (``yg`` → ``yang``) and short forms
expanded (``jateng`` → ``jawa tengah``, ``wabup`` → ``wakil bupati``, ``bawaslu`` → ``badan pengawas pemilihan
umum``), stop words dropped, soft hyphens and zero-width characters removed. Pure functions over strings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from qa.index.lexical import ENGLISH, EXPAND, INVISIBLE, NORMALISE, STOP_WORDS, informal, tokenize

ROLE, ORG, PLACE, LEVEL, YEAR, OTHER = "role", "org", "place", "level", "year", "other"
_WORD = re.compile(r"[0-9a-z]+")

# Offices and roles (as words after expansion). "wakil" is a role word of its own: "wakil bupati" ≠ "bupati".
ROLES = frozenset(
    "ketua wakil kepala sekretaris bupati gubernur wali walikota camat lurah menteri presiden direktur komisioner anggota "
    "penjabat pelaksana asisten kapolres kapolda kapolri kapolsek panglima dandim danrem kajari kajati sekjen "
    "kadis kasatpol analis penyuluh divisi bendahara rektor dekan hakim jaksa kades".split())
# Words that may stand inside an office's name after its head ("kepala divisi administrasi", "analis kepegawaian").
QUALIFIERS = frozenset(
    "divisi administrasi pelayanan hukum ham kepegawaian ahli madya muda utama pertama pemerintahan tugas harian "
    "daerah desa kota umum bidang seksi bagian kantor wilayah perwakilan".split())
# Organisations, as their first word after expansion, with how many words the name has.
ORGS = {
    ("badan", "pengawas", "pemilihan", "umum"): "Bawaslu", ("komisi", "pemilihan", "umum"): "KPU",
    ("kementerian", "hukum", "ham"): "Kemenkumham", ("kementerian", "hukum", "hak", "asasi", "manusia"): "Kemenkumham",
    ("kementerian", "dalam", "negeri"): "Kemendagri", ("badan", "kepegawaian", "negara"): "BKN",
    ("komisi", "aparatur", "sipil", "negara"): "KASN", ("komisi", "pemberantasan", "korupsi"): "KPK",
    ("dewan", "kehormatan", "penyelenggara", "pemilihan", "umum"): "DKPP",
    ("dewan", "perwakilan", "rakyat", "daerah"): "DPRD", ("dewan", "perwakilan", "rakyat"): "DPR",
    ("mahkamah", "konstitusi"): "MK", ("tentara", "nasional", "indonesia"): "TNI", ("polisi",): "Polri",
    ("kepolisian",): "Polri", ("kantor", "wilayah"): "Kanwil", ("panitia", "pengawas", "pemilihan", "umum"): "Panwaslu",
}
_ORG_WORDS = frozenset(w for name in ORGS for w in name)
# what an organisation's name starts with: its first word, or its short form ("Kanwul *Kemenkumham*")
_ORG_HEADS = frozenset({name[0] for name in ORGS} | {short.lower() for short in ORGS.values()})
LEVELS = frozenset("provinsi kabupaten kota kecamatan desa kelurahan".split())
_DIRECTIONS = "tengah barat timur utara selatan pusat"
# Provinces and places news names often; "<head> <direction>" compounds are places too (jawa timur, bangka tengah).
PLACES = frozenset(
    "aceh bali banten bengkulu gorontalo jambi lampung maluku papua riau yogyakarta jakarta bandung semarang surabaya "
    "medan makassar palembang denpasar malang solo surakarta bogor depok bekasi tangerang batam padang pekanbaru "
    "pontianak banjarmasin balikpapan samarinda manado kupang mataram ambon jayapura sleman bantul klaten kudus "
    "pati demak kendal magelang salatiga pekalongan tegal brebes cilacap banyumas purwokerto kebumen wonosobo "
    "temanggung boyolali sukoharjo karanganyar sragen wonogiri grobogan blora rembang jepara pangkalpinang "
    "belitung koba".split())
PROVINCES = frozenset(tuple(p.split()) for p in (
    "aceh|sumatera utara|sumatera barat|riau|kepulauan riau|jambi|sumatera selatan|bangka belitung|bengkulu|lampung|"
    "dki jakarta|jakarta|jawa barat|banten|jawa tengah|yogyakarta|jawa timur|bali|nusa tenggara barat|"
    "nusa tenggara timur|kalimantan barat|kalimantan tengah|kalimantan selatan|kalimantan timur|kalimantan utara|"
    "sulawesi utara|gorontalo|sulawesi tengah|sulawesi barat|sulawesi selatan|sulawesi tenggara|maluku|maluku utara|"
    "papua|papua barat|papua tengah|papua selatan|papua pegunungan|papua barat daya").split("|"))
_HEADS = frozenset("jawa bangka sumatera sumatra kalimantan sulawesi nusa papua jakarta lampung kepulauan".split())
_MULTI = frozenset({("nusa", "tenggara", "barat"), ("nusa", "tenggara", "timur"), ("dki", "jakarta"),
                    ("bangka", "belitung"), ("kepulauan", "riau"), ("daerah", "istimewa", "yogyakarta")})
SUBJECTS = frozenset("asn aparatur sipil negara pns pegawai negeri civil servant servants employee employees".split())
MODALS = frozenset("apakah apa bolehkah boleh haruskah harus wajibkah wajib dilarang larangan berhak diperbolehkan "
                   "dibolehkan diizinkan bisa bisakah dapat dapatkah benarkah tidak tak ga gak sih ya kan dong "
                   "allowed can may must should is are do does tetap ikut masih memang benar berarti juga jumlah banyak nama "
                   "contoh kira sekitar kurang lebih lama saja pun kah".split())
LEADER = ("pimpinan", "pemimpin", "kepala", "ketua")  # one office in news: "Ketua Bawaslu" is also "Kepala Bawaslu"
ROLE_SHORT = frozenset("sekda wabup wagub wawali kades kadiv kakanwil kadis pj plt plh".split())  # short forms of offices
_ENGLISH_PLACES = {"central": "tengah", "east": "timur", "west": "barat", "north": "utara", "south": "selatan",
                   "java": "jawa", "sumatra": "sumatera"}
_ENGLISH_ROLES = {"governor": ("gubernur",), "regent": ("bupati",), "mayor": ("wali", "kota"), "deputy": ("wakil",),
                  "vice": ("wakil",), "chairman": ("ketua",), "chair": ("ketua",), "secretary": ("sekretaris",),
                  "minister": ("menteri",), "president": ("presiden",)}


@dataclass(frozen=True)
class Unit:
    """One unit of a question: a word, or a known multi-word name (a place, an organisation, an office)."""

    kind: str  # ROLE, ORG, PLACE, LEVEL, YEAR or OTHER
    text: str  # as normalised, for messages
    words: tuple[str, ...]
    forms: tuple[tuple[str, ...], ...]  # word sequences that state it (any one)
    stems: tuple[str, ...] = ()  # lexical tokens (stems and expansions): how an action word is matched
    subject: bool = False  # "ASN", "PNS", a modal or a tag of a yes/no question
    qualifier: bool = False  # may stand inside an office's name


def clean(text: str) -> str:
    """Lower case, NFKC, soft hyphens and zero-width characters removed."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()


def expanded(word: str) -> tuple[str, ...]:
    word = informal(NORMALISE.get(word, word))
    if word in EXPAND:
        out: list[str] = []
        for part in EXPAND[word].split():
            out += EXPAND.get(part, part).split()
        return tuple(w for w in out if w not in STOP_WORDS) or (word,)
    return (word,)


@lru_cache(maxsize=1 << 14)
def words(text: str) -> tuple[str, ...]:
    """The normalised words of a text: informal spellings mapped, short forms expanded, stop words dropped."""
    out: list[str] = []
    for word in _WORD.findall(clean(text)):
        out += [w for w in expanded(word) if w not in STOP_WORDS]
    return tuple(out)


def known(sequence: tuple[str, ...]) -> bool:
    """Whether a word sequence is all offices, organisation words, levels or places (so not a person's name)."""
    return all(w in ROLES or w in _ORG_WORDS or w in LEVELS or w in PLACES or w in _HEADS or w in QUALIFIERS
               or w in _DIRECTIONS.split() for w in sequence)


def _place_at(seq: list[str], i: int) -> int:
    """How many words of ``seq`` from ``i`` name a place (0: none)."""
    for multi in sorted(_MULTI, key=len, reverse=True):
        if tuple(seq[i:i + len(multi)]) == multi:
            return len(multi)
    if seq[i] in _HEADS and i + 1 < len(seq) and seq[i + 1] in _DIRECTIONS.split():
        return 2
    return 1 if seq[i] in PLACES else 0


def _org_at(seq: list[str], i: int) -> int:
    return max((len(name) for name in ORGS if tuple(seq[i:i + len(name)]) == name), default=0)


def units(text: str, english: bool = False) -> list[Unit]:
    """The question cut into units: places, organisations, offices, levels, years and other words, in order."""
    raw = _WORD.findall(clean(text))
    seq: list[str] = []
    office: list[bool] = []  # whether a word may be an office: not one from a short form of something else ("pilkada")
    for n, word in enumerate(raw):
        if english and word in _ENGLISH_ROLES:
            parts = _ENGLISH_ROLES[word]
        elif english and word in _ENGLISH_PLACES:
            following = _ENGLISH_PLACES.get(raw[n + 1], raw[n + 1]) if n + 1 < len(raw) else ""
            if word in _ENGLISH_PLACES and _ENGLISH_PLACES[word] in _DIRECTIONS.split() and following in _HEADS:
                raw[n + 1] = _ENGLISH_PLACES[word]  # "central java": "jawa tengah"
                parts = (following,)
            else:
                parts = (_ENGLISH_PLACES[word],)
        elif english:
            parts = expanded(word) if word in EXPAND else (word,)
        else:
            parts = expanded(word)
        kept = [part for part in parts if part not in STOP_WORDS]
        seq += kept
        office += [word in ROLES or word in LEADER or word in ROLE_SHORT or english] * len(kept)
    found: list[Unit] = []
    i = 0
    while i < len(seq):
        word = seq[i]
        org, place = _org_at(seq, i), _place_at(seq, i)
        if org:
            name = tuple(seq[i:i + org])
            found.append(Unit(ORG, ORGS[name], name, (name,)))
            i += org
        elif place:
            name = tuple(seq[i:i + place])
            found.append(Unit(PLACE, " ".join(name), name, (name,)))
            i += place
        elif word in LEVELS:
            found.append(Unit(LEVEL, word, (word,), ((word,),), qualifier=True))
            i += 1
        elif re.fullmatch(r"(19|20)\d\d", word) or (  # "pada tahun 1852": an older year where "tahun" says so
                re.fullmatch(r"1[0-8]\d\d", word) and i > 0 and seq[i - 1] in ("tahun", "year")):
            found.append(Unit(YEAR, word, (word,), ((word,),)))
            i += 1
        else:
            kind = ROLE if (word in ROLES or word in LEADER) and office[i] else OTHER
            forms = tuple((w,) for w in LEADER) if word in LEADER else ((word,),)
            found.append(Unit(kind, word, (word,), forms, stems=tuple(tokenize(word)),
                              subject=word in SUBJECTS or word in MODALS, qualifier=word in QUALIFIERS))
            i += 1
    return found


def places_in(seq: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The places a normalised word sequence names."""
    found = set()
    i = 0
    while i < len(seq):
        n = _place_at(list(seq[i:i + 3]), 0)
        if n:
            found.add(tuple(seq[i:i + n]))
            i += n
        else:
            i += 1
    return found


def conflicting(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two places cannot be the same: two provinces, or one head with two directions (jawa tengah, jawa timur)."""
    if a == b:
        return False
    if a in PROVINCES and b in PROVINCES:
        return True
    directions = _DIRECTIONS.split()
    return len(a) == len(b) == 2 and a[0] == b[0] and a[1] in directions and b[1] in directions


NOT_NAMES = frozenset(
    "mantan sebagai selaku turut hadir acara kegiatan menurut dalam pada para bapak ibu saudara sdr dr ir drs hj "
    "antara narasumber pemateri penggagas peserta tema bahkan namun sementara selain kemudian dengan oleh bersama "
    "organisasi perangkat rapat seminar hotel gedung ruang jalan universitas sekolah kampus masjid forum tim tentang "
    "satuan unit balai dinas lembaga instansi perwakilan kantor aula pendopo acara deklarasi penyuluhan".split())


def names_in(text: str, asked: str = "", sentence: bool = True) -> list[tuple[int, int]]:
    """Where ``text`` names a person, as (start, end): capitalised words that are no office, organisation, place,
    day, month or word of ``asked``; words in capitals and words after an opening bracket do not count, nor, in a
    ``sentence`` (not a span), its first word, nor a word that goes on a place's or an organisation's name ("Jawa
    *Tengab*", a misspelt "Tengah"; "*Kanwul* Kemenkumham")."""
    from qa.answering.quote import _NOT_NAMES  # the offices and institutions that quote scoring knows

    asked_words = set(words(asked)) | set(_WORD.findall(clean(asked)))
    found = []
    for m in re.finditer(r"(?<![\w(])[A-Z][a-z][\w'’-]*", text):
        word = m.group(0).lower()
        before = text[:m.start()].rstrip()
        if (sentence and (not before or before[-1] in ".!?\"“”(")) or word in _NOT_NAMES or word in NOT_NAMES:
            continue
        after = _WORD.findall(text[m.end():m.end() + 40].lower())[:1]
        if before.lower().split()[-1:] and before.lower().split()[-1] in _HEADS or after[:1] and after[0] in _ORG_HEADS:
            continue  # the name of a place or an organisation goes on
        if (word in asked_words or word in ROLES or word in _ORG_WORDS or word in LEVELS or word in PLACES
                or word in _HEADS or word in QUALIFIERS or word in _DIRECTIONS.split() or expanded(word) != (word,)
                or word in MONTH_WORDS or word in _ENGLISH_PLACES or word in _ENGLISH_ROLES):
            continue
        found.append((m.start(), m.end()))
    return found


MONTH_WORDS = frozenset("januari februari maret april mei juni juli agustus september oktober november desember".split())


def contains(seq: tuple[str, ...], form: tuple[str, ...]) -> bool:
    """Whether ``form`` stands in ``seq`` as consecutive words."""
    n = len(form)
    return n > 0 and any(seq[i:i + n] == form for i in range(len(seq) - n + 1))


TYPO_LENGTH = 6  # words this long may be misspelt by one letter in an article ("Jawa Tengab", "Kanwul Kemenkumham")


def one_typo(word: str, other: str) -> bool:
    """Whether ``other`` is ``word`` with one letter changed, added or dropped (not the first letter), both at least
    :data:`TYPO_LENGTH` letters long."""
    if word == other or min(len(word), len(other)) < TYPO_LENGTH or abs(len(word) - len(other)) > 1 \
            or word[0] != other[0]:
        return False
    if len(word) == len(other):
        return sum(a != b for a, b in zip(word, other)) == 1
    short, long_ = sorted((word, other), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(1, len(long_)))


def nearly_contains(seq: tuple[str, ...], form: tuple[str, ...]) -> bool:
    """:func:`contains`, or ``form`` stands in ``seq`` with one of its words misspelt by one letter (:func:`one_typo`):
    news articles hold typos, and a place or an organisation they misspell is still the one they mean."""
    n = len(form)
    if contains(seq, form):
        return True
    for i in range(len(seq) - n + 1):
        wrong = [j for j in range(n) if seq[i + j] != form[j]]
        if len(wrong) == 1 and one_typo(form[wrong[0]], seq[i + wrong[0]]):
            return True
    return False
