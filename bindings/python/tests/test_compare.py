"""compare(): the CLI's comparison from Python — same figures for the same seed — and its
report as a DataFrame, HTML with inline SVG, and files by extension."""

from __future__ import annotations

import json
import pickle
import subprocess

import numpy as np
import pytest

import quboflow as qf
from quboflow.exceptions import ModelError

FIGURES = ("best_objective", "best_energy", "mean_energy", "raw_feasible_fraction", "hits",
           "runs_completed", "gap_percent", "energy_mismatches")


def test_same_figures_as_the_cli(cli, testdata):
    path = testdata / "burma14_first5.tsp"
    doc = json.loads(subprocess.run(
        [cli, "compare", str(path), "--solvers", "sa,descent,pt", "--repeats", "2", "--seed", "5",
         "--num-sweeps", "300", "--json", "-q"],
        check=True, capture_output=True, text=True,
    ).stdout)
    report = qf.compare(path, [("sa", {"num_sweeps": 300}), "descent", ("pt", {"num_sweeps": 300})],
                        repeats=2, seed=5)
    assert report.seeds == doc["settings"]["seeds"]
    assert report.reference == doc["reference"]
    for mine, theirs in zip(report.data["solvers"], doc["solvers"]):
        assert mine["label"] == theirs["label"]
        for f in FIGURES:
            assert mine[f] == theirs[f], (mine["label"], f)
        assert [r["best_energy"] for r in mine["runs"]] == [r["best_energy"] for r in theirs["runs"]]


def test_report_outputs(tmp_path):
    pd = pytest.importorskip("pandas")
    k = qf.Knapsack([5, 4, 3, 7], [4, 3, 2, 5], 7)
    seen = []
    report = qf.compare(k, ["exact", "sa", ("quick tabu", "tabu", {"timeout": 5})], repeats=2, seed=1,
                        reference=10, progress=lambda done, total, best: seen.append((done, total)))
    df = report.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == ["exact", "sa", "quick tabu"]
    assert df.loc["exact", "best_objective"] == 10.0 and df.loc["exact", "gap_percent"] == 0.0
    assert df.loc["sa", "feasible_percent"] <= 100.0
    assert report.reference["kind"] == "user"
    runs = report.to_runs()
    assert len(runs) == 6 and set(runs["seed"]) == set(report.seeds)
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert report._repr_html_() == html
    for ext in ("html", "json", "csv", "md", "txt"):
        out = tmp_path / f"r.{ext}"
        report.write(out)
        assert out.stat().st_size > 0
    assert json.loads((tmp_path / "r.json").read_text())["solvers"][0]["label"] == "exact"
    with pytest.raises(ModelError, match="report"):
        report.write(tmp_path / "r.docx")
    assert "best packed value" in repr(report)
    assert report.data["instance"]["name"] == "knapsack"  # the instance's, not the encoding's
    assert pickle.loads(pickle.dumps(report)).to_json() == report.to_json()
    assert seen and all(d <= t for d, t in seen)


def test_models_and_references():
    q = qf.Qubo({("a", "b"): -1.0, ("b", "c"): -1.0})
    r = qf.compare(q, ["exact", "descent"], repeats=1, seed=2, name="chain")
    assert r.data["instance"]["name"] == "chain"
    assert r.data["solvers"][0]["best_energy"] == -2.0
    with pytest.raises(ModelError, match="optimum"):
        qf.compare(q, ["exact"], reference="optimum")
    with pytest.raises(ModelError, match="unknown solver"):
        qf.compare(q, ["annealer"])
    with pytest.raises(ModelError, match="repeats"):
        qf.compare(q, ["exact"], repeats=0)
    with pytest.raises(ModelError, match="twice"):
        qf.compare(q, ["sa", "sa"])
    with pytest.raises(ModelError, match="whole comparison"):
        qf.compare(q, [("sa", {"seed": 3})])
    with pytest.raises(ModelError, match="repair"):
        qf.compare(q, ["sa"], repair=True)


def test_routing_reports_carry_the_classical_baseline_and_the_plan(testdata, tmp_path) -> None:
    plan = tmp_path / "plan.tour"
    plan.write_text("TOUR_SECTION\n1\n3\n2\n4\n5\n-1\nEOF\n")
    tsp = qf.Tsp.from_tsplib(testdata / "burma14_first5.tsp")
    report = qf.compare(tsp, ["exact"], repeats=1, seed=2, baseline=plan)
    names = [(b["name"], b["kind"]) for b in report.data["baselines"]]
    assert names == [("nn+2opt+oropt", "classical"), ("plan", "plan")]
    plan_cost = report.data["baselines"][1]["objective"]
    df = report.to_pandas()
    assert df["saving_vs_plan_percent"].iloc[0] == pytest.approx((plan_cost - 2321.0) / plan_cost * 100.0)
    # A file path gets the baseline too; a model has none, and refuses a plan.
    assert qf.compare(str(testdata / "burma14_first5.tsp"), ["sa"], repeats=1, seed=1).data["baselines"][0]["objective"] == 2321.0
    assert qf.compare(testdata / "petersen.gset", ["sa"], repeats=1, seed=1).data["baselines"] == []
    with pytest.raises(qf.exceptions.ModelError, match="plan"):
        qf.compare(testdata / "petersen.gset", ["sa"], repeats=1, seed=1, baseline=plan)


def test_reports_draw_each_solvers_best_routes_on_the_coordinates():
    rng = np.random.default_rng(4)
    xy = rng.integers(0, 1000, size=(13, 2)).astype(float)
    cvrp = qf.Cvrp.from_arrays(xy, [0, *rng.integers(1, 10, size=12)], capacity=25, rounding="nint")
    enc = cvrp.encode(encoding="cvrp-route-pool")
    report = qf.compare(enc, [("tabu", {"timeout": 200}), ("hybrid", {"sub_size": 12})], repeats=1, seed=1)
    for s in report.data["solvers"]:
        pic = s["picture"]
        assert pic["kind"] == "routes" and pic["depot"] == 0
        assert sorted(i for p in pic["paths"] for i in p["points"][1:]) == list(range(1, 13))
        assert np.allclose(pic["points"], xy)
    html = report.to_html()
    assert "<h2>Solutions</h2>" in html and html.count('class="depot"') == 2
    # The decomposition reports what its sub-solver contributed.
    hybrid = report.data["solvers"][1]
    assert hybrid["decomposition"]["parts"][0]["solver"] == "exact"
