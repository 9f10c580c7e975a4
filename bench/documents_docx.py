"""DOCX reading order for bench/documents.py: Word files with text that plain readers drop, read back.

``make_docx`` writes Word files with the WordprocessingML makers of ``tests/documents_made`` (tracked insertions and
deletions, text boxes, a table nested in a cell, content controls in the body, in a line and around a table row, one
showing its placeholder, fields simple and complex, one nested in another's code); ``measure_docx`` reads them with the project's reader, python-docx's
``Document.paragraphs`` (with and without the table cells) and docx2python when it is installed.
"""

from __future__ import annotations

import random
import time
from importlib import metadata
from pathlib import Path
from xml.sax.saxutils import escape

from bench.documents_extract import installed, norm


Expected = list[tuple[str, str]]  # (kind, text) in document order
Made = tuple[Expected, list[str], list[str], list[str]]  # expected; deleted texts, placeholder prompts, field codes
PROMPT = "Klik atau ketuk di sini untuk memasukkan teks."  # Word's placeholder of a plain text content control


def make_docx(folder: Path, files: int, sentences: list[str]) -> dict[str, Made]:
    """Word files with tracked changes, text boxes, a nested table, content controls and fields; per file the expected
    texts, and the deleted texts, placeholder prompts and field codes that should not be found."""
    from tests.documents_made import (complex_field, content_control, deleted, inserted, make_docx_body, paragraph, run,
                                      simple_field, table, text_box, vml_text_box)

    def text(words: list[str]) -> str:
        return escape(" ".join(words))

    def cell(sentence: str) -> str:
        return paragraph(run(escape(sentence)))

    def thirds(sentence: str, middle) -> list[str]:
        """A paragraph's XML: the sentence's first third as a run, its middle third through ``middle``, the rest."""
        words = sentence.split()
        third = len(words) // 3
        return [run(text(words[:third]) + " "), middle(text(words[third:2 * third]) + " "), run(text(words[2 * third:]))]

    made = {}
    for f in range(files):
        s = random.Random(900 + f).sample(sentences, 24)
        one, three = s[1].split(), s[3].split()
        third, half = len(one) // 3, len(three) // 2
        nested = table([cell(s[11]), cell(s[12])], [cell(s[13]), cell(s[14])])
        title = f"Surat Edaran Nomor {f + 1}"
        controlled_row = content_control(f"<w:tr><w:tc>{cell(s[22])}</w:tc><w:tc>{cell(s[23])}</w:tc></w:tr>")
        jenis = complex_field(" MERGEFIELD Jenis ", run("Jenis"))
        blocks = [
            paragraph(run(title), style="Heading1"),
            cell(s[0]),
            paragraph(run(text(one[:third]) + " "), inserted(text(one[third:2 * third]) + " "), run(text(one[2 * third:]))),
            paragraph(inserted(escape(s[2]))),
            paragraph(run(text(three[:half]) + " "), deleted(escape(s[4]) + " "), run(text(three[half:]))),
            paragraph(deleted(escape(s[5]))),
            paragraph(run(escape(s[6]) + " "), text_box(cell(s[7]))),
            paragraph(run(escape(s[8]) + " "), vml_text_box(cell(s[9]))),
            table([cell("Pelanggaran"), cell("Sanksi")], [cell(s[10]), paragraph() + nested + paragraph()]
                  ).removesuffix("</w:tbl>") + controlled_row + "</w:tbl>",
            cell(s[15]),
            content_control(cell(s[16])),
            paragraph(*thirds(s[17], lambda x: content_control(run(x)))),
            paragraph(run(escape(s[18]) + " "), content_control(run(PROMPT), placeholder=True)),
            paragraph(*thirds(s[19], lambda x: complex_field(" MERGEFIELD Isi ", run(x)))),
            paragraph(*thirds(s[20], lambda x: simple_field("DOCPROPERTY Perihal", x))),
            paragraph(*thirds(s[21], lambda x: complex_field((" IF ", jenis, ' = "A" "Ya" "Tidak" '), run(x)))),
        ]
        name = f"edaran_{f:03d}.docx"
        make_docx_body(folder / name, *blocks)
        expected = [("plain", title), ("plain", s[0]), ("insertion", s[1]), ("insertion", s[2]), ("plain", s[3]),
                    ("plain", s[6]), ("text box", s[7]), ("plain", s[8]), ("text box", s[9]), ("table", s[10])]
        expected += [("nested table", x) for x in s[11:15]] + [("content control", s[22]), ("content control", s[23])]
        expected += [("plain", s[15]), ("content control", s[16]), ("content control", s[17]), ("plain", s[18])]
        expected += [("field", x) for x in s[19:22]]
        codes = ["MERGEFIELD Isi", "DOCPROPERTY Perihal", "MERGEFIELD Jenis", '"Ya" "Tidak"']
        made[name] = ([(kind, norm(x)) for kind, x in expected], [norm(s[4]), norm(s[5])], [PROMPT], codes)
    return made


def _project_docx(path: Path) -> str:
    from qa.corpus.documents import read

    return read(path, "docx").text


def _paragraphs(path: Path, cells: bool = False) -> str:
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    if cells:
        texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(texts)


def _docx2python(path: Path) -> str:
    from docx2python import docx2python

    with docx2python(str(path)) as content:
        return content.text


KINDS = ("plain", "insertion", "text box", "table", "nested table", "content control", "field")


def measure_docx(folder: Path, made: dict[str, Made]) -> tuple[list[list], dict[str, int]]:
    """One row per reader: files/s, the share found by kind and in all, deleted texts, placeholder prompts and field
    codes found, found twice, in order; and per reader the consecutive pairs found out of order that are not both in the
    nested table."""
    readers = {"this project (`qa.corpus.documents`)": (_project_docx, "", ""),
               "python-docx `paragraphs`": (_paragraphs, "python-docx", "docx"),
               "python-docx `paragraphs` + table cells": (lambda p: _paragraphs(p, cells=True), "python-docx", "docx"),
               "docx2python `text`": (_docx2python, "docx2python", "docx2python")}
    rows, outside = [], {}
    for label, (call, package, module) in readers.items():
        if module and not installed(module):
            rows.append([label, "not installed"] + [""] * (len(KINDS) + 7))
            continue
        found = {kind: [0, 0] for kind in KINDS}
        unwanted = {what: [0, 0] for what in ("deleted", "prompts", "codes")}
        twice = ordered = pairs = outside[label] = 0
        started = time.perf_counter()
        for name, (expected, *gone) in made.items():
            text = norm(call(folder / name))
            for kind, want in expected:
                found[kind][0] += want in text
                found[kind][1] += 1
                twice += text.count(want) > 1
            for what, texts in zip(unwanted, gone):
                unwanted[what][0] += sum(x in text for x in texts)
                unwanted[what][1] += len(texts)
            where = [(text.find(want), kind) for kind, want in expected if want in text]
            ordered += sum(a < b for (a, _), (b, _) in zip(where, where[1:]))
            outside[label] += sum(a >= b and not k == j == "nested table" for (a, k), (b, j) in zip(where, where[1:]))
            pairs += max(0, len(where) - 1)
        seconds = time.perf_counter() - started
        share = [found[kind][0] / found[kind][1] for kind in KINDS]
        everything = sum(v[0] for v in found.values()) / sum(v[1] for v in found.values())
        rows.append([label, metadata.version(package) if package else "", f"{len(made) / seconds:.0f}"]
                    + [f"{x:.3f}" for x in share] + [f"{everything:.3f}"]
                    + [f"{n} of {total}" for n, total in unwanted.values()] + [twice, f"{ordered / max(1, pairs):.3f}"])
    return rows, outside
