"""Indonesian-aware lexical retrieval: tokens for BM25 (bm25s), with informal words and acronyms normalised.

Tokens are lower-cased words, with informal spellings mapped to standard ones (``yg`` →
``yang``, ``gak`` → ``tidak``), region and office short forms expanded (``jateng`` →
``jawa tengah``), stop words removed and the Snowball Indonesian stemmer applied, so that
``netralitasnya``, ``menjaga`` and ``dijaga`` meet their base words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

# Informal spellings, typos and short forms people type, mapped to the words articles use.
NORMALISE = {
    "yg": "yang", "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "enggak": "tidak", "tdk": "tidak",
    "gmn": "bagaimana", "gimana": "bagaimana", "dgn": "dengan", "utk": "untuk", "krn": "karena", "karna": "karena",
    "sdh": "sudah", "udah": "sudah", "udh": "sudah", "blm": "belum", "aja": "saja", "sm": "sama", "jd": "jadi",
    "bgt": "banget", "tsb": "tersebut", "dlm": "dalam", "pd": "pada", "kpd": "kepada", "org": "orang",
    "pilkda": "pilkada", "pilkadaa": "pilkada", "pemlu": "pemilu", "netralits": "netralitas", "netral2": "netral",
    "bawaslu2": "bawaslu", "siapakah": "siapa", "dimanakah": "dimana", "kapankah": "kapan",
}
# Short forms expanded into the words that may stand in the article instead (both are kept).
EXPAND = {
    "jateng": "jawa tengah", "jaksel": "jakarta selatan", "jabar": "jawa barat", "jatim": "jawa timur",
    "babel": "bangka belitung", "bateng": "bangka tengah", "medsos": "media sosial", "sekda": "sekretaris daerah",
    "pj": "penjabat", "plt": "pelaksana tugas", "wabup": "wakil bupati", "kades": "kepala desa",
    "asn": "aparatur sipil negara", "pns": "asn pegawai negeri sipil", "kanwil": "kantor wilayah",
    "kemenkumham": "kementerian hukum ham", "bawaslu": "badan pengawas pemilu", "kpu": "komisi pemilihan umum",
    "pilkada": "pemilihan kepala daerah", "pemilu": "pemilihan umum", "parpol": "partai politik",
    "opd": "organisasi perangkat daerah", "pemkot": "pemerintah kota", "pemkab": "pemerintah kabupaten",
    "tni": "tentara nasional indonesia", "polri": "polisi",
}
STOP_WORDS = frozenset(
    "yang dan di ke dari ini itu dengan untuk pada adalah dalam akan juga oleh atau ada sebagai karena bahwa "
    "tersebut para saat serta telah sudah bisa dapat agar kepada secara lebih masih tak pun lagi hingga antara "
    "apa siapa kapan dimana mana bagaimana berapa mengapa kenapa apakah ia dia mereka kita kami saya anda "
    "sebuah seorang suatu se nya lah kah the of a an is are was were what who when where which how in on at to "
    "for did does do by with from".split()
)
_WORD = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("indonesian")


def tokenize(text: str, expand: bool = True) -> list[str]:
    """Lexical tokens of a text (the same function serves passages and questions)."""
    text = unicodedata.normalize("NFKC", text).lower()
    words: list[str] = []
    for word in _WORD.findall(text):
        word = NORMALISE.get(word, word)
        words.append(word)
        if expand and word in EXPAND:
            words.extend(EXPAND[word].split())
    kept = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]
    return _stemmer().stemWords(kept)


class LexicalIndex:
    """BM25 over passages' lexical text, saved as bm25s's plain arrays and JSON (no pickle)."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25
        self._idf: dict[str, float] | None = None

    @classmethod
    def build(cls, texts: Sequence[str]) -> "LexicalIndex":
        import bm25s

        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        import bm25s

        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, load_corpus=False))

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every passage for the question (zeros when no word is known)."""
        ids = self._bm25.get_tokens_ids(tokenize(question))
        if not ids:
            return np.zeros(self._bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of every known token (computed once, from the BM25 arrays)."""
        if self._idf is None:
            n = self._bm25.scores["num_docs"]
            df = np.diff(np.asarray(self._bm25.scores["indptr"]))
            values = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
            self._idf = {token: float(values[i]) for token, i in self._bm25.vocab_dict.items() if i < len(values)}
        return self._idf
