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
#
# Extra arguments go to compare.py (see `--help`). Needs ../shared/data or $QUBOFLOW_DATA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
case "${1:-}" in
  qaoa-*)
    # QOKit pins old dependencies: the QAOA peers live in their own environment.
    qvenv="$here/.venv-qaoa"
    if [ ! -x "$qvenv/bin/python" ]; then
      python3 -m venv "$qvenv"
      "$qvenv/bin/pip" install --quiet --upgrade pip
    fi
    "$qvenv/bin/pip" install --quiet -r "$here/requirements-qaoa.txt"
    (cd "$root" && cargo build --release --quiet -p quboflow-cli -p quboflow-benches --bins)
    export QUBOFLOW_BIN="$root/target/release/quboflow"
    export QUBOFLOW_QAOA_LAYER="$root/target/release/qaoa_layer"
    exec "$qvenv/bin/python" "$here/qaoa_peers.py" "$@"
    ;;
esac
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet -r "$here/requirements.txt"
(cd "$root" && cargo build --release --quiet -p quboflow-cli -p quboflow-benches --bins)
export QUBOFLOW_BIN="$root/target/release/quboflow"
export QUBOFLOW_SA_THROUGHPUT="$root/target/release/sa_throughput"
exec "$venv/bin/python" "$here/compare.py" "$@"
