"""The stubs match the native module (mypy.stubtest), every docstring example runs, the
README's Python quick start runs as written, and the walk-through example produces its report."""

from __future__ import annotations

import doctest
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PY = ROOT / "bindings" / "python"


def test_stubs_match_the_package():
    """The hand-written stubs of the native module and the annotations of every Python
    module agree with what the installed package holds at run time."""
    pytest.importorskip("mypy")
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "quboflow", "--mypy-config-file", "pyproject.toml"],
        cwd=PY, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_package_type_checks():
    pytest.importorskip("mypy")
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "python/quboflow"], cwd=PY, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_package_is_typed():
    import quboflow

    pkg = Path(quboflow.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "_quboflow.pyi").exists()


@pytest.mark.parametrize(
    "name",
    ["quboflow", "quboflow._models", "quboflow._samplers", "quboflow._problems", "quboflow._encoded",
     "quboflow._compare", "quboflow._sampleset"],
)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name in ("quboflow", "quboflow._models", "quboflow._samplers", "quboflow._problems"):
        assert result.attempted > 0


def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Python", 1)[1]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_quick_start_runs(tmp_path, monkeypatch, capsys):
    blocks = readme_python_blocks()
    assert blocks, "the README has no Python quick start"
    quick = blocks[0]
    assert len([line for line in quick.splitlines() if line.strip()]) <= 10
    # As written: paths relative to the repository root, the report beside them.
    (tmp_path / "testdata").symlink_to(ROOT / "testdata")
    monkeypatch.chdir(tmp_path)
    exec(compile(quick, "README.md", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out
    assert "[1, 5, 4, 3, 2] 2321.0 True" in out
    assert "<svg" in (tmp_path / "report.html").read_text()


def test_walkthrough_example(tmp_path):
    out = subprocess.run(
        [sys.executable, str(PY / "examples" / "tsp_walkthrough.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert "best tour" in out.stdout
    html = (tmp_path / "tsp_report.html").read_text()
    assert "<svg" in html and "burma14_first5" in html
    assert (tmp_path / "tsp_report.csv").read_text().startswith("solver,")
