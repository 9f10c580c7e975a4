"""The package's shape: subpackages along the data flow, imports down the flow only and without cycles, short
modules, and a command line that starts without the heavy libraries."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parent.parent / "qa"

# The stages in the order the data flows (README, "How it works"): config and errors below all, then one subpackage a
# stage; the top level (app, cli, the package itself) composes everything. A module imports only from its own
# stage or an earlier one, so a subpackage imports only the subpackages before it.
STAGES = (("config", "errors"), ("corpus",), ("models",), ("index",), ("answering",), ("page",), ("session",))


def _module(path: Path) -> str:
    """``qa/index/build.py`` -> ``qa.index.build``; ``qa/corpus/__init__.py`` -> ``qa.corpus``."""
    parts = path.relative_to(QA.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in sorted(QA.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The qa modules a module imports anywhere in its body (top level or inside functions). ``import qa`` (the
    package, loaded before any of its modules) is no edge."""
    known = _modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and (node.module == "qa" or node.module.startswith("qa.")):
            for alias in node.names:  # ``from qa.index import store`` imports the module qa.index.store
                found.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("qa.")}
    return found - {_module(path), "qa"}


def _stage(module: str) -> int:
    """The position of a module's stage in :data:`STAGES`; the top level above them all."""
    part = module.split(".")[1] if "." in module else ""
    return next((n for n, names in enumerate(STAGES) if part in names), len(STAGES))


def test_the_modules_import_each_other_without_a_cycle():
    graph = {name: _imports(path) for name, path in _modules().items() if not name.endswith("__main__")}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(name):] + [name]))
        state[name] = "open"
        for other in sorted(graph.get(name, ())):
            visit(other, trail + [name])
        state[name] = "done"

    for name in sorted(graph):
        visit(name, [])
    retrieve = graph["qa.answering.retrieve"]
    assert retrieve >= {"qa.index.vectors"} and "qa.index.build" not in retrieve  # search sits below retrieval
    assert "qa.models.embed" not in graph["qa.models.onnx_backend"]


def test_imports_point_down_the_flow_only():
    upward = sorted(f"{name} imports {other}" for name, path in _modules().items() for other in _imports(path)
                    if _stage(other) > _stage(name))
    assert upward == []
    for name, path in _modules().items():  # the document readers import nothing of qa but errors (their docstring)
        if name.startswith("qa.corpus.documents"):
            assert {m for m in _imports(path) if not m.startswith("qa.corpus.documents")} <= {"qa.errors"}, name


def test_the_packages_hold_a_docstring_only_and_setuptools_ships_every_one():
    packages = sorted(_module(p) for p in QA.rglob("__init__.py"))
    for name in packages:
        if name not in ("qa", "qa.corpus.documents"):  # the package's lazy re-exports; the readers' read()
            body = ast.parse(_modules()[name].read_text()).body
            assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), name
            assert "may import" in body[0].value.value, name  # says what it may import
    shipped = re.search(r"^packages = \[(.*)\]$", (QA.parent / "pyproject.toml").read_text(), re.M).group(1)
    assert sorted(re.findall(r'"([a-z_.]+)"', shipped)) == packages


def test_no_module_is_over_300_lines_and_the_top_level_has_at_most_ten():
    long = {name: n for name, path in _modules().items() if (n := len(path.read_text().splitlines())) > 300}
    assert long == {}
    assert len(list(QA.glob("*.py"))) <= 10


def test_the_command_line_starts_without_faiss_torch_or_numpy(tmp_path: Path):
    code = ("import sys, runpy; sys.argv = ['qa', '--help']\n"
            "try:\n    runpy.run_module('qa', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('faiss', 'torch', 'numpy', 'onnxruntime', 'qa.answering.ask', 'qa.answering.results')\n"
            "             if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=QA.parent, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_qa_index_build_is_the_module_and_the_api_is_still_reexported():
    import qa
    import qa.index.build

    assert qa.index.build.__name__ == "qa.index.build" and callable(qa.index.build.build)
    assert qa.ask.__module__ == "qa.answering.ask" and qa.Hit.__name__ == "Hit"
    assert qa.Hit.__module__ == qa.Answer.__module__ == qa.Citation.__module__ == "qa.answering.results"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        qa.nothing  # noqa: B018


def test_the_readme_module_table_lists_every_module():
    readme = (QA.parent / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_/]+\.py)` \|", readme, re.M))
    modules = {p.relative_to(QA).as_posix() for p in QA.rglob("*.py") if not p.name.startswith("__")}
    assert listed == modules


def test_only_config_reads_the_environment():
    readers = sorted(p.relative_to(QA).as_posix() for p in QA.rglob("*.py")
                     if re.search(r"os\.environ|getenv\(", p.read_text()))
    assert readers == ["config.py"]


def test_settings_are_resolved_once_flags_first(monkeypatch, tmp_path: Path):
    from qa import config

    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    monkeypatch.setenv("QA_BACKEND", "onnx")
    monkeypatch.delenv("QA_INDEX", raising=False)
    monkeypatch.delenv("QA_MODEL", raising=False)
    monkeypatch.delenv("QA_READER", raising=False)
    default = config.settings()
    assert default == config.Settings(index=Path("index"), model=config.DEFAULT_MODEL, backend="onnx",
                                      auto_build=(Path("seeds"),), reader=config.READER_DEFAULT)
    (tmp_path / "uploads").mkdir()  # documents added from the page: the default index is built from them too
    assert config.settings().auto_build == (Path("seeds"), Path("uploads"))
    assert config.settings("elsewhere", "some/model", "torch") == config.Settings(
        index=Path("elsewhere"), model="some/model", backend="torch", auto_build=None)  # a folder given: never built
    monkeypatch.setenv("QA_INDEX", "from-env")
    assert config.settings().index == Path("from-env") and config.settings().auto_build is None


def test_tests_import_nothing_from_bench():
    tests = QA.parent / "tests"
    for path in tests.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            assert not any(n == "bench" or n.startswith("bench.") for n in names), path.name
