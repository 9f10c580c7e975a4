"""The package's shape: no import cycles between its modules, and a command line that starts without the heavy libraries."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parent.parent / "qa"


def _imports(path: Path) -> set[str]:
    """The qa modules a module imports anywhere in its body (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and (node.module == "qa" or node.module.startswith("qa.")):
            if node.module == "qa":
                found |= {alias.name for alias in node.names if (QA / f"{alias.name}.py").is_file()}
            else:
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("qa.")}
    return found - {path.stem}


def test_the_modules_import_each_other_without_a_cycle():
    graph = {p.stem: _imports(p) for p in QA.glob("*.py") if p.stem not in ("__init__", "__main__")}
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
    assert graph["retrieve"] >= {"vectors"} and "build" not in graph["retrieve"]  # search sits below retrieval
    assert "embed" not in graph["onnx_backend"]


def test_the_command_line_starts_without_faiss_torch_or_numpy(tmp_path: Path):
    code = ("import sys, runpy; sys.argv = ['qa', '--help']\n"
            "try:\n    runpy.run_module('qa', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('faiss', 'torch', 'numpy', 'onnxruntime', 'qa.answer') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=QA.parent, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_qa_build_is_the_module_and_the_api_is_still_reexported():
    import qa
    import qa.build

    assert qa.build.__name__ == "qa.build" and callable(qa.build.build)
    assert qa.ask.__module__ == "qa.answer" and qa.Hit.__name__ == "Hit"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        qa.nothing  # noqa: B018


def test_the_readme_module_table_lists_every_module():
    readme = (QA.parent / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+\.py)` \|", readme, re.M))
    modules = {p.name for p in QA.glob("*.py") if not p.name.startswith("__")}
    assert listed == modules


def test_only_config_reads_the_environment():
    readers = sorted(p.name for p in QA.glob("*.py") if re.search(r"os\.environ|getenv\(", p.read_text()))
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
