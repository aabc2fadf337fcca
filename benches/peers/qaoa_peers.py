"""QAOA comparisons: quboflow's statevector engine against QOKit and qiskit-aer.

* ``qaoa-layer``: time per QAOA layer on 3-regular Max-Cut at n = 20, 22, 24, one thread each
  (quboflow in-process via ``qaoa_layer``; QOKit's compiled C simulator; qiskit-aer's
  statevector method), quboflow with both cores, and the machine's in-place sweep bandwidth
  with the floor it implies. Also the cost-diagonal build and gradient against evaluation.
* ``qaoa-parity``: quboflow's OpenQASM on qiskit-aer gives quboflow's ideal distribution
  (TVD ≤ 1e-9), and Aer's density matrix under the same noise model agrees with quboflow's
  trajectories within the shot bound.
* ``qaoa-crosscheck``: ⟨C⟩ for the same instance and angles from quboflow, QOKit, qiskit-aer
  (circuit built here) and qiskit-aer running quboflow's exported OpenQASM.

Angle mapping (quboflow minimises E = −cut): QOKit γ_q = −2γ on the cut diagonal, β_q = β;
Qiskit RZZ(γ) per unit edge (E's Ising coupling is 1/2), RX(2β).
Run through ``run.sh qaoa-layer`` / ``run.sh qaoa-crosscheck``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("QUBOFLOW_BIN", str(ROOT / "target" / "release" / "quboflow"))
LAYER = os.environ.get("QUBOFLOW_QAOA_LAYER", str(ROOT / "target" / "release" / "qaoa_layer"))


def graph(n: int, seed: int | None = None) -> nx.Graph:
    return nx.random_regular_graph(3, n, seed=n if seed is None else seed)


def write_gset(g: nx.Graph, path: Path) -> None:
    with open(path, "w") as f:
        f.write(f"{g.number_of_nodes()} {g.number_of_edges()}\n")
        for u, v in sorted(g.edges()):
            f.write(f"{u + 1} {v + 1} 1\n")


def enable_qokit_c() -> str:
    """QOKit's wheel ships its C kernels as a top-level ``simulator*.so`` that the ``c``
    simulator does not find (it falls back to pure Python); put it where QOKit looks."""
    import qokit.fur as fur
    from qokit.fur.c.csim import libpath

    if "c" not in fur.get_available_simulator_names("x"):
        import site

        for d in site.getsitepackages():
            for so in Path(d).glob("simulator*.so"):
                shutil.copy(so, libpath.libpath)
                break
    names = fur.get_available_simulator_names("x")
    if "c" not in names:
        sys.exit(f"QOKit's C simulator is not available (have {names}); refusing to time the Python fallback")
    return "c"


def qokit_layer(g: nx.Graph, p: int, repeats: int) -> tuple[float, float]:
    import qokit.fur as fur
    from qokit.maxcut import get_maxcut_terms

    sim_name = enable_qokit_c()
    n = g.number_of_nodes()
    t = time.perf_counter()
    sim = fur.choose_simulator(sim_name)(n, terms=get_maxcut_terms(g))
    build = time.perf_counter() - t
    gam, bet = [0.2] * p, [0.3] * p
    sim.simulate_qaoa(gam, bet)  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        sim.simulate_qaoa(gam, bet)
        best = min(best, time.perf_counter() - t)
    return best / p, build


def aer_circuit(g: nx.Graph, gammas, betas, measure=False):
    from qiskit import QuantumCircuit

    n = g.number_of_nodes()
    qc = QuantumCircuit(n)
    qc.h(range(n))
    for gm, bt in zip(gammas, betas):
        for u, v in g.edges():
            qc.rzz(gm, u, v)  # 2γ·J with J = 1/2 for E = Σ (z_u z_v − 1)/2
        qc.rx(2 * bt, range(n))
    return qc


def aer_layer(g: nx.Graph, p: int, repeats: int) -> float:
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector", precision="double", max_parallel_threads=1)
    qc = aer_circuit(g, [0.2] * p, [0.3] * p)
    qc.save_statevector()
    tqc = transpile(qc, sim)
    sim.run(tqc).result()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        sim.run(tqc).result()
        best = min(best, time.perf_counter() - t)
    return best / p


def quboflow_layer(path: Path, threads: int, p: int, repeats: int) -> dict:
    out = subprocess.run([LAYER, str(path), "complex128", str(threads), str(p), str(repeats)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def bandwidth(threads: int) -> float:
    out = subprocess.run([LAYER, "--bandwidth", str(threads), "1024"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["bandwidth_gb_s"]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores"


def cmd_layer(args) -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    print(f"machine: {machine()}")
    bw2 = bandwidth(2)
    bw1 = bandwidth(1)
    print(f"in-place sweep bandwidth: 1 thread {bw1:.1f} GB/s, 2 threads {bw2:.1f} GB/s")
    print("p = 4, time per layer in ms (best of repeats), 3-regular Max-Cut, complex128")
    hdr = f"{'n':>3} {'quboflow 1t':>12} {'QOKit c 1t':>11} {'aer 1t':>9} {'vs QOKit':>9} {'vs aer':>8} {'quboflow 2t':>12} {'floor 2t':>9} {'2t/floor':>9} {'build/layer':>12} {'grad/eval':>10}"
    print(hdr)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            g = graph(n)
            path = Path(tmp) / f"reg3_{n}.gset"
            write_gset(g, path)
            q1 = quboflow_layer(path, 1, args.p, args.repeats)
            q2 = quboflow_layer(path, 2, args.p, args.repeats)
            qk, qk_build = qokit_layer(g, args.p, args.repeats)
            aer = aer_layer(g, args.p, args.repeats) if not args.no_aer else float("nan")
            # Floor: one fused low pass (read+write the state, read the u8 cost index) and one
            # high pass (read+write the state): 2·32 + 1 bytes per amplitude at complex128.
            floor = (2 * 32 + 1) * 2**n / (bw2 * 1e9)
            row = dict(
                n=n,
                quboflow_1t_ms=q1["layer_s"] * 1e3,
                qokit_c_1t_ms=qk * 1e3,
                aer_1t_ms=aer * 1e3,
                ratio_qokit=qk / q1["layer_s"],
                ratio_aer=aer / q1["layer_s"],
                quboflow_2t_ms=q2["layer_s"] * 1e3,
                floor_2t_ms=floor * 1e3,
                ratio_floor=q2["layer_s"] / floor,
                build_over_layer=q1["build_s"] / q1["layer_s"],
                grad_over_eval=q1["grad_s"] / q1["eval_s"],
                phase=q1["phase"],
                qokit_build_ms=qk_build * 1e3,
            )
            rows.append(row)
            print(
                f"{n:>3} {row['quboflow_1t_ms']:>12.2f} {row['qokit_c_1t_ms']:>11.2f} {row['aer_1t_ms']:>9.2f} "
                f"{row['ratio_qokit']:>8.1f}x {row['ratio_aer']:>7.1f}x {row['quboflow_2t_ms']:>12.2f} "
                f"{row['floor_2t_ms']:>9.2f} {row['ratio_floor']:>8.2f}x {row['build_over_layer']:>12.2f} {row['grad_over_eval']:>10.2f}",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps(dict(machine=machine(), bandwidth_gb_s={"1": bw1, "2": bw2}, rows=rows), indent=2))


def cmd_crosscheck(args) -> None:
    from qiskit import qasm2, transpile
    from qiskit.quantum_info import SparsePauliOp, Statevector
    from qiskit_aer import AerSimulator
    import qokit.fur as fur
    from qokit.maxcut import get_maxcut_terms

    n = args.n
    g = graph(n, seed=args.seed)
    gammas = [-0.4873545665386437, -0.8750183653319904][: args.p]
    betas = [0.4921530765582245, 0.23057371637791127][: args.p]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.gset"
        write_gset(g, path)
        flat = ",".join(str(x) for x in gammas + betas)
        out = subprocess.run([BIN, "qaoa", str(path), "--angles", flat, "--evaluate", "--json"], check=True, capture_output=True, text=True)
        ours = json.loads(out.stdout)["expectation"]
        qasm_path = Path(tmp) / "c.qasm"
        subprocess.run(
            [BIN, "-q", "qaoa", str(path), "--angles", flat, "--qasm", str(qasm_path), "--qasm-expand", "--shots", "10", "--seed", "1"],
            check=True,
            capture_output=True,
        )
        qasm_text = qasm_path.read_text()
    # QOKit: cut diagonal, γ_q = −2γ.
    sim = fur.choose_simulator(enable_qokit_c())(n, terms=get_maxcut_terms(g))
    res = sim.simulate_qaoa([-2 * x for x in gammas], betas)
    # With optimization_type="min" QOKit returns ⟨diagonal⟩ = ⟨cut⟩ as is.
    qokit_e = -sim.get_expectation(res, optimization_type="min")
    # qiskit-aer on a circuit built here.
    m = g.number_of_edges()
    obs = SparsePauliOp.from_sparse_list([("ZZ", [u, v], 0.5) for u, v in g.edges()] + [("I", [0], -0.5 * m)], num_qubits=n)
    simu = AerSimulator(method="statevector")
    qc = aer_circuit(g, gammas, betas)
    qc.save_statevector()
    sv = simu.run(transpile(qc, simu)).result().get_statevector()
    aer_e = float(np.real(Statevector(sv).expectation_value(obs)))
    # qiskit-aer on quboflow's exported OpenQASM (measurements dropped).
    qc2 = qasm2.loads(qasm_text)
    qc2.remove_final_measurements()
    qc2.save_statevector()
    sv2 = simu.run(transpile(qc2, simu)).result().get_statevector()
    qasm_e = float(np.real(Statevector(sv2).expectation_value(obs)))
    print(f"3-regular Max-Cut n={n} (networkx seed {args.seed}), p={args.p}, γ={gammas}, β={betas}")
    print(f"  quboflow            ⟨E⟩ = {ours:.15f}")
    print(f"  QOKit (c)           ⟨E⟩ = {qokit_e:.15f}   diff {abs(ours - qokit_e):.2e}")
    print(f"  qiskit-aer          ⟨E⟩ = {aer_e:.15f}   diff {abs(ours - aer_e):.2e}")
    print(f"  aer on our QASM     ⟨E⟩ = {qasm_e:.15f}   diff {abs(ours - qasm_e):.2e}")
    worst = max(abs(ours - qokit_e), abs(ours - aer_e), abs(ours - qasm_e))
    if worst > 1e-9:
        sys.exit(f"MISMATCH: largest difference {worst:.3e}")
    print("agree to 1e-9")


def cmd_parity(args) -> None:
    """quboflow's exported OpenQASM on qiskit-aer against quboflow's own distributions: the
    ideal one (statevector) and one under a noise model (quboflow's trajectories against
    Aer's density matrix with the same depolarising and readout errors)."""
    from qiskit import qasm2, transpile
    from qiskit.circuit.library import RXXGate, RYYGate, RZZGate
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

    n = args.n
    g = graph(n, seed=args.seed)
    gammas = [-0.4873545665386437, -0.8750183653319904][: args.p]
    betas = [0.4921530765582245, 0.23057371637791127][: args.p]
    model = {"name": "harness", "depolarizing_1q": args.lambda1, "depolarizing_2q": args.lambda2, "readout_error": args.readout}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.gset"
        write_gset(g, path)
        mpath = Path(tmp) / "noise.json"
        mpath.write_text(json.dumps(model))
        flat = ",".join(str(x) for x in gammas + betas)
        dists = Path(tmp) / "d.json"
        subprocess.run(
            [BIN, "-q", "parity", str(path), "--angles", flat, "--backends", f"statevector,noise:{mpath}",
             "--trajectories", str(args.trajectories), "--tolerance", "1", "--seed", "1", "--write-distributions", str(dists)],
            check=True, capture_output=True,
        )
        ours = json.loads(dists.read_text())
        qasm_path = Path(tmp) / "c.qasm"
        subprocess.run([BIN, "-q", "qaoa", str(path), "--angles", flat, "--export-only", "--qasm", str(qasm_path)], check=True, capture_output=True)
        qasm_text = qasm_path.read_text()
    # quboflow's declared two-qubit gates are Aer's RZZ/RXX/RYY, so the noise lands on the same gates.
    custom = [
        qasm2.CustomInstruction("qf_rzz", 1, 2, RZZGate, builtin=False),
        qasm2.CustomInstruction("qf_rxx", 1, 2, RXXGate, builtin=False),
        qasm2.CustomInstruction("qf_ryy", 1, 2, RYYGate, builtin=False),
    ]
    qc = qasm2.loads(qasm_text, custom_instructions=custom)
    qc.remove_final_measurements()
    ideal_sim = AerSimulator(method="statevector")
    c1 = qc.copy()
    c1.save_probabilities()
    aer_ideal = np.asarray(ideal_sim.run(transpile(c1, ideal_sim, optimization_level=0)).result().data()["probabilities"])
    nm = NoiseModel(basis_gates=["h", "x", "rx", "ry", "rz", "rzz", "rxx", "ryy"])
    nm.add_all_qubit_quantum_error(depolarizing_error(args.lambda1, 1), ["h", "x", "rx", "ry", "rz"])
    nm.add_all_qubit_quantum_error(depolarizing_error(args.lambda2, 2), ["rzz", "rxx", "ryy"])
    e = args.readout
    nm.add_all_qubit_readout_error(ReadoutError([[1 - e, e], [e, 1 - e]]))
    dm_sim = AerSimulator(method="density_matrix", noise_model=nm)
    c2 = qc.copy()
    c2.measure_all()
    shots = args.shots
    counts = dm_sim.run(transpile(c2, dm_sim, optimization_level=0), shots=shots, seed_simulator=1).result().get_counts()
    aer_noisy = np.zeros(1 << n)
    for key, c in counts.items():
        aer_noisy[int(key.replace(" ", ""), 2)] += c / shots
    sv = np.asarray(ours["statevector"])
    noisy = np.asarray(ours[f"noise:{mpath}"])
    tvd_ideal = 0.5 * np.abs(sv - aer_ideal).sum()
    tvd_noisy = 0.5 * np.abs(noisy - aer_noisy).sum()
    # 99 % shot-noise bound of Aer's sampled distribution (noise-parity-cost.md §4).
    bound = 0.5 * np.sqrt(noisy * (1 - noisy) / shots).sum() + np.sqrt(np.log(100) / (2 * shots))
    print(f"3-regular Max-Cut n={n} (networkx seed {args.seed}), p={args.p}; noise λ1={args.lambda1} λ2={args.lambda2} readout={e}")
    print(f"  ideal: TVD(quboflow statevector, aer on our QASM) = {tvd_ideal:.2e}")
    print(f"  noisy: TVD(quboflow {args.trajectories} trajectories, aer density matrix {shots} shots) = {tvd_noisy:.4f}  (99 % shot bound {bound:.4f})")
    if tvd_ideal > 1e-9:
        sys.exit(f"MISMATCH: ideal distributions differ by {tvd_ideal:.3e}")
    if tvd_noisy > bound + 0.02:
        sys.exit(f"MISMATCH: noisy distributions differ by {tvd_noisy:.4f}")
    print("agree: ideal to 1e-9, noisy within the shot bound + 0.02 (trajectory noise)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("qaoa-layer")
    a.add_argument("--sizes", type=int, nargs="+", default=[20, 22, 24])
    a.add_argument("--p", type=int, default=4)
    a.add_argument("--repeats", type=int, default=3)
    a.add_argument("--no-aer", action="store_true")
    a.add_argument("--json", help="also write the figures to this file")
    a.set_defaults(func=cmd_layer)
    c = sub.add_parser("qaoa-crosscheck")
    c.add_argument("--n", type=int, default=12)
    c.add_argument("--p", type=int, default=2)
    c.add_argument("--seed", type=int, default=7)
    c.set_defaults(func=cmd_crosscheck)
    d = sub.add_parser("qaoa-parity")
    d.add_argument("--n", type=int, default=10)
    d.add_argument("--p", type=int, default=2)
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--lambda1", type=float, default=0.004)
    d.add_argument("--lambda2", type=float, default=0.03)
    d.add_argument("--readout", type=float, default=0.01)
    d.add_argument("--trajectories", type=int, default=4000)
    d.add_argument("--shots", type=int, default=200000)
    d.set_defaults(func=cmd_parity)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
