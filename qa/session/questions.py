"""The trainer's view of the question record (``qa questions``): the questions asked, newest first, with their
outcome and feedback, and a summary of the content gaps (questions the articles did not answer, answers voted down).

Reads :mod:`qa.session.record`; writes nothing but the ``--csv`` file (whole or not at all).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import date
from pathlib import Path

from qa.errors import InputError
from qa.session.record import Row, export

NOT_ANSWERED = ("not_sure", "no_answer")


def since_day(text: str | None) -> str:
    """``--since`` checked: a YYYY-MM-DD day (returned as written), or "" for none; an InputError otherwise."""
    if not text:
        return ""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(f"--since {text!r} is not a day; write it as YYYY-MM-DD, e.g. 2026-12-01") from None


def newest_first(rows: list[Row], since: str = "") -> list[Row]:
    """``rows`` (oldest first, as the record gives them) from the day ``since`` on (UTC), newest first."""
    return [row for row in reversed(rows) if row.at[:10] >= since]


def as_json(row: Row) -> dict:
    """One question as a JSON object: ``time``, ``question`` (as typed), ``read_as`` (as understood), ``outcome``,
    ``feedback`` ("up", "down", "up/down" or "" for none, with ``notes``), then the record's other fields."""
    feedback = "/".join(name for name, count in (("up", row.up), ("down", row.down)) if count)
    return {"time": row.at, "question": row.asked, "read_as": row.question, "outcome": row.outcome,
            "feedback": feedback, **{k: v for k, v in asdict(row).items() if k not in ("at", "asked", "question")}}


def summary(rows: list[Row]) -> str:
    """One line: how many questions, per outcome, and the content gaps: not answered, and answers voted down."""
    outcomes = Counter(row.outcome for row in rows)
    per = ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items()))
    gaps = sum(outcomes[o] for o in NOT_ANSWERED)
    disliked = sum(row.down > 0 for row in rows)
    return (f"{len(rows)} questions ({per or 'none'}); content gaps: {gaps} not answered, {disliked} answers "
            f"voted down")


def report(rows: list[Row], since: str | None = None, as_lines: bool = False, csv_file: Path | None = None) -> str:
    """What ``qa questions`` prints for the record's ``rows``: JSON lines (``as_lines``) or one line per question, then
    the summary; with ``csv_file``, the rows written there and the summary."""
    chosen = newest_first(rows, since_day(since))
    if csv_file is not None:
        if csv_file.suffix.lower() != ".csv":
            raise InputError(f"--csv {csv_file.name}: name a .csv file")
        return f"{export(chosen, csv_file)}: {summary(chosen)}"
    if as_lines:
        return "\n".join(json.dumps(as_json(row), ensure_ascii=False) for row in chosen)
    lines = [f"{row.at}  {row.outcome:9}  {('+' + str(row.up) if row.up else '') + ('-' + str(row.down) if row.down else ''):5}  "
             f"{row.asked}" + (f" → {row.question}" if row.question != row.asked else "") for row in chosen]
    return "\n".join(lines + [summary(chosen)])
