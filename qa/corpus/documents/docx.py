"""DOCX: a Word file's paragraphs in order, with headings, list items and tables, with python-docx.

- Paragraphs and tables come in reading order: the body's, a content control's (``w:sdt``), a
  table's cells (a table nested in a cell too) and a text box's (``w:txbxContent``) right after the
  paragraph that anchors it. Tracked changes read as accepted: an insertion (``w:ins``, ``w:moveTo``)
  is text, a deletion (``w:del``, ``w:moveFrom``) is not. A drawing Word writes twice (``mc:Choice``
  and its ``mc:Fallback``) is read once. Rows and cells in a content control (a repeating section) are
  read in their table; a content control that shows its placeholder ("Klik di sini untuk memasukkan
  teks.") has no text. A field (``w:fldSimple``; ``w:fldChar`` begin, separate, end) reads as its
  result, the text Word shows (``3``, ``Andi Wijaya``), never as its code (``PAGE``, ``MERGEFIELD Nama``).
- A heading (style "Title" or "Heading N") is a line of its own; the first one is the title
  unless the file's properties name one that is not producer junk (:func:`.document.usable_title`).
- A list item keeps its marker, which Word stores apart from the text: ``1.``, ``2.`` … for a
  numbered list (``a.`` for a lettered one, counted per list and level), ``•`` for a bullet;
  nested levels are indented by two spaces.
- A table becomes one line per row after the first, each cell with its column header, as a
  reader can quote it: ``Jenis pelanggaran: Menyukai unggahan calon; Sanksi: Teguran lisan``.
  A table of one row is its cells joined with ``; ``.

Limits: a DOCX is a ZIP; before python-docx opens it, its members' declared sizes must add up
to at most ``MAX_UNPACKED`` bytes and number at most ``MAX_MEMBERS`` (a zip bomb posing as a
DOCX is refused with one line). Python's zipfile never inflates a member past its declared size.
"""

from __future__ import annotations

import logging
import string
import zipfile
from pathlib import Path
from typing import Iterator

from qa.corpus.documents.document import Document, usable_title
from qa.errors import DocumentError

logger = logging.getLogger(__name__)

MAX_UNPACKED = 64 << 20
MAX_MEMBERS = 5000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DocumentError(f"{path} is not a readable DOCX ({exc}; truncated or corrupt?); save it again from Word") from exc
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED:
        raise DocumentError(f"{path} unpacks to {unpacked >> 20} MB in {len(members)} parts; the limit is "
                            f"{MAX_UNPACKED >> 20} MB in {MAX_MEMBERS} (a zip bomb?); save it again from Word")


def _formats(document) -> dict[tuple[str, int], str]:
    """numFmt ("decimal", "bullet", "lowerLetter"…) by (numId, level), from the numbering part."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {a.get(_W + "abstractNumId"): a for a in numbering.iter(_W + "abstractNum")}
    found = {}
    for num in numbering.iter(_W + "num"):
        ref = num.find(_W + "abstractNumId")
        definition = abstract.get(ref.get(_W + "val")) if ref is not None else None
        if definition is None:
            continue
        for level in definition.iter(_W + "lvl"):
            fmt = level.find(_W + "numFmt")
            found[(num.get(_W + "numId"), int(level.get(_W + "ilvl", "0")))] = fmt.get(_W + "val") if fmt is not None else "decimal"
    return found


def _marker(fmt: str, count: int) -> str:
    if fmt == "bullet":
        return "•"
    if fmt in ("lowerLetter", "upperLetter"):
        letter = string.ascii_lowercase[(count - 1) % 26]
        return (letter.upper() if fmt == "upperLetter" else letter) + "."
    return f"{count}."


class _Lists:
    """Counts list items per list and level, to write the markers Word keeps apart from the text."""

    def __init__(self, formats: dict[tuple[str, int], str]) -> None:
        self.formats, self.counts = formats, {}

    def marker(self, paragraph) -> str | None:
        ppr = paragraph._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if numpr is not None and numpr.numId is not None:
            key = (str(numpr.numId.val), int(numpr.ilvl.val) if numpr.ilvl is not None else 0)
            fmt = self.formats.get(key, "decimal")
        elif style.startswith("List Number") or style.startswith("List Bullet"):
            level = int(style.rsplit(" ", 1)[-1]) - 1 if style[-1].isdigit() else 0
            key, fmt = (style.split(" ")[1], level), "bullet" if "Bullet" in style else "decimal"
        else:
            return None
        for other in [k for k in self.counts if k[0] == key[0] and k[1] > key[1]]:
            del self.counts[other]  # a deeper level starts again under each item
        self.counts[key] = self.counts.get(key, 0) + 1
        return "  " * key[1] + _marker(fmt, self.counts[key])

    def reset_style_lists(self) -> None:
        for key in [k for k in self.counts if k[0] in ("Number", "Bullet")]:
            del self.counts[key]


# The walk over a paragraph's XML is ours, over python-docx's element classes (CT_R.text gives a run's text with its tabs,
# breaks and no-break hyphens): python-docx 1.2's Paragraph.text reads only the runs that are direct children or in a
# hyperlink, so it drops tracked insertions, content controls, fields and text boxes. docx2python 3.7 reads all of them
# but puts a text box before the paragraph that anchors it and flattens nested tables into cells of their own; mammoth
# 1.13 reads them in order but as HTML without Word's list formats (a lettered list becomes numbered) and would add two
# dependencies and an HTML round trip. Measured on the issue-23 files (tests/test_document_kinds.py makes such files).
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_LEFT_OUT = {_W + "del", _W + "moveFrom", _W + "pPr", _W + "rPr", _MC + "Fallback"}  # deleted text; the 2nd drawing
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"}


def _placeholder(sdt) -> bool:
    """Whether a content control shows its placeholder ("Klik di sini untuk memasukkan teks."), not content."""
    shown = sdt.find(f"{_W}sdtPr/{_W}showingPlcHdr")
    return shown is not None and shown.get(_W + "val", "true") not in ("0", "false", "off")


def _field(mark, fields: list[bool]) -> None:
    """A field character (``w:fldChar``) read: ``fields`` holds one flag per open field, True while in its code."""
    kind = mark.get(_W + "fldCharType")
    if kind == "begin":
        fields.append(True)
    elif kind == "separate" and fields:
        fields[-1] = False
    elif kind == "end" and fields:
        fields.pop()


def _collect(element, parts: list[str], boxes: list, fields: list[bool]) -> None:
    """The text of the runs under ``element`` in order into ``parts``, its text boxes into ``boxes``; a field's code
    (``w:instrText``, and a field nested in it) stays out, its result (the text Word shows) is text."""
    for child in element:
        if child.tag in _LEFT_OUT or child.tag == _W + "sdt" and _placeholder(child):
            continue
        if child.tag == _W + "txbxContent":
            boxes.append(child)
        elif child.tag == _W + "r":
            mark = child.find(_W + "fldChar")
            if mark is not None:
                _field(mark, fields)
            elif not any(fields):
                parts.append(child.text)  # python-docx's CT_R.text: w:t, tabs, breaks; never w:instrText
            _collect(child, [], boxes, [])  # a drawing in the run may hold a text box
        else:
            _collect(child, parts, boxes, fields)


def _unwrap_table_controls(body) -> None:
    """Rows and cells inside a content control (``w:sdt``, ``w:customXml``: a repeating section, a form cell) moved out
    of it, in place, so that python-docx's ``Table.rows`` and ``_Row.cells`` (direct children only) see them."""
    for wrapper in list(body.iter(_W + "sdt", _W + "customXml")):
        parent = wrapper.getparent()
        if parent is None or parent.tag not in (_W + "tbl", _W + "tr"):
            continue
        content = wrapper.find(_W + "sdtContent") if wrapper.tag == _W + "sdt" else wrapper
        at = parent.index(wrapper)
        for child in [c for c in (content if content is not None else []) if c.tag != _W + "customXmlPr"]:
            parent.insert(at, child)
            at += 1
        parent.remove(wrapper)


def _blocks(container, parent) -> Iterator:
    """The paragraphs and tables of a body, cell or text box in order, content controls opened."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container:
        if child.tag == _W + "p":
            yield Paragraph(child, parent)
        elif child.tag == _W + "tbl":
            yield Table(child, parent)
        elif child.tag in _WRAPPERS and not (child.tag == _W + "sdt" and _placeholder(child)):
            yield from _blocks(child, parent)


def _lines(container, parent, lists: _Lists | None, headings: list[str]) -> list[str]:
    """A container's lines in reading order; list markers and headings where ``lists`` is given (not in a cell)."""
    from docx.table import Table

    lines: list[str] = []
    for block in _blocks(container, parent):
        if isinstance(block, Table):
            rows = _table_lines(block, headings)
            lines.extend(rows if lists is not None else ["; ".join(rows)] if rows else [])
            continue
        parts: list[str] = []
        boxes: list = []
        _collect(block._p, parts, boxes, [])
        text = " ".join("".join(parts).split())
        style = (block.style.name if block.style is not None else "") or ""
        if not text or lists is None:
            lines.extend([text] if text else [])
        elif style == "Title" or style.startswith("Heading"):
            lists.reset_style_lists()
            headings.append(text)
            lines.append(text)
        else:
            marker = lists.marker(block)
            lines.append(f"{marker} {text}" if marker else text)
        for box in boxes:
            lines.extend(_lines(box, block, lists, headings))
    return lines


def _table_lines(table, headings: list[str]) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(" ".join(_lines(cell._tc, cell, None, headings)).split()))
        rows.append(cells)
    if len(rows) < 2:
        return ["; ".join(c for c in cells if c) for cells in rows if any(cells)]
    header = rows[0]
    lines = []
    for cells in rows[1:]:
        pairs = [f"{header[i]}: {c}" if i < len(header) and header[i] else c for i, c in enumerate(cells) if c]
        if pairs:
            lines.append("; ".join(pairs))
    return lines


def read_docx(path: Path) -> Document:
    """The paragraphs, list items and tables of the Word file at ``path`` in order (see the module doc)."""
    import docx

    _check_zip(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for a broken package
        raise DocumentError(f"{path} is not a readable DOCX ({type(exc).__name__}: {exc}); save it again from Word") from exc
    headings: list[str] = []
    _unwrap_table_controls(document.element.body)
    lines = _lines(document.element.body, document, _Lists(_formats(document)), headings)
    title = usable_title(document.core_properties.title or "", path) or (headings[0] if headings else "")
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(f"{path} holds no text; check that it is the right file")
    return Document(text=text, title=title)
