"""News clean-up without rewriting: find the boilerplate spans of an article and its metadata.

The article text is never changed, so that every passage is a slice of it and its
offsets point into the text as loaded. Cleaning returns the *content blocks*: the
maximal runs of text that are left once the headline line, credit lines, related-article
lists, glued headlines and duplicated pull-quote fragments are taken out.

Lists are content (rules, findings, results are lists) unless they are provably furniture,
a list of other stories' headlines:

- the lines after a related-articles heading ("Baca juga:", "Berita Terkait", "Artikel Lainnya"),
  as long as each reads as a headline (no final period, at least half its words capitalised), or
  a line that names itself ("Baca juga: ...", "[Baca Juga: ...]", "SIMAK JUGA- ...");
- a bulleted list that ends the article, is not introduced by a line ending in ":", and whose
  every item (two or more) reads as a headline of five words or more.

A list whose items end with a period, are in sentence case, are numbered, or follow a colon is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Date patterns, defined once (qa.answering.quote finds dates in sentences with them too).
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Jum'at", "Sabtu", "Minggu", "Ahad")
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember")
DAYS = "(?:" + "|".join(DAY_NAMES) + ")"
MONTHS = "(?:" + "|".join(MONTH_NAMES) + ")"
SHORT_DATE = r"\(\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?\s*\)"  # (26/9), (22/2/2023)
_DATE = re.compile(
    rf"{DAYS}\s*{SHORT_DATE}"  # Rabu (22/2/2023), Kamis (26/9)
    rf"|{DAYS},?\s+\d{{1,2}}\s+{MONTHS}(?:\s+\d{{4}})?"  # Kamis, 6 Juni 2024
    rf"|\b\d{{1,2}}\s+{MONTHS}\s+\d{{4}}\b"  # 6 Juni 2024
)
_CREDIT = re.compile(
    r"^\s*(?:Pewarta|Editor|Penulis|Reporter|Redaktur|Fotografer|Pewarta foto|Baca juga|Baca Juga|BACA JUGA"
    r"|Simak juga|Sumber|Copyright|Hak cipta)\s*[:©]|^\s*(?:Copyright\s*)?©",
)
_BULLET = re.compile(r"^\s*[-•*–]\s+\S")
_LIST_MARK = re.compile(r"^\s*(?:[-•*–]|\d{1,3}[.)])\s+")  # "- ", "• ", "1. ", "2) "
_RELATED_HEADING = re.compile(r"^\s*(?:(?:Berita|Artikel)\s+(?:Terkait|Lainnya)|(?:Baca|Simak|Lihat)\s+juga)\s*:?\s*$", re.I)
_RELATED_LINE = re.compile(r"^\s*[\[(]?\s*(?:Baca|Simak|Lihat)\s+juga\s*[:\-–]\s*\S", re.I)  # "[Baca Juga: Judul]"
HEADLINE_CAPITALS = 0.5  # share of a headline's words that start with a capital or a digit
LIST_HEADLINE_WORDS = 5  # an unintroduced trailing list is furniture only when every item is a headline this long
_TRAILING_MARK = re.compile(r"\s*\*+\s*$")
_GLUED = re.compile(r"[a-z][A-Z][a-z]")  # "PerempuanMukhlisin": a headline run into a paragraph
_DATELINE = re.compile(r"^\s*(?P<head>[^\n!?]{2,60}?)\s+(?:-{1,2}|–|—)\s+(?=\S)")
_KNOWN_OUTLETS = ("ANTARA", "Kompas", "CNN Indonesia", "Tempo", "Detik", "Kumparan", "Merdeka",
                  "Suara", "Okezone", "Liputan6", "Republika", "Tribun", "Sindonews", "Jawa Pos")
_END_PUNCT = ".!?\"”’'"


@dataclass(frozen=True)
class Cleaned:
    """What clean-up found in one article: metadata plus the content blocks as (start, end)."""

    title: str
    title_from_text: bool
    outlet: str
    place: str
    date: str
    blocks: tuple[tuple[int, int], ...]


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _letters(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())


def _is_headline(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= 25 and line.rstrip()[-1:] not in _END_PUNCT and not _DATELINE.match(line)
            and not _LIST_MARK.match(line))


def _reads_as_headline(line: str, min_words: int = 2) -> bool:
    """A list item or line that reads as another story's headline: short, no final period, mostly capitalised."""
    item = _LIST_MARK.sub("", line).strip().strip("[]()")
    words = [w for w in item.split() if w[:1].isalnum()]
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words)
    return (min_words <= len(words) <= 25 and not item.endswith(".")
            and capitalised >= HEADLINE_CAPITALS * len(words))


def _furniture_lists(text: str, nonempty: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The lines of related-article lists (see the module doc); every other list is content."""
    found: set[tuple[int, int]] = set()
    for n, (s, e) in enumerate(nonempty):
        if _RELATED_LINE.match(text[s:e]):
            found.add((s, e))
        elif _RELATED_HEADING.match(text[s:e]):
            found.add((s, e))
            for following in nonempty[n + 1:]:
                if not _reads_as_headline(text[slice(*following)]):
                    break
                found.add(following)
    tail = len(nonempty)
    while tail and _BULLET.match(text[slice(*nonempty[tail - 1])]):
        tail -= 1
    items = nonempty[tail:]
    introduced = tail > 0 and text[slice(*nonempty[tail - 1])].rstrip().endswith(":")
    if len(items) >= 2 and not introduced and all(_reads_as_headline(text[s:e], LIST_HEADLINE_WORDS) for s, e in items):
        found.update(items)
    return found


def _dropped_spans(text: str) -> tuple[list[tuple[int, int]], str]:
    """Spans of boilerplate, and the headline (the first line when it is one)."""
    lines = [(s, e) for s, e in _lines(text)]
    nonempty = [(s, e) for s, e in lines if text[s:e].strip()]
    dropped: list[tuple[int, int]] = []
    title = ""
    if len(nonempty) > 1 and _is_headline(text[slice(*nonempty[0])]):
        title = text[slice(*nonempty[0])].strip()
        dropped.append(nonempty[0])
        nonempty = nonempty[1:]
    furniture = _furniture_lists(text, nonempty)  # related-article lists and their headings
    whole = _letters(text)
    for s, e in nonempty:
        line = text[s:e]
        if (s, e) in furniture or _CREDIT.match(line):
            dropped.append((s, e))
            continue
        glued = _GLUED.search(line)
        if glued:
            prefix = line[: glued.start() + 1]
            words = prefix.split()
            capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words)
            if len(words) >= 3 and not re.search(r"[.,:;!?\"“”]", prefix) and capitalised >= 0.6 * len(words):
                dropped.append((s, s + len(prefix)))
                continue
        # A short fragment with no end punctuation whose words all appear elsewhere (a pull quote).
        words = line.split()
        frag = _letters(line)
        if 2 <= len(words) < 15 and line.rstrip()[-1:] not in _END_PUNCT and len(frag) >= 15 and whole.count(frag) >= 2:
            dropped.append((s, e))
            continue
        mark = _TRAILING_MARK.search(line)
        if mark and mark.start() > 0:
            dropped.append((s + mark.start(), e))
    return sorted(dropped), title


def _blocks(text: str, dropped: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    blocks, pos = [], 0
    for s, e in dropped + [(len(text), len(text))]:
        if s > pos:
            piece = text[pos:s]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            if trail > lead and re.search(r"\w", piece):
                blocks.append((pos + lead, pos + trail))
        pos = max(pos, e)
    return tuple(blocks)


def _dateline(lead: str) -> tuple[str, str, int]:
    """Place and outlet from 'Semarang (ANTARA) - ', 'KOBA, AksaraNewsroom.ID – ', 'Suara.com - '."""
    match = _DATELINE.match(lead)
    if not match or len(match.group("head").split()) > 6:
        return "", "", 0
    head = match.group("head").strip()
    outlet = ""
    paren = re.search(r"\(([^)]+)\)", head)
    if paren:
        outlet, head = paren.group(1).strip(), (head[: paren.start()] + head[paren.end():]).strip(" ,")
    place = ""
    for part in [p.strip() for p in head.split(",") if p.strip()]:
        if not outlet and ("." in part or any(part.lower().startswith(o.lower()) for o in _KNOWN_OUTLETS)):
            outlet = part
        elif not place:
            place = part
    if place.isupper():
        place = place.title()
    return place, outlet, match.end()


def _short_title(sentence: str, max_words: int = 12) -> str:
    words = sentence.split()
    short = " ".join(words[:max_words]).rstrip(",;:")
    return short + ("…" if len(words) > max_words else "")


def clean(text: str, given_title: str = "", given_date: str = "", given_outlet: str = "") -> Cleaned:
    """Find boilerplate and metadata in one article's text (which stays unchanged)."""
    dropped, headline = _dropped_spans(text)
    blocks = _blocks(text, dropped)
    lead = text[blocks[0][0] : blocks[0][1]] if blocks else ""
    place, outlet, lead_start = _dateline(lead)
    if not outlet:
        credit = re.search(r"(?:Copyright|©)\s*©?\s*([A-Z][\w.]+)", text)
        outlet = credit.group(1) if credit else ""
    title, derived = given_title.strip() or headline, False
    if not title and lead:
        first_sentence = re.split(r"(?<=[.!?])\s", _LIST_MARK.sub("", lead[lead_start:], count=1), maxsplit=1)[0]
        title, derived = _short_title(first_sentence), True
    date = given_date
    if not date:
        found = _DATE.search(text, blocks[0][0] if blocks else 0)
        date = found.group(0) if found else ""
    return Cleaned(title=title, title_from_text=derived, outlet=given_outlet or outlet, place=place,
                   date=date, blocks=blocks)
