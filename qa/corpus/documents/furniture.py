"""A PDF's pages as running text: running headers, footers and page numbers out, lines unwrapped, hyphens joined.

Works on each page's lines as the text layer gives them (see :mod:`.pdf`):

- **Furniture.** Among the first and last ``EDGE_LINES`` lines of each page, a line is a running
  header or footer when the same line, with its digits ignored, sits at an edge of at least
  ``REPEAT_SHARE`` of the pages with text (and of two pages at least): "PEDOMAN NETRALITAS ASN",
  "GNU Bash 5.2 2022 September 19 2". A line that is only a page number ("3", "- 3 -",
  "Halaman 3 dari 40", "hlm. 3", "Page 3 of 40", "3/40") is removed at an edge of any page.
  A line at an edge that starts or ends with the page's printed number is one too ("Chapter 3:
  Basic Shell Features 34"), where printed numbers run with the pages: the printed number is the
  page's position less the same offset at an edge of that share of pages.
  Lines are removed from each edge inwards, stopping at the first line that is content. When the
  text layer runs a footer or header into a content line ("…pelanggaranHalaman 2 dari 20"), the
  glued part is cut off the page's first or last line: a page number with its total, or a line
  that is a running header or footer on other pages.
- **Hyphens.** A line ending in a hyphen (or PDFium's U+FFFE line-end hyphen marker) followed by
  a line that starts in lower case is one word: "pemi-" + "lihan" is "pemilihan". The hyphen is
  kept for Indonesian reduplication ("masing-" + "masing", "sewenang-" + "wenang").
- **Lines.** Wrapped lines are joined with a space into paragraphs; a line break is kept after a
  line ending in ``. ! ? : ;`` and before a list item ("1.", "a.", "a)", "-", "•") or a
  heading-like line (BAB, Pasal, Bagian, or all capitals).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

EDGE_LINES = 3
REPEAT_SHARE = 0.4
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:halaman|hal\.?|hlm\.?|page|p\.)\s*)?\d{1,4}(?:\s*(?:/|dari|of)\s*\d{1,4})?[-–—\s]*$", re.I)
_HYPHENS = ("-", "\ufffe", "\u00ad", "\u2010")
_LIST_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\)|[-•▪●◦*–])\s")
_HEADING = re.compile(r"^(?:BAB|Bab|Pasal|PASAL|Bagian|BAGIAN|Paragraf|Lampiran|LAMPIRAN)\b")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_MARKED = re.compile(r"(\w*)\ufffe\s*(\w*)")  # PDFium's line-end hyphen, with or without the line break after it
_EDGE_NUMBER = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")


def _unmark(match: re.Match) -> str:
    left, right = match.group(1), match.group(2)
    if right and left.lower().endswith(right.lower()):
        return f"{left}-{right}"  # reduplication: masing-masing
    return left + right


def page_lines(raw: str) -> list[str]:
    """A page's text as its non-empty lines, stripped, control characters removed (CRLF, CR and LF all end a line),
    words PDFium marked as hyphenated at a line end joined."""
    text = _MARKED.sub(_unmark, raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def _edge(lines: list[str]) -> list[str]:
    return lines[:EDGE_LINES] + lines[-EDGE_LINES:] if len(lines) > 2 * EDGE_LINES else lines


def _numbers(line: str) -> set[int]:
    """The numbers a line starts or ends with."""
    return {int(n) for m in _EDGE_NUMBER.finditer(line) for n in m.groups() if n}


def _page_offset(pages: Sequence[list[str]], needed: float) -> int | None:
    """Position less printed number that most pages' edge lines agree on, when at least ``needed`` pages do."""
    offsets: Counter[int] = Counter()
    for position, lines in enumerate(pages):
        offsets.update({position - n for line in _edge(lines) for n in _numbers(line)})
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    return offset if count >= needed else None


def strip_furniture(pages: Sequence[list[str]]) -> list[list[str]]:
    """Each page's lines without its running headers, footers and page numbers (see the module doc)."""
    with_text = [lines for lines in pages if lines]
    edges: Counter[str] = Counter()
    for lines in with_text:
        edges.update(set(map(_key, _edge(lines))))
    needed = max(2, REPEAT_SHARE * len(with_text))
    offset = _page_offset(pages, needed)

    def furniture(line: str, position: int) -> bool:
        return bool(_PAGE_NUMBER.match(line)) or edges[_key(line)] >= needed or (
            offset is not None and position - offset in _numbers(line))

    glued = [_glued_pattern(key) for key, count in edges.items() if count >= needed and re.search(r"\w", key)]
    kept = []
    for position, lines in enumerate(pages):
        top, bottom = 0, len(lines)
        while top < min(EDGE_LINES, bottom) and furniture(lines[top], position):
            top += 1
        while bottom > max(top, len(lines) - EDGE_LINES) and furniture(lines[bottom - 1], position):
            bottom -= 1
        page = lines[top:bottom]
        if page:
            page[0], page[-1] = _unglued(page[0], glued, head=True), _unglued(page[-1], glued, head=False)
        kept.append([line for line in page if line])
    return kept


_PAGE_OF_TOTAL = re.compile(r"(?:halaman|hal\.|hlm\.|page)\s*\d{1,4}\s*(?:/|dari|of)\s*\d{1,4}\s*$", re.I)


def _glued_pattern(key: str) -> re.Pattern:
    """A furniture line's key (lower case, digits as #) as a pattern that finds it inside another line."""
    return re.compile(r"\s*".join(re.escape(part).replace("\\#", "#").replace("#", r"\d+") for part in key.split()),
                      re.I)


def _unglued(line: str, glued: list[re.Pattern], head: bool) -> str:
    """A page's first (``head``) or last line without a running header or footer run into it."""
    if not head:
        found = _PAGE_OF_TOTAL.search(line)
        if found and found.start() > 0:
            line = line[: found.start()].rstrip()
    for pattern in glued:
        if head and (found := pattern.match(line)) and found.end() < len(line):
            line = line[found.end():].lstrip()
        elif not head and (found := _search_end(pattern, line)) is not None and found > 0:
            line = line[:found].rstrip()
    return line


def _search_end(pattern: re.Pattern, line: str) -> int | None:
    """Where a match of ``pattern`` that ends the line starts, or None."""
    for found in pattern.finditer(line):
        if found.end() == len(line.rstrip()):
            return found.start()
    return None


def _hyphenated(left: str, right: str) -> bool:
    return left.endswith(_HYPHENS) and len(left) > 1 and left[-2].isalpha() and right[:1].islower()


def _joint(left: str, right: str) -> str:
    """What goes between two lines: "" (a hyphenated word, hyphen dropped by the caller), " " or "\\n"."""
    if _hyphenated(left, right):
        return ""
    if left.endswith((".", "!", "?", ":", ";")) or _LIST_ITEM.match(right) or _HEADING.match(right) \
            or _HEADING.match(left) or (right.isupper() and len(right) > 3) or (left.isupper() and len(left) > 3):
        return "\n"
    return " "


def _join_hyphen(left: str, right: str) -> str:
    """``left`` (ending in a hyphen) ready to be followed by ``right``: the hyphen dropped unless it is reduplication."""
    stem = left[:-1]
    word = re.search(r"(\w+)$", stem)
    following = re.match(r"(\w+)", right)
    if word and following and word.group(1).lower().endswith(following.group(1).lower()):
        return stem + "-"  # masing-masing, sewenang-wenang
    return stem


def _rejoin(parts: list[str], right: str) -> int:
    """Make the last part ready for the hyphenated word's rest ``right``; returns the change in length."""
    before = len(parts[-1])
    parts[-1] = _join_hyphen(parts[-1], right)
    return len(parts[-1]) - before


def running_text(pages: Sequence[list[str]]) -> tuple[str, tuple[int, ...]]:
    """The pages' lines as one text and the start offset of every page in it.

    Pages are separated by a blank line, unless a sentence or a hyphenated word runs on from one
    page to the next, when they are joined like lines. A page without lines starts where the next begins.
    """
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    previous = ""
    pending: list[int] = []  # pages without lines waiting for the next page's start
    for lines in pages:
        if not lines:
            pending.append(len(starts))
            starts.append(0)
            continue
        if previous:
            joint = _joint(previous, lines[0])
            if joint == "":
                length += _rejoin(parts, lines[0])
            else:
                joint = "\n\n" if joint == "\n" else " "
                parts.append(joint)
                length += len(joint)
        for page in pending:
            starts[page] = length
        pending = []
        starts.append(length)
        for i, line in enumerate(lines):
            if i:
                joint = _joint(lines[i - 1], line)
                if joint == "":
                    length += _rejoin(parts, line)
                else:
                    parts.append(joint)
                    length += len(joint)
            parts.append(line)
            length += len(line)
        previous = lines[-1]
    for page in pending:
        starts[page] = length
    return "".join(parts), tuple(starts)
