#!/usr/bin/env bash
# `quboflow qaoa --evaluate` end to end against the engine's own timings (qaoa_layer), same
# graph, same angles, same threads, best of REPEATS on both sides:
#
#   bash benches/scripts/evaluate_vs_engine.sh GRAPH [P] [THREADS] [REPEATS]
#
# Prints the CLI's layer_ms (its one simulation over p), its wall time per layer (process
# start to exit: read, cost diagonal, first touch of the statevector, simulation), and the
# engine's layer and ⟨C⟩-evaluation times per layer from qaoa_layer, with the ratios.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
graph="$1"; p="${2:-4}"; threads="${3:-1}"; repeats="${4:-3}"
(cd "$root" && cargo build --release --quiet -p quboflow-cli -p quboflow-benches --bins)
angles=$(python3 -c "p=$p; print(','.join([str(-0.2-0.1*l) for l in range(p)]+[str(0.5-0.1*l) for l in range(p)]))")
best_layer=1e9; best_wall=1e9
for _ in $(seq "$repeats"); do
  t0=$(date +%s.%N)
  doc=$("$root/target/release/quboflow" qaoa "$graph" --threads "$threads" --angles="$angles" --evaluate --json -q)
  t1=$(date +%s.%N)
  layer=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['layer_ms'])" "$doc")
  wall=$(python3 -c "print(($t1-$t0)*1e3/$p)")
  best_layer=$(python3 -c "print(min($best_layer,$layer))")
  best_wall=$(python3 -c "print(min($best_wall,$wall))")
done
engine=$("$root/target/release/qaoa_layer" "$graph" complex128 "$threads" "$p" "$repeats")
python3 - "$engine" "$best_layer" "$best_wall" <<'PY'
import json, sys
e = json.loads(sys.argv[1]); layer = float(sys.argv[2]); wall = float(sys.argv[3])
p = e["p"]; eng_layer = e["layer_s"] * 1e3; eng_eval = e["eval_s"] * 1e3 / p
print(f"n={e['n']} p={p} threads={e['threads']}")
print(f"  engine (qaoa_layer): layer {eng_layer:.2f} ms, <C> evaluation {eng_eval:.2f} ms per layer")
print(f"  qaoa --evaluate:     layer_ms {layer:.2f} ms ({layer/eng_layer:.2f}x layer, {layer/eng_eval:.2f}x evaluation)")
print(f"  qaoa --evaluate:     wall {wall:.2f} ms per layer ({wall/eng_layer:.2f}x layer, {wall/eng_eval:.2f}x evaluation)")
PY
