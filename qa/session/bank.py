"""Training-session question banks: the file a trainer writes, read and checked line by line.

A bank is Markdown (``# title``, ``## section`` headings, one question per list item) or JSONL
(``{"question", "section", "expected", "answer", "note"}`` per line), UTF-8. In Markdown the expected
passages follow an arrow, then, after ``=``, the answer they should give; a note is an indented field under
its question::

    # Netralitas ASN
    ## Larangan
    - Apakah ASN boleh menjadi tim sukses? -> 000_5694f4041b0bfc12#2, 000_5694f4041b0bfc12 = tidak boleh
      catatan: tanyakan dulu pendapat peserta

``→`` works as well as ``->``; ``<!-- … -->`` comments are skipped; ``sumber:`` (or ``expected:``) under a question is the same as
the arrow, ``jawaban:`` (or ``answer:``) the same as ``=``, ``note:`` the same as ``catatan:``. An expected id is a passage id
(``<doc_id>#<n>``) or a doc id (any passage of that article). Anything else is a
:class:`~qa.errors.BankError` naming the file and the line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from qa.answering.ask import clean_question
from qa.errors import BankError, InputError

JSONL_FIELDS = ("question", "section", "expected", "answer", "note")
NOTE_FIELDS = ("catatan", "note")
EXPECTED_FIELDS = ("sumber", "expected")
ANSWER_FIELDS = ("jawaban", "answer")
ARROW = re.compile(r"\s*(?:→|->)\s*")
ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
FIELD = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*)$")
ID = re.compile(r"^[\w.-]+(?:#\d+)?$")


@dataclass(frozen=True)
class Question:
    """One prepared question: its text, section, expected passage or doc ids, the trainer's note, its line, and
    the answer the reader's span should hold ("" when the bank does not say)."""

    text: str
    section: str = ""
    expected: tuple[str, ...] = ()
    note: str = ""
    line: int = 0
    answer: str = ""


@dataclass(frozen=True)
class Bank:
    """A question bank as read from its file."""

    path: Path
    title: str
    questions: tuple[Question, ...]

    def sections(self) -> list[tuple[str, list[tuple[int, Question]]]]:
        """The questions grouped by section in file order, each with its 1-based number."""
        groups: list[tuple[str, list[tuple[int, Question]]]] = []
        for number, question in enumerate(self.questions, start=1):
            if not groups or groups[-1][0] != question.section:
                groups.append((question.section, []))
            groups[-1][1].append((number, question))
        return groups


def read_bank(path: str | Path) -> Bank:
    """Read a ``.md`` or ``.jsonl`` bank; a one-line :class:`BankError` names the line of anything malformed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".md", ".markdown", ".jsonl"):
        raise BankError(f"{path}: a question bank is a .md or .jsonl file; rename it or convert it")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BankError(f"{path} does not exist; give the path of a .md or .jsonl question bank") from exc
    except OSError as exc:
        raise BankError(f"{path} cannot be read ({exc.strerror or exc}); check the path and its permissions") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise BankError(f"{path} line {line} is not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from exc
    reader = _read_jsonl if suffix == ".jsonl" else _read_markdown
    title, questions = reader(path, text.splitlines())
    if not questions:
        how = "one JSON object per line" if suffix == ".jsonl" else "one question per line starting with '- '"
        raise BankError(f"{path} holds no questions; write {how}")
    seen: dict[str, int] = {}
    for question in questions:
        key = " ".join(question.text.casefold().rstrip("?!.… ").split())
        if key in seen:
            raise BankError(f"{path} line {question.line} repeats the question of line {seen[key]} "
                            f"({question.text!r}); remove one of them")
        seen[key] = question.line
    return Bank(path=path, title=title or path.stem.replace("-", " ").replace("_", " "), questions=tuple(questions))


def _fail(path: Path, line: int, problem: str) -> BankError:
    return BankError(f"{path} line {line}: {problem}")


def _question(path: Path, line: int, text: object) -> str:
    try:
        return clean_question(text)
    except InputError as exc:
        raise _fail(path, line, str(exc)) from exc


def _ids(path: Path, line: int, text: str) -> tuple[str, ...]:
    ids = tuple(part for part in re.split(r"[,;\s]+", text.strip()) if part)
    for value in ids:
        if not ID.match(value):
            raise _fail(path, line, f"{value!r} is not a passage id (like 004_8bd08da9835bcf30#1) or a doc id "
                                    "(like 004_8bd08da9835bcf30); copy the id from a handout or `qa ask --json`")
    return ids


def _answer(path: Path, line: int, text: str, stated: bool) -> str:
    """The expected answer, spacing normalised; an ``=`` (or field) with nothing after it is an error."""
    answer = " ".join(text.split())
    if stated and not answer:
        raise _fail(path, line, "the answer after '=' is empty; write the words the answer must hold, or drop the '='")
    return answer


def _read_markdown(path: Path, lines: list[str]) -> tuple[str, list[Question]]:
    title, section = "", ""
    questions: list[Question] = []
    comment = 0  # the line where an open <!-- comment --> began
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if comment or stripped.startswith("<!--"):
            comment = 0 if "-->" in stripped else (comment or number)
            continue
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        heading = re.match(r"^(#+)\s*(.*)$", stripped) if indent < 2 else None
        item = ITEM.match(stripped) if indent < 2 else None
        if heading:
            level, text = len(heading.group(1)), heading.group(2).strip().rstrip("#").strip()
            if not text:
                raise _fail(path, number, "the heading is empty; write its name after the #")
            if level == 1 and (title or questions):
                raise _fail(path, number, f"a second '# ' title ({text!r}); use '## ' for a section")
            if level > 2:
                raise _fail(path, number, f"'{heading.group(1)}' heading ({text!r}); use '## ' for a section")
            title, section = (text, section) if level == 1 else (title, text)
        elif item:
            text, *rest = ARROW.split(item.group(1), maxsplit=1)
            expected, _, answer = (rest[0] if rest else "").partition("=")
            questions.append(Question(text=_question(path, number, text), section=section,
                                      expected=_ids(path, number, expected), line=number,
                                      answer=_answer(path, number, answer, bool(_))))
        elif indent >= 2 and questions:
            field = FIELD.match(stripped)
            if not field:
                raise _fail(path, number, f"{stripped[:60]!r} under a question is not a field; write "
                                          "'catatan: …' or 'sumber: …', or put the question on one line")
            name, value = field.group(1).lower(), field.group(2).strip()
            last = questions[-1]
            if name in NOTE_FIELDS:
                questions[-1] = replace(last, note=f"{last.note} {value}".strip())
            elif name in EXPECTED_FIELDS:
                questions[-1] = replace(last, expected=last.expected + _ids(path, number, value))
            elif name in ANSWER_FIELDS:
                if last.answer:
                    raise _fail(path, number, "a second answer for the question; keep one")
                questions[-1] = replace(last, answer=_answer(path, number, value, True))
            else:
                raise _fail(path, number, f"unknown field {field.group(1)!r}; the fields are "
                                          "'catatan:' (note), 'sumber:' (expected ids) and 'jawaban:' (the answer)")
        else:
            raise _fail(path, number, f"{stripped[:60]!r} is not a question; start each question with '- ' "
                                      "and each section with '## '")
    if comment:
        raise _fail(path, comment, "the <!-- comment is never closed; end it with -->")
    return title, questions


def _read_jsonl(path: Path, lines: list[str]) -> tuple[str, list[Question]]:
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(path, number, f"not valid JSON ({exc.msg}); write one object like "
                                      '{"question": "…", "expected": ["…"]} per line') from exc
        if not isinstance(row, dict):
            raise _fail(path, number, "not a JSON object; write {\"question\": \"…\"}")
        unknown = sorted(set(row) - set(JSONL_FIELDS))
        if unknown:
            raise _fail(path, number, f"unknown field {unknown[0]!r}; the fields are {', '.join(JSONL_FIELDS)}")
        if "question" not in row:
            raise _fail(path, number, "no \"question\"; every line needs one")
        expected = row.get("expected") or []
        expected = [expected] if isinstance(expected, str) else expected
        for name in ("section", "note"):
            if not isinstance(row.get(name, ""), str):
                raise _fail(path, number, f"{name!r} must be text")
        if not isinstance(expected, list) or not all(isinstance(e, str) for e in expected):
            raise _fail(path, number, "'expected' must be a list of passage or doc ids")
        if not isinstance(row.get("answer", ""), str):
            raise _fail(path, number, "'answer' must be text")
        questions.append(Question(text=_question(path, number, row["question"]), section=row.get("section", "").strip(),
                                  expected=_ids(path, number, " ".join(expected)), note=row.get("note", "").strip(),
                                  line=number, answer=_answer(path, number, row.get("answer", ""), "answer" in row)))
    return "", questions
