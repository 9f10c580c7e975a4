"""Which numbers, years and dates in a text may answer a *berapa* or *kapan* question (:mod:`qa.answering.verify`):
not the ones the question names itself, not a year or a date for *berapa*, not a duration for a count, not an
election's year for *kapan*. Pure functions over strings.
"""

from __future__ import annotations

import re

from qa.answering.question_type import COUNT, WHEN


# An election's name with its year ("Pemilu 2024", "Pilkada Serentak 2024", "the 2024 election") dates no event held
# before it: for a *kapan* question it is no answer ("Kapan penyuluhan … digelar?"), unless the question asks for the
# year of an election ("Tahun berapa pemilu serentak digelar?"); "In which year did Amin become chairman?" is not
# answered by "… netral dalam Pilkada 2024".
_ELECTION_YEAR = re.compile(r"\b(?:pemilu|pemilihan(?:\s+umum)?|pilkada|pileg|pilpres|pemilukada|election)"
                            r"(?:\s+(?:serentak|legislatif|presiden|kepala\s+daerah|umum))?\s+(?:tahun\s+)?(?:19|20)\d\d\b|"
                            r"\b(?:19|20)\d\d\s+(?:general\s+|regional\s+|presidential\s+)?elections?\b", re.IGNORECASE)
_ASKS_YEAR = re.compile(r"\b(?:tahun|year)\b", re.IGNORECASE)
_ELECTION = re.compile(r"\b(?:pemilu|pemilihan|pilkada|pileg|pilpres|pemilukada|elections?|vote|voting)\b", re.IGNORECASE)


def without(text: str, question: str, kind: str) -> str:
    """``text`` with the years and numbers the question itself names blanked: they answer no *kapan* or *berapa*;
    for *berapa*, years and dates too ("Pemilu 2024", "(26/9)" count nothing); for *kapan*, an election's year
    unless the year of an election is asked."""
    for number in set(re.findall(r"\d+", question)):
        text = re.sub(rf"(?<!\d){number}(?!\d)", " ", text)
    if kind == WHEN and not (_ASKS_YEAR.search(question) and _ELECTION.search(question)):
        text = _ELECTION_YEAR.sub(" ", text)
    if kind == COUNT:
        text = re.sub(r"\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)|\b(?:19|20)\d\d\b", " ", text)
        units = {u for u in _DURATION_UNITS if re.search(rf"\b{u}", question, re.IGNORECASE)}
        if re.search(r"\b(?:lama|lamanya|durasi|long|usia|umur|age|old)\b", question, re.IGNORECASE):
            units = set(_DURATION_UNITS)  # "Berapa lama …?": a duration is the answer
        text = _DURATION.sub(lambda m: m.group(0) if m.group(2).lower().startswith(tuple(units)) else " ", text)
    return text


# A number of time units ("lima tahunan", "3 hari") counts no people or things: for a *berapa* question that does not
# ask for that unit ("Berapa jumlah camat …?") it is no answer; "Berapa hari …?" and "Berapa lama …?" keep theirs.
_DURATION_UNITS = ("tahun", "bulan", "minggu", "pekan", "hari", "jam", "menit", "detik", "year", "month", "week", "day",
                   "hour", "minute")
_NUMBER_WORD = (r"\d[\d.,]*|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|se|"
                r"(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan)\s+(?:belas|puluh)")
_DURATION = re.compile(rf"\b({_NUMBER_WORD})\s*({'|'.join(_DURATION_UNITS)})\w*", re.IGNORECASE)
