"""The README's commands and its Python example are true of the code."""

from __future__ import annotations

import contextlib
import io
import re


from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_exist_and_ci_runs_the_test_command():
    assert "make serve" in README and "make test" in README
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_python_example_prints_what_the_readme_says(real_index, monkeypatch):
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    expected = re.search(r"prints\n\n```text\n(.*?)```", README, re.S).group(1)
    monkeypatch.setenv("QA_INDEX", str(real_index))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == expected


def test_every_cli_flag_in_the_readme_exists():
    from qa.cli import _parser

    def helps(parser) -> list[str]:  # every command's help, nested ones (`qa session check`) too
        groups = parser._subparsers._group_actions if parser._subparsers else []
        return [parser.format_help()] + [h for g in groups for p in g.choices.values() for h in helps(p)]

    help_text = " ".join(helps(_parser()))
    cli_lines = [line for line in README.splitlines() if re.search(r"(^|/|\s)qa (build|ask|eval|serve|session|verify)\b", line)]
    assert len(cli_lines) >= 4
    commands = _parser()._subparsers._group_actions[0].choices
    for line in cli_lines:  # `qa eval-reader` is a command of its own, not `qa eval` with a suffix
        assert re.search(r"\bqa ([a-z-]+)", line).group(1) in commands, line
    for flag in set(re.findall(r"(--[a-z][a-z-]+)", "\n".join(cli_lines))):
        assert flag in help_text, flag
