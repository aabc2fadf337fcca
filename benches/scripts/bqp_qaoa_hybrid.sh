#!/usr/bin/env bash
# The decomposition with QAOA (statevector, 16-qubit sub-problems) as its only sub-solver on
# bqp250_1..10, TIME seconds each (default 60), two runs at a time on one thread each: with
# the outer tabu search (the default) and without it (--outer-restarts 0, QAOA alone does the
# descent). Prints each run's objective, whether it is the best known, and QAOA's share of
# the energy removed after the first outer search.
# Usage: bash benches/scripts/bqp_qaoa_hybrid.sh [TIME]
set -euo pipefail
cd "$(dirname "$0")/../.."
TIME=${1:-60}
DATA=${QUBOFLOW_DATA:-../shared/data}
cargo build -q --release -p quboflow-cli
out=$(mktemp -d)
for k in $(seq 1 10); do
  for outer in 4 0; do echo "$k $outer"; done
done | xargs -P 2 -L 1 sh -c 'target/release/quboflow --threads 1 solve '"$DATA"'/bqp/bqp250_$0.txt --solver hybrid --sub-solver qaoa --sub-size 16 --outer-restarts $1 --convergence 1000000 --time-limit '"$TIME"' --seed 1 --json -q > '"$out"'/bqp250_$0.outer$1.json'
python3 - "$out" <<'PY'
import json, pathlib, sys
rows = {}
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    d = json.loads(p.read_text())
    name, outer = p.stem.split(".")
    extra = d["sampleset"]["info"]["extra"] if "sampleset" in d else d.get("hybrid") or {}
    parts = extra.get("contributions", [{}])
    q = parts[0]
    total = sum(x.get("energy_removed", 0) for x in parts) + extra.get("outer", {}).get("energy_removed", 0)
    share = q.get("energy_removed", 0) / total if total > 0 else 0.0
    rows.setdefault(outer, []).append((name, d["best"]["objective"], d.get("gap_percent"), q.get("subproblems"), q.get("improvements"), q.get("energy_removed"), share))
for outer, rs in rows.items():
    print(f"== {outer} ({'outer tabu search on' if outer == 'outer4' else 'no outer search: QAOA sub-problems alone'})")
    print(f"{'instance':<10} {'objective':>9} {'gap %':>7} {'QAOA subproblems':>16} {'accepted':>8} {'removed':>10} {'share':>6}")
    for r in sorted(rs, key=lambda r: int(r[0].split('_')[1])):
        print(f"{r[0]:<10} {r[1]:>9.0f} {r[2]:>7.3f} {r[3]!s:>16} {r[4]!s:>8} {r[5]!s:>10} {100*r[6]:>5.1f}%")
    hits = sum(1 for r in rs if r[2] is not None and r[2] <= 1e-9)
    print(f"best-known on {hits}/{len(rs)}, mean gap {sum(r[2] for r in rs)/len(rs):.4f} %")
PY
