"""Logistics problems: readers and constructors, encodings checked by decoding the known
optimum back to its native cost, labels in solutions, bad data refused, pickling."""

from __future__ import annotations

import csv
import pickle

import numpy as np
import pytest

import quboflow as qf
from quboflow.exceptions import ModelError, ParseError


def optimal_rows(path, prefix):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f) if r["instance"].startswith(prefix)]


@pytest.mark.parametrize("k", [4, 5])
def test_tsplib_sub_instances_reach_their_proven_optimum(data, k):
    table = data("tsplib/subinstances_optimal.csv")
    row = next(r for r in optimal_rows(table, f"burma14_first{k}") if r["instance"] == f"burma14_first{k}")
    tsp = qf.Tsp.from_tsplib(data(f"tsplib/sub/burma14_first{k}.tsp"))
    assert tsp.num_cities == k and tsp.labels == list(range(1, k + 1))
    enc = tsp.encode()
    assert enc.reference["value"] == float(row["optimal_length"])
    ss = qf.ExactSolver().sample(enc, num_states=1)
    best = enc.decode(ss.first.sample)
    assert best.feasible and best.cost == float(row["optimal_length"])
    # The tour is in the file's labels (city 1 first) and its length is the native one.
    assert best.tour[0] == 1 and sorted(best.tour) == list(range(1, k + 1))
    assert tsp.tour_length([c - 1 for c in best.tour]) == best.cost
    # Energy of a feasible state = objective (the encoding is exact).
    assert ss.first.energy == pytest.approx(best.cost)
    assert enc.energy_meaning == "objective" and enc.sense == "minimize"


def test_cvrplib_sub_instance_optimum(data):
    table = data("cvrplib/subinstances_optimal.csv")
    row = next(r for r in optimal_rows(table, "E-n13-k4_first4"))
    cvrp = qf.Cvrp.from_cvrplib(data("cvrplib/sub/E-n13-k4_first4.vrp"))
    enc = cvrp.encode()
    ss = qf.TabuSampler().sample(enc, num_reads=4, seed=1, timeout=50)
    best = enc.decode(ss.first.sample)
    assert best.feasible and best.cost == float(row["optimal_cost"])
    assert all(1 not in r for r in best.routes)  # the depot (node 1) is implicit
    assert sorted(c for r in best.routes for c in r) == [2, 3, 4, 5]


def test_coordinates_and_dataframes_keep_their_labels():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"x": [0, 0, 4, 4], "y": [0, 3, 3, 0]}, index=["depot", "b", "c", "d"])
    tsp = qf.Tsp.from_coordinates(df)
    enc = tsp.encode()
    best = enc.decode(qf.ExactSolver().sample(enc, num_states=1).first.sample)
    assert best.cost == 14.0 and best.tour[0] == "depot" and set(best.tour) == set(df.index)
    np.testing.assert_allclose(tsp.coords, df[["x", "y"]].to_numpy())
    m = qf.Tsp.from_distance_matrix(pd.DataFrame(tsp.distances, index=list("pqrs")))
    assert m.labels == list("pqrs")
    nodes = pd.DataFrame({"x": [0, 1, 2, 0], "y": [0, 0, 0, 2], "demand": [0, 2, 2, 3]}, index=["D", "u", "v", "w"])
    cvrp = qf.Cvrp.from_dataframes(nodes, capacity=4, depot="D")
    # The same from two frames, the demands given by label in another order.
    split = qf.Cvrp.from_dataframes(nodes[["x", "y"]], nodes["demand"][::-1], capacity=4, depot="D")
    np.testing.assert_array_equal(split.demands, cvrp.demands)
    with pytest.raises(ModelError, match="lack node"):
        qf.Cvrp.from_dataframes(nodes[["x", "y"]], nodes["demand"][:2], capacity=4)
    enc = cvrp.encode()
    best = enc.decode(qf.ExactSolver().sample(enc, num_states=1).first.sample)
    assert best.feasible
    assert sorted(sorted(r) for r in best.routes) == [["u", "v"], ["w"]]
    # 0→u→v→0 is 1 + 1 + 2 = 4, 0→w→0 is 4.
    assert best.cost == 8.0


def test_knapsack_and_repair():
    k = qf.Knapsack([5, 4, 3], [4, 3, 2], 5, labels=["a", "b", "c"])
    enc = k.encode()
    assert enc.encoding == "knapsack-log-slack" and enc.sense == "maximize"
    ss = qf.ExactSolver().sample(enc, num_states=1)
    best = enc.decode(ss.first.sample)
    assert best.items == ["b", "c"] and best.cost == 7.0 and best.feasible
    overfull = {v: 0 for v in enc.qubo.variables}
    overfull.update({0: 1, 1: 1, 2: 1})
    raw = enc.decode(overfull)
    assert not raw.feasible and raw.violations
    fixed = enc.decode(overfull, repair=True)
    assert fixed.repaired and fixed.feasible and fixed.repair_steps
    unbalanced = k.encode(encoding="knapsack-unbalanced")
    assert unbalanced.qubo.num_variables == 3 and unbalanced.energy_meaning == "heuristic"


def test_knapsack_files(data):
    path = data("knapsack/low-dimensional/f1_l-d_kp_10_269")
    k = qf.Knapsack.from_file(path)
    assert k.optimum == 295.0 and len(k.labels) == 10
    ss = qf.TabuSampler().sample(k.encode(), num_reads=4, seed=1)
    assert ss.record.native_cost[ss.record.is_feasible].max() == 295.0


def test_graph_problems():
    nx = pytest.importorskip("networkx")
    g = nx.petersen_graph()
    enc = qf.MaxCut(g).encode()
    best = enc.decode(qf.TabuSampler().sample(enc, seed=1).first.sample)
    assert best.cost == 12.0 and set(best.cut) == set(g.nodes)
    col = qf.GraphColoring(nx.cycle_graph(4), 2).encode()
    sol = col.decode(qf.ExactSolver().sample(col, num_states=1).first.sample)
    assert sol.feasible and sorted(set(sol.colors.values())) == [0, 1]
    bins = qf.BinPacking([3, 3, 2, 2], 5).encode()
    sol = bins.decode(qf.TabuSampler().sample(bins, num_reads=4, seed=1).first.sample)
    assert sol.feasible and sol.cost == 2.0
    fl = qf.FacilityLocation([3, 3], [2, 2], [1, 1], [[1, 5], [5, 1]]).encode()
    assert fl.qubo.num_variables > 0
    js = qf.JobShop([[(0, 1), (1, 1)], [(1, 1), (0, 1)]], horizon=2).encode()
    sol = js.decode(qf.ExactSolver().sample(js, num_states=1).first.sample)
    assert sol.feasible and len(sol.start_times) == 4


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: qf.Knapsack([1, 2], [1, 2], -3), "capacity"),
        (lambda: qf.Knapsack([1, 2], [1], 3), "values"),
        (lambda: qf.Knapsack([1, float("nan")], [1, 1], 3), "finite"),
        (lambda: qf.Tsp.from_coordinates([[0, 0], [1, float("nan")]]), "NaN"),
        (lambda: qf.Tsp.from_coordinates([[0, 0, 0, 0]]), "shape"),
        (lambda: qf.Tsp.from_distance_matrix([[0, 1], [1, 0], [2, 2]]), "square"),
        (lambda: qf.Tsp.from_distance_matrix([[0, -1], [1, 0]]), "non-negative"),
        (lambda: qf.Cvrp.from_arrays([[0, 0], [1, 1]], [0, 9], capacity=4), "demand"),
        (lambda: qf.Cvrp.from_arrays([[0, 0], [1, 1]], [1, 1], capacity=4), "depot"),
        (lambda: qf.Cvrp.from_arrays([[0, 0], [1, 1]], [0, 1], capacity=-4), "capacity"),
        (lambda: qf.Cvrp.from_arrays([[0, 0], [1, 1]], [0, 1], capacity=4, depot=7), "depot"),
        (lambda: qf.BinPacking([1.5], 4).encode(), "integers"),
        (lambda: qf.Knapsack([1], [1], 1).encode(encoding="tsp-position"), "knapsack"),
        (lambda: qf.Knapsack([1], [1], 1).encode(encoding="nope"), "encoding"),
        (lambda: qf.Knapsack([1], [1], 1).encode(penalty=-1.0), "penalty"),
    ],
)
def test_bad_problem_data_is_a_model_error(make, message):
    with pytest.raises(ModelError, match=message):
        make()


def test_bad_files_name_file_and_line(tmp_path):
    bad = tmp_path / "broken.tsp"
    bad.write_text("NAME: broken\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 x 0\nEOF\n")
    with pytest.raises(ParseError, match=r"broken.tsp:7"):
        qf.Tsp.from_tsplib(bad)
    with pytest.raises(FileNotFoundError):
        qf.Tsp.from_tsplib(tmp_path / "none.tsp")


def test_problems_and_encodings_pickle(data):
    nx = pytest.importorskip("networkx")
    items = [
        qf.Knapsack([5, 4, 3], [4, 3, 2], 5, labels=["a", "b", "c"]),
        qf.Tsp.from_coordinates([[0, 0], [0, 3], [4, 3]]),
        qf.Tsp.from_tsplib(data("tsplib/sub/burma14_first4.tsp")),
        qf.MaxCut(nx.cycle_graph(5)),
        qf.BinPacking([3, 3, 2], 5),
    ]
    for p in items:
        again = pickle.loads(pickle.dumps(p))
        assert type(again) is type(p) and again.labels == p.labels
        enc = p.encode()
        e2 = pickle.loads(pickle.dumps(enc))
        assert e2.qubo == enc.qubo and e2.reference == enc.reference
        x = np.zeros(enc.qubo.num_variables, dtype=int)
        assert e2.decode(x) == enc.decode(x)
