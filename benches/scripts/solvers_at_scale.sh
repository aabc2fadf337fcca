#!/usr/bin/env bash
# SA, tabu and parallel tempering on encoded instances of 2 000 to 11 000 variables under a
# time limit (TIME seconds, default 30, one thread): kroA100 and lin105 through the position
# QUBO (9 801 and 10 816 variables), and the route-pool QUBO of a generated 100-customer CVRP.
# Prints each run's result line and its peak memory (GNU time's maximum resident set).
# Usage: bash benches/scripts/solvers_at_scale.sh [TIME]
set -euo pipefail
cd "$(dirname "$0")/../.."
TIME=${1:-30}
DATA=${QUBOFLOW_DATA:-../shared/data}
cargo build -q --release -p quboflow-cli
Q=target/release/quboflow
tmp=$(mktemp -d)
$Q generate cvrp --customers 100 --routes 10 --seed 1 -o "$tmp/gen.vrp" -q
$Q encode "$tmp/gen.vrp" --encoding cvrp-route-pool -o "$tmp/pool.json" -q
for f in "$DATA/tsplib/kroA100.tsp" "$DATA/tsplib/lin105.tsp" "$tmp/pool.json"; do
  for s in sa tabu pt; do
    /usr/bin/time -f "%M" -o "$tmp/rss" $Q --threads 1 solve "$f" --solver $s --time-limit "$TIME" --seed 1 --json -q > "$tmp/out.json"
    python3 - "$tmp/out.json" "$(cat "$tmp/rss")" "$s" "$(basename "$f")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = d["best"]
print(f"{sys.argv[4]:<14} {sys.argv[3]:<5} vars {d['num_variables']:>6}  objective {b.get('objective')!s:>10}  "
      f"feasible {b.get('feasible')!s:>5}  gap {d.get('gap_percent')!s:>22}  reads {d['num_reads']}  peak RSS {int(sys.argv[2]) // 1024} MiB")
PY
  done
done
