"""Real-size logistics and decomposition next to the tools a routing team or a D-Wave user
already has, in one run on one machine (run through ``run.sh``):

* ``routing-cvrp``: quboflow's route-pool search (``solve --encoding cvrp-route-pool``, QUBO
  selection by tabu) next to PyVRP (hybrid genetic search) on the same ``.vrp`` files. Both
  costs are recomputed here from the returned routes with the file's own rounded distances.
* ``routing-tsp``: quboflow (``solve`` on the position QUBO) next to LKH (elkai) on TSPLIB.
* ``hybrid-dwave``: quboflow's ``hybrid`` solver next to dwave-hybrid's decomposition workflow
  (an energy-impact decomposer with a tabu sub-sampler, racing a full-problem tabu branch),
  same wall time, on bqp1000 and Gset; every sample scored by ``compare.py``'s evaluator.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import BIN, Instance, bqp_best_known, data_dir, gset_best_known, header  # noqa: E402


def quboflow_json(args: list[str], threads: int) -> dict:
    out = subprocess.run(
        [BIN, "--threads", str(threads), *args, "--json", "-q"], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


# ----------------------------------------------------------------------------- routing


def read_vrp(path: Path):
    import vrplib

    inst = vrplib.read_instance(str(path))
    coords = np.asarray(inst["node_coord"], dtype=float)
    diff = coords[:, None, :] - coords[None, :, :]
    dist = np.floor(np.sqrt((diff**2).sum(-1)) + 0.5)  # TSPLIB nint, as CVRPLIB's A/B/E/P sets
    return inst, dist


def route_cost(dist, routes) -> float:
    total = 0.0
    for r in routes:
        path = [0, *r, 0]
        total += sum(dist[a, b] for a, b in zip(path, path[1:]))
    return float(total)


def pyvrp_routes(path: Path, seconds: float, seed: int):
    import pyvrp
    from pyvrp.stop import MaxRuntime

    inst = pyvrp.read(str(path), round_func="round")
    res = pyvrp.solve(inst, stop=MaxRuntime(seconds), seed=seed, display=False)
    # A route lists its scheduled activities, depots included; a client activity's idx counts
    # clients from 0, so its location (the file's node order, depot first) is idx + 1.
    routes = [[a.idx + inst.num_depots for a in r if a.is_client()] for r in res.best.routes()]
    return routes, res.is_feasible(), float(res.best.distance())


def routing_cvrp(a) -> None:
    header(f"route-pool CVRP ({a.time} s) vs PyVRP ({a.peer_time} s)")
    files = [Path(f) for f in a.files] or sorted((data_dir() / "cvrplib").glob("[AB]-n*.vrp"))
    optimum = {}
    opt_csv = data_dir() / "cvrplib" / "optimal_values.csv"
    if opt_csv.exists():
        import csv

        with open(opt_csv) as f:
            for r in csv.DictReader(f):
                optimum[r["instance"]] = float(r["optimal_cost"])
    print(f"{'instance':<14} {'quboflow':>9} {'PyVRP':>9} {'vs PyVRP %':>10} {'optimum':>9} {'gap %':>7} feasible")
    gaps, rel = [], []
    for f in files:
        inst, dist = read_vrp(f)
        t0 = time.time()
        doc = quboflow_json(
            ["solve", str(f), "--encoding", "cvrp-route-pool", "--solver", a.solver, "--time-limit", str(a.time),
             "--seed", str(a.seed)], a.threads)
        wall = time.time() - t0
        sol = doc["best"]["solution"]
        # quboflow reports the file's node numbers (depot 1); the matrix here is 0-based.
        routes = [[c - 1 for c in r] for r in sol["routes"]] if sol else []
        ours = route_cost(dist, routes)
        demand = np.asarray(inst["demand"])
        feasible = (
            sorted(c for r in routes for c in r) == list(range(1, len(demand)))
            and all(demand[r].sum() <= inst["capacity"] for r in routes)
        )
        peer, peer_ok, claimed = pyvrp_routes(f, a.peer_time, a.seed)
        theirs = route_cost(dist, peer)
        if not peer_ok or abs(theirs - claimed) > 1e-6:
            print(f"  warning: PyVRP feasible={peer_ok}, its distance {claimed} vs recomputed {theirs}")
        opt = optimum.get(f.stem, math.nan)
        gap = 100 * (ours - opt) / opt if opt == opt else math.nan
        vs = 100 * (ours - theirs) / theirs
        gaps.append(gap)
        rel.append(vs)
        print(f"{f.stem:<14} {ours:>9.0f} {theirs:>9.0f} {vs:>+10.2f} {opt:>9.0f} {gap:>+7.2f} {feasible} ({wall:.0f} s)")
    ok = [g for g in gaps if g == g]
    if ok:
        print(f"mean gap to the optimum {np.mean(ok):+.3f} % (max {max(ok):+.3f} %) over {len(ok)}")
    print(f"mean cost against PyVRP {np.mean(rel):+.3f} % (max {max(rel):+.3f} %) over {len(rel)}")


def tsp_distances(path: Path) -> np.ndarray:
    """The file's distances by TSPLIB's rules: nint for EUC_2D (vrplib leaves them
    unrounded), pseudo-Euclidean for ATT (which vrplib does not know), vrplib's otherwise."""
    import vrplib

    inst = vrplib.read_instance(str(path), compute_edge_weights=False)
    kind = inst.get("edge_weight_type")
    if kind in ("ATT", "EUC_2D"):
        c = np.asarray(inst["node_coord"], dtype=float)
        sq = ((c[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        if kind == "EUC_2D":  # TSPLIB's nint of the Euclidean distance
            return np.floor(np.sqrt(sq) + 0.5)
        r = np.sqrt(sq / 10.0)
        t = np.floor(r + 0.5)
        return np.where(t < r, t + 1, t)
    return np.asarray(vrplib.read_instance(str(path))["edge_weight"], dtype=float)


def routing_tsp(a) -> None:
    import csv

    import elkai

    header(f"TSP through the position QUBO ({a.solver}, {a.time} s) vs LKH (elkai)")
    names = a.files or ["att48", "eil51", "berlin52", "eil76", "pr76", "kroA100", "kroC100", "kroD100", "lin105"]
    with open(data_dir() / "tsplib" / "optimal_values.csv") as f:
        opt = {r["instance"]: float(r["optimal_length"]) for r in csv.DictReader(f)}
    print(f"{'instance':<10} {'quboflow':>9} {'gap %':>7} {'LKH':>9} {'gap %':>7}")
    gaps = []
    for name in names:
        path = data_dir() / "tsplib" / f"{name}.tsp"
        doc = quboflow_json(["solve", str(path), "--solver", a.solver, "--time-limit", str(a.time),
                             "--seed", str(a.seed)], a.threads)
        tour = [c - 1 for c in doc["best"]["solution"]["tour"]]
        dist = tsp_distances(path)
        ours = float(sum(dist[u, v] for u, v in zip(tour, tour[1:] + tour[:1])))
        lkh_tour = elkai.DistanceMatrix(dist.astype(int).tolist()).solve_tsp()
        lkh = float(sum(dist[u, v] for u, v in zip(lkh_tour, lkh_tour[1:])))
        o = opt.get(name, math.nan)
        gaps.append(100 * (ours - o) / o)
        print(f"{name:<10} {ours:>9.0f} {gaps[-1]:>+7.2f} {lkh:>9.0f} {100 * (lkh - o) / o:>+7.2f}")
    print(f"quboflow mean gap {np.mean(gaps):+.3f} %, max {max(gaps):+.3f} %")


# ----------------------------------------------------------------------------- decomposition


def dwave_hybrid_best(bqm, seconds: float, size: int) -> list[int]:
    import hybrid

    sub = (
        hybrid.EnergyImpactDecomposer(size=size, rolling=True, rolling_history=0.3, traversal="bfs")
        | hybrid.TabuSubproblemSampler(num_reads=1, timeout=20)
        | hybrid.SplatComposer()
    )
    iteration = hybrid.RacingBranches(hybrid.InterruptableTabuSampler(), sub) | hybrid.ArgMin()
    workflow = hybrid.LoopUntilNoImprovement(iteration, max_time=seconds)
    init = hybrid.State.from_problem(bqm)
    final = workflow.run(init).result()
    best = final.samples.first.sample
    return [int(best[v]) for v in range(len(bqm.variables))]


def hybrid_dwave(a) -> None:
    header(f"quboflow hybrid vs dwave-hybrid (energy impact + tabu sub-sampler), {a.time} s each")
    bqp = bqp_best_known()
    gset = gset_best_known()
    files = a.files or [*(f"bqp/bqp1000_{k}.txt" for k in range(1, 11)), "gset/G22.txt", "gset/G55.txt"]
    ours_gaps, theirs_gaps = [], []
    for rel in files:
        path = data_dir() / rel
        inst = Instance(path)
        best = bqp.get(path.name) if inst.kind == "bqp" else gset.get(path.stem)
        doc = quboflow_json(
            ["solve", str(path), "--solver", "hybrid", "--sub-solver", a.sub_solver, "--sub-size", str(a.sub_size),
             "--time-limit", str(a.time), "--convergence", "1000000", "--seed", str(a.seed)], a.threads)
        x = [int(c) for c in doc["best"]["sample"]]
        ours = inst.objective(x)
        theirs = inst.objective(dwave_hybrid_best(inst.bqm(), a.time, a.peer_size))
        g1 = 100 * (best - ours) / best
        g2 = 100 * (best - theirs) / best
        ours_gaps.append(g1)
        theirs_gaps.append(g2)
        print(f"{path.name:<14} best-known {best:>9.0f}  quboflow {ours:>9.0f} ({g1:.3f} %)  dwave-hybrid {theirs:>9.0f} ({g2:.3f} %)")
    print(f"mean gap: quboflow {np.mean(ours_gaps):.4f} %, dwave-hybrid {np.mean(theirs_gaps):.4f} %")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("routing-cvrp")
    s.add_argument("files", nargs="*")
    s.add_argument("--time", type=float, default=60)
    s.add_argument("--peer-time", type=float, default=10)
    s.add_argument("--solver", default="tabu")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--threads", type=int, default=1)
    s.set_defaults(run=routing_cvrp)
    s = sub.add_parser("routing-tsp")
    s.add_argument("files", nargs="*")
    s.add_argument("--time", type=float, default=30)
    s.add_argument("--solver", default="hybrid")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--threads", type=int, default=1)
    s.set_defaults(run=routing_tsp)
    s = sub.add_parser("hybrid-dwave")
    s.add_argument("files", nargs="*")
    s.add_argument("--time", type=float, default=10)
    s.add_argument("--sub-solver", default="tabu")
    s.add_argument("--sub-size", type=int, default=50)
    s.add_argument("--peer-size", type=int, default=50)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--threads", type=int, default=1)
    s.set_defaults(run=hybrid_dwave)
    a = p.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
