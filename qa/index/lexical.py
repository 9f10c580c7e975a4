"""Indonesian-aware lexical retrieval: tokens for BM25 (bm25s), with informal words and acronyms normalised.

Tokens are lower-cased words, with informal spellings mapped to standard ones (``yg`` →
``yang``, ``gak`` → ``tidak``), region and office short forms expanded (``jateng`` →
``jawa tengah``), stop words removed and the Snowball Indonesian stemmer applied, so that
``netralitasnya``, ``menjaga`` and ``dijaga`` meet their base words. Soft hyphens and zero-width
characters inside a word are removed first (:func:`visible`): they split no word.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass


# Informal spellings, typos and short forms people type, mapped to the words articles use.
NORMALISE = {
    "yg": "yang", "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "enggak": "tidak", "tdk": "tidak",
    "ngga": "tidak", "engga": "tidak", "kagak": "tidak", "ndak": "tidak", "gmn": "bagaimana", "gimana": "bagaimana",
    "gmana": "bagaimana", "bgmn": "bagaimana", "knp": "kenapa", "napa": "kenapa", "dgn": "dengan", "utk": "untuk",
    "krn": "karena", "karna": "karena", "sdh": "sudah", "udah": "sudah", "udh": "sudah", "blm": "belum",
    "aja": "saja", "sm": "sama", "jd": "jadi", "bgt": "banget", "tsb": "tersebut", "dlm": "dalam", "pd": "pada",
    "kpd": "kepada", "org": "orang", "sy": "saya", "kalo": "kalau", "klo": "kalau", "jg": "juga", "lg": "lagi",
    "bs": "bisa", "hrs": "harus", "spt": "seperti", "trs": "terus", "tp": "tapi", "dr": "dari", "bkn": "bukan",
    "emang": "memang", "gitu": "begitu", "gini": "begini", "ngomong": "bicara", "ngomongin": "membicarakan",
    "kasih": "beri", "milih": "memilih", "pilkda": "pilkada", "pilkadaa": "pilkada", "pemlu": "pemilu", "netralits": "netralitas",
    "netral2": "netral", "bawaslu2": "bawaslu", "siapakah": "siapa", "dimanakah": "dimana", "kapankah": "kapan",
    "brp": "berapa", "brapa": "berapa", "kab": "kabupaten", "prov": "provinsi", "kec": "kecamatan",
    "inget": "ingat", "ngingetin": "mengingatkan", "diingetin": "diingatkan",
}
# Short forms expanded into the words that may stand in the article instead (both are kept).
EXPAND = {
    "jateng": "jawa tengah", "jaksel": "jakarta selatan", "jabar": "jawa barat", "jatim": "jawa timur",
    "jakpus": "jakarta pusat", "jakut": "jakarta utara", "jakbar": "jakarta barat", "jaktim": "jakarta timur",
    "diy": "yogyakarta", "jogja": "yogyakarta", "ntb": "nusa tenggara barat", "ntt": "nusa tenggara timur",
    "sumut": "sumatera utara", "sumbar": "sumatera barat", "sulsel": "sulawesi selatan", "kalsel": "kalimantan selatan",
    "babel": "bangka belitung", "bateng": "bangka tengah", "medsos": "media sosial", "sekda": "sekretaris daerah",
    "setda": "sekretariat daerah", "pj": "penjabat", "plt": "pelaksana tugas", "plh": "pelaksana harian",
    "wabup": "wakil bupati", "wawali": "wakil wali kota", "wagub": "wakil gubernur", "kades": "kepala desa",
    "kadiv": "kepala divisi", "kakanwil": "kepala kantor wilayah", "kadis": "kepala dinas",
    "asn": "aparatur sipil negara", "pns": "asn pegawai negeri sipil", "kanwil": "kantor wilayah",
    "kemenkumham": "kementerian hukum ham", "kemendagri": "kementerian dalam negeri", "kemenpanrb": "kementerian pan rb",
    "bkn": "badan kepegawaian negara", "kasn": "komisi aparatur sipil negara", "bawaslu": "badan pengawas pemilu",
    "panwaslu": "panitia pengawas pemilu", "kpu": "komisi pemilihan umum", "dkpp": "dewan kehormatan penyelenggara pemilu",
    "kpk": "komisi pemberantasan korupsi", "ott": "operasi tangkap tangan", "rakor": "rapat koordinasi",
    "timses": "tim sukses", "pilkada": "pemilihan kepala daerah", "pemilu": "pemilihan umum", "pilpres": "pemilihan presiden",
    "pileg": "pemilihan legislatif", "parpol": "partai politik", "capres": "calon presiden", "cawapres": "calon wakil presiden",
    "caleg": "calon legislatif", "cakada": "calon kepala daerah", "paslon": "pasangan calon",
    "opd": "organisasi perangkat daerah", "pemkot": "pemerintah kota", "pemkab": "pemerintah kabupaten",
    "pemprov": "pemerintah provinsi", "pemda": "pemerintah daerah", "dprd": "dewan perwakilan rakyat daerah",
    "dpr": "dewan perwakilan rakyat", "mk": "mahkamah konstitusi", "ham": "hak asasi manusia",
    "tni": "tentara nasional indonesia", "polri": "polisi", "forkompimda": "forum koordinasi pimpinan daerah",
}
# English words of questions about the articles, with the Indonesian words the articles use (both are kept),
# so that an English question still meets the passage lexically.
ENGLISH = {
    "civil": "sipil", "servant": "asn aparatur pegawai", "servants": "asn aparatur pegawai", "employee": "pegawai",
    "employees": "pegawai", "officials": "pejabat aparatur", "official": "pejabat", "officer": "petugas pejabat",
    "neutral": "netral", "neutrality": "netralitas", "election": "pemilu pemilihan", "elections": "pemilu pemilihan",
    "regional": "daerah pilkada", "local": "daerah", "general": "umum", "vote": "pilih", "voting": "pilih",
    "voters": "pemilih", "candidate": "calon", "candidates": "calon", "campaign": "kampanye", "party": "partai",
    "parties": "partai", "political": "politik", "politics": "politik", "supervisory": "pengawas", "supervise": "awasi",
    "supervised": "diawasi", "supervision": "pengawasan", "monitor": "awasi", "agency": "badan", "board": "badan",
    "ministry": "kementerian", "law": "hukum", "legal": "hukum", "human": "manusia", "rights": "hak ham",
    "counseling": "penyuluhan", "counselling": "penyuluhan", "outreach": "penyuluhan sosialisasi",
    "socialization": "sosialisasi", "declaration": "deklarasi", "meeting": "rapat rakor", "coordination": "koordinasi",
    "event": "kegiatan acara", "activity": "kegiatan", "theme": "tema", "title": "judul tema",
    "opened": "dibuka membuka", "open": "buka", "held": "digelar diadakan dilaksanakan", "hold": "gelar",
    "attended": "hadir dihadiri", "attend": "hadir", "present": "hadir", "represented": "diwakili", "representing": "mewakili",
    "head": "kepala ketua", "chief": "kepala", "chairman": "ketua", "chair": "ketua", "leader": "pemimpin pimpinan",
    "led": "pimpinan dipimpin", "secretary": "sekretaris", "deputy": "wakil", "vice": "wakil", "acting": "penjabat plt",
    "governor": "gubernur", "regent": "bupati", "mayor": "wali kota", "village": "desa", "villages": "desa",
    "district": "kabupaten kecamatan", "regency": "kabupaten", "province": "provinsi", "provincial": "provinsi",
    "city": "kota", "office": "kantor", "division": "divisi", "administration": "administrasi",
    "central": "tengah pusat", "java": "jawa", "south": "selatan", "north": "utara", "east": "timur", "west": "barat",
    "police": "polri polisi", "military": "tni",
    "army": "tni", "forbidden": "dilarang larangan", "prohibited": "dilarang larangan", "banned": "dilarang",
    "allowed": "boleh", "may": "boleh", "must": "harus wajib", "should": "harus", "right": "hak",
    "volunteer": "relawan", "volunteers": "relawan", "team": "tim", "success": "sukses", "social": "sosial",
    "careful": "hati", "violation": "pelanggaran", "violations": "pelanggaran", "violate": "melanggar",
    "sanction": "sanksi", "sanctions": "sanksi", "penalty": "sanksi hukuman", "punishment": "hukuman sanksi",
    "challenge": "tantangan", "challenges": "tantangan", "potential": "potensi", "reason": "alasan karena",
    "why": "mengapa karena", "because": "karena", "example": "contoh", "examples": "contoh", "small": "kecil",
    "public": "publik masyarakat", "service": "pelayanan layanan", "services": "pelayanan", "people": "masyarakat rakyat",
    "community": "masyarakat", "society": "masyarakat", "commitment": "komitmen", "role": "peran", "model": "teladan contoh",
    "speech": "sambutan", "said": "mengatakan", "says": "mengatakan", "stated": "menegaskan", "remind": "mengingatkan",
    "reminded": "mengingatkan", "urged": "mengimbau", "urge": "imbau", "asked": "meminta", "warned": "mengingatkan",
    "building": "gedung", "room": "ruang", "date": "tanggal", "day": "hari", "year": "tahun",
    "month": "bulan", "june": "juni", "january": "januari", "february": "februari",
    "democracy": "demokrasi", "corruption": "korupsi", "arrest": "tangkap", "former": "mantan", "previously": "sebelumnya",
    "organizer": "penggagas penyelenggara", "initiated": "diinisiasi penggagas", "initiator": "penggagas",
    "speaker": "narasumber", "speakers": "narasumber", "source": "narasumber sumber", "speak": "bicara",
    "spoke": "berbicara", "salary": "gaji", "won": "menang", "win": "menang", "winner": "pemenang",
    "invited": "diundang mengundang", "invite": "undang", "involved": "dilibatkan melibatkan", "organized": "diselenggarakan",
    "participated": "diikuti mengikuti", "participate": "ikut",
}
# English function words: stop words here, and an English question's tell in qa.answering.abstain (it meets
# Indonesian passages at a lower cosine).
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of a an is are was were what who whom whose when where which why how in on at to "
    "for did does do by with from about this that these those be been has have had it its they their".split()
)
STOP_WORDS = frozenset(
    "yang dan di ke dari ini itu dengan untuk pada adalah dalam akan juga oleh atau ada sebagai karena bahwa "
    "tersebut para saat serta telah sudah bisa dapat agar kepada secara lebih masih tak pun lagi hingga antara "
    "apa siapa kapan dimana mana bagaimana berapa mengapa kenapa apakah ia dia mereka kita kami saya anda "
    "sebuah seorang suatu se nya lah kah sih dong deh kok ya yah nih tuh".split()
) | ENGLISH_FUNCTION_WORDS
# Bump when tokens change: an index whose BM25 was built with other tokens is rebuilt (its embeddings reused).
TOKENS_VERSION = 6  # 6: "media" and "menteri" stem to themselves (5: soft hyphens and zero-width characters inside
# words are removed; 4: "why" a function word)
_WORD = re.compile(r"[0-9a-z]+")
# Soft hyphens and zero-width characters: invisible, and no word boundary ("Pan\u00adwas\u00adcam" is one word, as
# text copied from web pages keeps them). Removed before matching, never from the stored text.
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def visible(text: str) -> str:
    """``text`` without soft hyphens and zero-width characters (U+00AD, U+200B, U+200C, U+200D, U+2060, U+FEFF)."""
    return INVISIBLE.sub("", text)


_PER_THREAD = threading.local()


def _stemmer():
    """This thread's Snowball stemmer (PyStemmer objects are not safe to share between threads)."""
    stemmer = getattr(_PER_THREAD, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _PER_THREAD.stemmer = Stemmer.Stemmer("indonesian")
    return stemmer


# Informal verb forms: "ngarahin" (mengarahkan), "diadain" (diadakan), "ngecek" (cek). Words that only look so stay.
_NOT_INFORMAL = frozenset("dingin ingin miskin mesin kemarin yakin pemimpin pimpin izin rutin latin cermin angin main "
                          "lain musim dinding ngeri dimin ngilu".split())


def informal(word: str) -> str:
    """The standard form of an informal ``ng-``/``nge-``/``di-`` … ``-in`` verb (unchanged otherwise)."""
    if len(word) < 6 or word in _NOT_INFORMAL:
        return word
    if word.startswith("nge") and len(word) > 6:
        return word[3:-2] + "kan" if word.endswith("in") else word[3:]
    if word.endswith("in") and word.startswith(("ng", "di")):
        stem = word[:-2] + "kan"
        return "me" + stem if stem.startswith("ng") and stem[2] in "aiueo" else stem
    return word


_TYPED = re.compile(r"[0-9A-Za-z]+")


def standard(text: str) -> str:
    """``text`` with informal spellings in their standard form ("asn boleh ga ngarahin warga?" → "asn boleh tidak
    mengarahkan warga?"): :data:`NORMALISE` and :func:`informal`; formal question words ("dimanakah"), other words and
    punctuation as typed."""
    def word(match: re.Match) -> str:
        typed = match.group(0)
        lower = typed.lower()
        if lower.endswith("kah"):  # "dimanakah", "siapakah": formal, as the model reads them
            return typed
        formal = informal(NORMALISE.get(lower, lower))
        return typed if formal == lower else formal
    return _TYPED.sub(word, visible(text))


@dataclass(frozen=True)
class Term:
    """One informative word of a text: its stem, the stems of the phrase it abbreviates (all needed), and of
    the words that may stand for it (any one will do: "ketidaknetralan" → "netral", English → Indonesian)."""

    stem: str
    phrase: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()


def _informative(word: str) -> bool:
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


# Root words the Snowball stemmer strips as if prefixed ("media" → "dia", "menteri" → "teri"), while their derived
# forms keep the root ("bermedia" → "media", "kementerian" → "menteri"): kept whole, so that both meet.
ROOTS = frozenset({"media", "menteri"})


def _stems(words: list[str]) -> list[str]:
    return [word if word in ROOTS else root for word, root in zip(words, _stemmer().stemWords(words))]


def terms(text: str) -> list[Term]:
    """The informative words of a text, normalised, with their expansions."""
    text = visible(unicodedata.normalize("NFKC", text)).lower()
    words = [informal(NORMALISE.get(w, w)) for w in _WORD.findall(text)]
    kept = [w for w in words if _informative(w)]
    stem = _stems
    found = []
    for word, root in zip(kept, stem(kept)):
        phrase = tuple(stem([w for w in EXPAND.get(word, "").split() if _informative(w)]))
        alternatives = tuple(stem([w for w in ENGLISH.get(word, "").split() if _informative(w)]))
        if root.startswith("tidak") and len(root) > 8:  # "ketidaknetralan" stems to "tidaknetral"
            alternatives += (root[5:],)
        found.append(Term(root, phrase, tuple(a for a in dict.fromkeys(alternatives) if a != root)))
    return found


def tokenize(text: str, expand: bool = True) -> list[str]:
    """Lexical tokens of a text (the same function serves passages and questions)."""
    if not expand:
        return [t.stem for t in terms(text)]
    return [token for t in terms(text) for token in (t.stem, *t.phrase, *t.alternatives)]
