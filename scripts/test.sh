#!/usr/bin/env bash
# Runs every test of quboflow: formatting, lints, then unit, integration, property and doc
# tests of the whole workspace. `.ci/run` calls this after installing what it needs.
#
# Tests that read benchmark files find them in ../shared/data (or $QUBOFLOW_DATA); without
# the data they are skipped with a note, unless QUBOFLOW_REQUIRE_DATA=1 (as in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test (unit, integration, property and doc tests)"
cargo test --workspace --locked 2>&1 | tee target/test-output.txt

# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { p += $4; f += $6; i += $8 }
     END { printf "\nrust: %d passed, %d failed, %d skipped\n", p, f, i }' target/test-output.txt

# The Python package: a virtual environment (target/pyenv, made once), the test
# requirements from PyPI, the release wheel built by maturin and installed as a user would,
# then pytest (interop with dimod/pandas/scipy/networkx, stubtest, docstrings, README
# quick start, the walk-through example). The CLI binary is built for the parity tests.
echo "== python package: wheel into target/pyenv, then pytest"
PYTHON="${PYTHON:-python3}"
if [ ! -x target/pyenv/bin/python ]; then
  "$PYTHON" -m venv target/pyenv
fi
target/pyenv/bin/python -m pip install -q --upgrade pip
target/pyenv/bin/python -m pip install -q -r bindings/python/requirements-test.txt
cargo build --release --locked -p quboflow-cli
rm -rf target/wheels
target/pyenv/bin/maturin build --release --locked -q -m bindings/python/Cargo.toml -o target/wheels
target/pyenv/bin/python -m pip install -q --force-reinstall --no-deps target/wheels/quboflow-*.whl
(cd bindings/python && QUBOFLOW_CLI="$PWD/../../target/release/quboflow" QUBOFLOW_REQUIRE_CLI=1 \
  ../../target/pyenv/bin/python -m pytest -q -p no:cacheprovider tests)
