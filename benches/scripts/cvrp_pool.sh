#!/usr/bin/env bash
# Route-pool CVRP on the CVRPLIB A and B sets: `solve --encoding cvrp-route-pool` with tabu
# selecting routes, TIME seconds each (default 60), JOBS instances at once on one thread each
# (default 2). Prints instance, cost, optimum, gap %, routes/fleet and feasibility; then the mean.
# Usage: bash benches/scripts/cvrp_pool.sh [TIME] [JOBS] [SOLVER]
set -euo pipefail
cd "$(dirname "$0")/../.."
TIME=${1:-60}; JOBS=${2:-2}; SOLVER=${3:-tabu}
DATA=${QUBOFLOW_DATA:-../shared/data}
cargo build -q --release -p quboflow-cli
out=$(mktemp -d)
ls "$DATA"/cvrplib/[AB]-n*.vrp | xargs -P "$JOBS" -I{} sh -c \
  'f={}; b=$(basename $f .vrp); target/release/quboflow --threads 1 solve "$f" --encoding cvrp-route-pool --solver '"$SOLVER"' --time-limit '"$TIME"' --seed 1 --json -q > '"$out"'/$b.json'
python3 - "$out" <<'PY'
import json, sys, pathlib
rows = []
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    d = json.loads(p.read_text())
    best = d["best"]
    ref = (d.get("reference") or {}).get("value")
    routes = best["solution"]["routes"] if isinstance(best.get("solution"), dict) and "routes" in best["solution"] else None
    rows.append((p.stem, best.get("objective"), ref, d.get("gap_percent"), best.get("feasible"), len(routes) if routes else None,
                 d.get("route_pool", {}).get("selection_wins")))
print(f"{'instance':<12} {'cost':>8} {'optimum':>8} {'gap %':>7} feasible routes wins")
for r in rows:
    print(f"{r[0]:<12} {r[1]!s:>8} {r[2]!s:>8} {r[3] if r[3] is None else round(r[3],3)!s:>7} {r[4]!s:>8} {r[5]!s:>6} {r[6]!s:>4}")
gaps = [r[3] for r in rows if r[3] is not None]
print(f"mean gap {sum(gaps)/len(gaps):.3f} % over {len(gaps)} instances, max {max(gaps):.3f} %, feasible {sum(1 for r in rows if r[4])}/{len(rows)}")
PY
