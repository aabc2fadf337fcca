"""Shared fixtures: the benchmark data folder and the `quboflow` command-line binary."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _data_dir() -> Path | None:
    env = os.environ.get("QUBOFLOW_DATA")
    for d in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "data", ROOT / "shared" / "data"]:
        if d.is_dir():
            return d
    return None


@pytest.fixture(scope="session")
def data():
    """A function giving the path of a benchmark file; skips (fails under
    QUBOFLOW_REQUIRE_DATA=1, as in CI) when the data is absent."""

    def find(relative: str) -> Path:
        d = _data_dir()
        p = None if d is None else d / relative
        if p is None or not p.exists():
            if os.environ.get("QUBOFLOW_REQUIRE_DATA") == "1":
                pytest.fail(f"data file {relative} not found (set QUBOFLOW_DATA)")
            pytest.skip(f"data file {relative} not found (set QUBOFLOW_DATA)")
        return p

    return find


@pytest.fixture(scope="session")
def cli() -> str:
    """The `quboflow` binary: $QUBOFLOW_CLI, target/release, or on PATH."""
    for c in (os.environ.get("QUBOFLOW_CLI"), str(ROOT / "target" / "release" / "quboflow")):
        if c and Path(c).is_file():
            return c
    found = shutil.which("quboflow")
    if found:
        return found
    if os.environ.get("QUBOFLOW_REQUIRE_CLI") == "1":
        pytest.fail("the quboflow binary is missing (cargo build --release -p quboflow-cli)")
    pytest.skip("the quboflow binary is missing (cargo build --release -p quboflow-cli)")


@pytest.fixture(scope="session")
def testdata() -> Path:
    return ROOT / "testdata"
