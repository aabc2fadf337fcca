#!/usr/bin/env bash
# One command per comparison: quboflow and the peer on the same instance, same settings,
# one run, both figures and their ratio.
#
#   bash benches/peers/run.sh sa-throughput     # SA spin-flip attempts/s on G1 vs dwave-samplers
#   bash benches/peers/run.sh sa-quality        # mean best cut, 100 reads x 1000 sweeps, G1
#   bash benches/peers/run.sh tabu-bqp          # tabu, 1 s per bqp50..500 instance, vs best known
#   bash benches/peers/run.sh tabu-bqp1000      # tabu, 10 s per bqp1000 instance
#   bash benches/peers/run.sh tabu-gset         # tabu vs TabuSampler, 10 s, G1-G10 and G43-G47
#   bash benches/peers/run.sh pt-gset           # parallel tempering, 10 s, G1-G5
#   bash benches/peers/run.sh qaoa-layer        # QAOA time per layer vs QOKit and qiskit-aer
#   bash benches/peers/run.sh qaoa-crosscheck   # same <C> from quboflow, QOKit, aer, our QASM
#   bash benches/peers/run.sh qaoa-parity       # aer on our QASM: same ideal and noisy distributions
#   bash benches/peers/run.sh python-sa         # SA from Python vs dwave-samplers and vs Rust
#   bash benches/peers/run.sh python-build      # Qubo from scipy.sparse (10^6 nnz) vs dimod
#   bash benches/peers/run.sh python-import     # import time of the package
#   bash benches/peers/run.sh routing-cvrp      # route-pool CVRP (60 s) vs PyVRP (10 s), CVRPLIB A/B or given files
#   bash benches/peers/run.sh routing-tsp       # TSPLIB 48-105 through the QUBO (30 s) vs LKH (elkai)
#   bash benches/peers/run.sh hybrid-dwave      # hybrid vs dwave-hybrid's decomposition workflow, bqp1000, G22, G55
#
# Extra arguments go to compare.py (see `--help`). Needs ../shared/data or $QUBOFLOW_DATA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# Makes (once) the virtual environment $1 and installs the requirements file $2 into it.
venv_with() {
  if [ ! -x "$1/bin/python" ]; then
    python3 -m venv "$1"
    "$1/bin/pip" install --quiet --upgrade pip
  fi
  "$1/bin/pip" install --quiet -r "$2"
}
(cd "$root" && cargo build --release --quiet -p quboflow-cli -p quboflow-benches --bins)
export QUBOFLOW_BIN="$root/target/release/quboflow"
case "${1:-}" in
  qaoa-*)
    # QOKit pins old dependencies: the QAOA peers live in their own environment.
    venv_with "$here/.venv-qaoa" "$here/requirements-qaoa.txt"
    export QUBOFLOW_QAOA_LAYER="$root/target/release/qaoa_layer"
    exec "$here/.venv-qaoa/bin/python" "$here/qaoa_peers.py" "$@"
    ;;
esac
venv_with "$here/.venv" "$here/requirements.txt"
export QUBOFLOW_SA_THROUGHPUT="$root/target/release/sa_throughput"
case "${1:-}" in
  routing-*|hybrid-*)
    exec "$here/.venv/bin/python" "$here/logistics_peers.py" "$@"
    ;;
  python-*)
    # The package as users get it: the release wheel, installed into the peers' venv.
    rm -rf "$root/target/bench-wheels"
    "$here/.venv/bin/maturin" build --release --quiet -m "$root/bindings/python/Cargo.toml" -o "$root/target/bench-wheels"
    "$here/.venv/bin/pip" install --quiet --force-reinstall --no-deps "$root"/target/bench-wheels/quboflow-*.whl
    exec "$here/.venv/bin/python" "$here/python_peers.py" "$@"
    ;;
esac
exec "$here/.venv/bin/python" "$here/compare.py" "$@"
