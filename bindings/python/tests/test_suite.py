"""Suites from Python: the same records serially, on a process pool, on a local Dask cluster
and on a local Ray instance; resumable results files; bad suite files named by line."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import shutil
from pathlib import Path

import pytest

import quboflow as qf
from quboflow.exceptions import ParseError

#: Columns that hold times; everything else must be equal wherever a run ran.
TIMES = ["wall_s", "time_to_target_s"]

SUITE = """
name = "python-test"
seed = 17
repeats = 2
[[instances]]
paths = ["burma14_first5.tsp", "petersen.gset"]
baseline = 0
[[solvers]]
solver = "exact"
repeats = 1
[[solvers]]
solver = "sa"
params = { num_reads = 4 }
sweep = { num_sweeps = [50, 400] }
[[solvers]]
solver = "tabu"
params = { num_restarts = 5, timeout = 30 }
[[solvers]]
solver = "pt"
params = { num_sweeps = 100, num_replicas = 8 }
[[solvers]]
solver = "descent"
[[solvers]]
solver = "qaoa"
params = { max_evals = 15 }
""".replace("baseline = 0\n", "")


@pytest.fixture()
def suite(tmp_path: Path, testdata: Path) -> Path:
    for f in ["burma14_first5.tsp", "petersen.gset", "subinstances_optimal.csv"]:
        shutil.copy(testdata / f, tmp_path / f)
    p = tmp_path / "suite.toml"
    p.write_text(SUITE)
    return p


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory, testdata: Path):
    d = tmp_path_factory.mktemp("serial")
    for f in ["burma14_first5.tsp", "petersen.gset", "subinstances_optimal.csv"]:
        shutil.copy(testdata / f, d / f)
    (d / "suite.toml").write_text(SUITE)
    return qf.run_suite(d / "suite.toml")


def same(a, b) -> None:
    import pandas.testing as pdt

    pdt.assert_frame_equal(
        a.drop(columns=TIMES).reset_index(drop=True), b.drop(columns=TIMES).reset_index(drop=True)
    )


def test_serial_run_records_every_run(serial) -> None:
    assert len(serial) == 2 * (1 + 2 * 2 + 2 * 4)
    assert (serial["status"] == "ok").all()
    assert serial["reproducible"].all()
    assert serial["run_id"].is_unique and serial["seed"].is_unique
    burma = serial[serial["instance"] == "burma14_first5"]
    assert (burma["reference"] == 2321.0).all()
    assert burma.loc[burma["label"] == "exact", "gap_percent"].tolist() == [0.0]
    assert set(serial["label"]) == {"exact", "sa[num_sweeps=50]", "sa[num_sweeps=400]", "tabu", "pt", "descent", "qaoa"}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_process_pool_gives_the_serial_records(suite: Path, serial, method: str) -> None:
    ctx = multiprocessing.get_context(method)
    with cf.ProcessPoolExecutor(2, mp_context=ctx) as ex:
        df = qf.run_suite(suite, executor=ex)
    same(df, serial)


def test_a_local_dask_cluster_gives_the_serial_records(suite: Path, serial) -> None:
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        df = qf.run_suite(suite, executor=client.get_executor())
    same(df, serial)


def test_a_local_ray_instance_gives_the_serial_records(suite: Path, serial) -> None:
    import ray

    import quboflow.ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        df = qf.run_suite(suite, executor=quboflow.ray.RayExecutor())
    finally:
        ray.shutdown()
    same(df, serial)


def test_results_files_resume_and_shards_merge(suite: Path, serial, tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    qf.run_suite(suite, results=results, shard=(1, 2))
    with pytest.raises(FileExistsError, match="resume"):
        qf.run_suite(suite, results=results)
    # A run killed after a few records, resumed: every run once, the serial records.
    lines = results.read_text().splitlines()
    results.write_text("\n".join(lines[:4]) + "\n" + lines[4][:50])
    df = qf.run_suite(suite, results=results, resume=True)
    same(df, serial)
    ids = [json.loads(line)["run_id"] for line in results.read_text().splitlines()]
    assert len(ids) == len(set(ids)) == len(serial)
    # The report over the file, and the file read back.
    same(qf.read_results([results, results]), serial)
    html = tmp_path / "r.html"
    rep = qf.report_suite(results, report=html)
    assert rep["records"] == len(serial) and len(rep["instances"]) == 2
    assert "<svg" in html.read_text()
    assert [s["label"] for s in rep["solvers"]][0] == "exact"


def test_expand_suite_and_bad_files(suite: Path) -> None:
    runs = qf.expand_suite(suite)
    assert len(runs) == 26 and runs[0]["solver"] == "exact"
    halves = qf.expand_suite(suite, shard=(1, 2)) + qf.expand_suite(suite, shard=(2, 2))
    assert sorted(r["run_id"] for r in halves) == sorted(r["run_id"] for r in runs)
    suite.write_text(SUITE.replace('solver = "pt"', 'solver = "parallel"'))
    with pytest.raises(ParseError, match=r"suite\.toml:\d+: unknown solver `parallel`"):
        qf.run_suite(suite)
    with pytest.raises(ValueError):
        qf.expand_suite(suite.parent / "missing.toml")


def test_the_readme_suite_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    root = Path(__file__).resolve().parents[3]
    section = (root / "README.md").read_text().split("## Benchmark suites", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]
    (tmp_path / "testdata").symlink_to(root / "testdata")
    monkeypatch.chdir(tmp_path)
    import ray

    try:
        scope: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), scope)  # noqa: S102
    finally:
        ray.shutdown()
    df = scope["df"]
    assert len(df) == 57 and (df["status"] == "ok").all()  # type: ignore[index]
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 57
    assert "<svg" in (tmp_path / "suite.html").read_text()
