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
