"""From a TSP to a side-by-side report, the way a data scientist would go.

Run it from anywhere:  python bindings/python/examples/tsp_walkthrough.py [OUT_DIR]

1. read a TSPLIB instance (the first five cities of burma14, bundled in testdata/) and also
   build one from a pandas DataFrame of coordinates;
2. encode it as a QUBO (the exact position encoding; penalty chosen provably safe);
3. sample it with simulated annealing, tabu search and QAOA, and decode the best reads back
   to tours;
4. compare the solvers over several seeded runs and write the HTML report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import quboflow as qf

HERE = Path(__file__).resolve().parent
INSTANCE = HERE.parents[2] / "testdata" / "burma14_first5.tsp"


def main(out_dir: Path) -> None:
    # 1. Instances: a file, and a DataFrame whose index names the depots.
    tsp = qf.Tsp.from_tsplib(INSTANCE)
    print(f"{tsp.name}: {tsp.num_cities} cities, distances\n{tsp.distances}")
    sites = pd.DataFrame(
        {"x": [0.0, 2.0, 5.0, 6.0, 3.0], "y": [0.0, 4.0, 4.0, 0.0, -2.0]},
        index=["Hamburg", "Bremen", "Hannover", "Kassel", "Dortmund"],
    )
    depots = qf.Tsp.from_coordinates(sites, name="depots")

    # 2. Encode: n² one-hot variables with city 1 fixed first ((n−1)² = 16 here).
    enc = tsp.encode()
    print(f"\n{enc}\nconstraints: {list(enc.constraints)}; energy = tour length on feasible states")

    # 3. Sample three ways; rows carry feasibility and the native tour length.
    runs = {
        "simulated annealing": qf.SimulatedAnnealingSampler().sample(enc, num_reads=50, seed=1),
        "tabu search": qf.TabuSampler().sample(enc, num_reads=4, timeout=50, seed=1),
        "QAOA p=2 (XY mixer)": qf.QAOASampler().sample(enc, p=2, mixer="xy-complete", shots=500, seed=1),
    }
    for name, ss in runs.items():
        best = enc.decode(ss.first.sample)
        feasible = ss.record.is_feasible.mean()
        print(f"{name:>22}: best tour {best.tour} length {best.cost} "
              f"(feasible reads {100 * feasible:.0f} %)")
    qaoa = runs["QAOA p=2 (XY mixer)"]
    print(f"QAOA probability of its best tour: {qaoa.record.probability[0]:.3f}")

    # The DataFrame instance keeps its labels all the way to the decoded tour.
    d_enc = depots.encode()
    d_best = d_enc.decode(qf.TabuSampler().sample(d_enc, seed=2).first.sample)
    print(f"\ndepots tour: {' → '.join(d_best.tour)} ({d_best.cost:.2f})")

    # 4. Compare over seeded runs; the reference is the proven optimum the data tables give.
    report = qf.compare(
        tsp,
        ["exact", ("sa", {"num_reads": 50}), ("tabu", {"timeout": 50}), ("qaoa", {"p": 2, "mixer": "xy-complete"})],
        repeats=3,
        seed=1,
    )
    table = report.to_pandas()
    print("\n", table[["best_objective", "gap_percent", "feasible_percent", "hits", "mean_wall_s"]])
    out_dir.mkdir(parents=True, exist_ok=True)
    report.write(out_dir / "tsp_report.html")
    table.to_csv(out_dir / "tsp_report.csv")
    print(f"\nreport written to {out_dir / 'tsp_report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd() / "quboflow-example")
