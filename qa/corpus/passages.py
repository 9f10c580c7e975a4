"""Split an article's content blocks into sentences, and sentences into overlapping passages.

Every sentence and passage is a (start, end) slice of the article text as loaded, so
``article.text[start:end] == passage.text`` always holds. Passages never cross a dropped
boilerplate span, because they are built inside one content block.

Every passage overlaps the next one of its block, whatever the text looks like: a "sentence" (a
sentence, a list item, a line, or a piece of a run of words without punctuation) is at most half a
passage long, so a passage always holds two or more of them and the next passage starts with at
least its last one (more, up to ``overlap_words``). A fact cut by one passage's end is whole in the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period without ending a sentence (lower-cased, without the period).
ABBREVIATIONS = frozenset(
    "dr drs dra ir prof h hj st sh mh se mm msi mpd spd skm kh ust no nomor hal jl jln kab kec kel kota prov "
    "tbk pt cv bpk ibu sdr sdri yth dll dsb dst dkk tsb a.n u.p s.d vs ttd wib wita wit rp mr mrs ms jr sr "
    "inc ltd co corp dept gen kol letjen mayjen brigjen kapt lettu serka aiptu ipda iptu akp kompol akbp kombes "
    "irjen komjen s.h m.h m.si s.e s.pd s.sos s.ip m.m m.pd".split()
)
_END = re.compile(r"[.!?…]+[\"”’')\]]*")
_LAST_WORD = re.compile(r"([\w.]+)$")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_OPENERS = "\"“‘'([«"
_LINE_START = re.compile(r"\n\s*(?=[A-Z\"“‘(]|[-•*–]\s|\d{1,3}[.)]\s)")  # a new paragraph, list item or numbered item
RECIPE = "sentences of at most half a passage, lines and list items apart, every window overlapping (2)"


@dataclass(frozen=True)
class Passage:
    """One retrievable unit of an article: its id, its slice of the text and its sentences."""

    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]  # absolute (start, end) of each sentence


def _is_boundary(text: str, match: re.Match, end: int) -> bool:
    stop = match.end()
    if stop >= end:
        return True
    nxt = text[stop]
    punct = match.group(0)
    word = _LAST_WORD.search(text[max(0, match.start() - 40) : match.start()])
    token = word.group(1).lower() if word else ""
    if punct == ".":
        if token in ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
            return False  # "Anton E. Wardhana", "Dr. Amin", "S.H. dan"
        if token.isdigit() and text[stop : stop + 1].isdigit():
            return False  # "1.000"
    if nxt.isspace():
        found = _NEXT_CHAR.match(text, stop, end)
        following = found.group(1) if found else ""
        return bool(following) and (following.isupper() or following.isdigit() or following in _OPENERS or not following.isalnum())
    # Glued sentences such as 'terangnya.Mukhlisin': lower-case word, period, capital, lower-case.
    return punct in {".", "!", "?"} and len(token) >= 3 and token.isalpha() and token.islower() and nxt.isupper() and text[stop + 1 : stop + 2].islower()


def sentences(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end]; paragraph starts also end a sentence.

    A sentence longer than ``max_words`` words is cut at word boundaries, so that no
    passage outgrows the model's window even for an article with no punctuation at all.
    """
    cuts = [start]
    for match in _END.finditer(text, start, end):
        if _is_boundary(text, match, end):
            cuts.append(match.end())
    for newline in _LINE_START.finditer(text, start, end):
        cuts.append(newline.start())
    cuts = sorted(set(cuts + [end]))
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
        if trail > lead:
            spans.extend(_split_long(text, a + lead, a + trail, max_words))
    return spans


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """The span cut at word boundaries into the fewest pieces of at most ``max_words`` words, of equal length."""
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    if len(words) <= max_words:
        return [(start, end)]
    pieces = -(-len(words) // max_words)
    bounds = [round(n * len(words) / pieces) for n in range(pieces + 1)]
    return [(start + words[a][0], start + words[b - 1][1]) for a, b in zip(bounds, bounds[1:])]


def _words(text: str, span: tuple[int, int]) -> int:
    return len(text[span[0] : span[1]].split())


def windows(text: str, spans: list[tuple[int, int]], target_words: int, overlap_words: int) -> list[list[tuple[int, int]]]:
    """Group consecutive sentences into windows of about ``target_words`` words.

    Each next window starts with the last sentences of the previous one, up to
    ``overlap_words`` words and at least one, so that a fact near a border is whole in some passage
    (sentences of at most ``target_words // 2`` words, as :func:`split` makes them, fill every window
    with two or more).
    """
    groups: list[list[tuple[int, int]]] = []
    i = 0
    while i < len(spans):
        j, count = i, 0
        while j < len(spans) and (j == i or count + _words(text, spans[j]) <= target_words):
            count += _words(text, spans[j])
            j += 1
        groups.append(spans[i:j])
        if j >= len(spans):
            break
        back, carried = j, 0
        while back - 1 > i and (carried + _words(text, spans[back - 1]) <= overlap_words
                                or (back == j and overlap_words > 0)):
            back -= 1
            carried += _words(text, spans[back])
        i = back
    return groups


def split(doc_id: str, text: str, blocks: tuple[tuple[int, int], ...], target_words: int = 120,
          overlap_words: int = 50) -> list[Passage]:
    """All passages of one article, numbered ``<doc_id>#0``, ``#1``, ... in reading order."""
    passages: list[Passage] = []
    for block_start, block_end in blocks:
        spans = sentences(text, block_start, block_end, max_words=max(1, target_words // 2))
        for group in windows(text, spans, target_words, overlap_words):
            start, end = group[0][0], group[-1][1]
            passages.append(Passage(passage_id=f"{doc_id}#{len(passages)}", doc_id=doc_id, start=start, end=end,
                                    text=text[start:end], sentences=tuple(group)))
    return passages
