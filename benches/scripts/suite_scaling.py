"""Suite overhead and scaling (issue: benchmark suites).

1. A suite of 1000 runs of 10 ms each (tabu, one read ended by its 10 ms timeout, on the
   bundled 5-city TSP) through `quboflow --threads 1 suite run`: total wall time against the
   sum of the runs' own times (target: within 1.3x).
2. The same suite through `quboflow.run_suite` on a local Dask cluster and on local Ray, with
   one worker and with two (target: two >= 1.7x faster than one).
3. `quboflow suite report` over 100 000 records (the 1000 records copied under new run ids
   and instance keys) (target: <= 5 s).

Run from the repository root, with the wheel installed in target/pyenv:
    target/pyenv/bin/python benches/scripts/suite_scaling.py [--runs 1000] [--skip-engines]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("QUBOFLOW_CLI", str(ROOT / "target" / "release" / "quboflow"))


def write_suite(d: Path, runs: int) -> Path:
    shutil.copy(ROOT / "testdata" / "burma14_first5.tsp", d / "burma14_first5.tsp")
    p = d / "overhead.toml"
    p.write_text(
        f"""name = "overhead"
seed = 1
repeats = {runs}
threads = 1
[[instances]]
path = "burma14_first5.tsp"
[[solvers]]
solver = "tabu"
params = {{ num_reads = 1, timeout = 0.01 }}
"""
    )
    return p


def run_sum(results: Path) -> float:
    return sum(json.loads(line)["timing"]["wall_s"] for line in results.read_text().splitlines())


def engines(suite: Path, n: int) -> None:
    import quboflow as qf

    from distributed import Client, LocalCluster

    times = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as c, Client(c) as cl:
            ex = cl.get_executor()
            qf.run_suite(suite, executor=ex)  # warm the workers (imports, instance cache)
            t0 = time.perf_counter()
            df = qf.run_suite(suite, executor=ex)
            times[workers] = time.perf_counter() - t0
            assert len(df) == n
    print(f"dask LocalCluster: 1 worker {times[1]:.2f} s, 2 workers {times[2]:.2f} s, speed-up {times[1] / times[2]:.2f}x")

    import ray

    import quboflow.ray

    for workers in (1, 2):
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
        ex = quboflow.ray.RayExecutor()
        qf.run_suite(suite, executor=ex)
        t0 = time.perf_counter()
        df = qf.run_suite(suite, executor=ex)
        times[workers] = time.perf_counter() - t0
        ray.shutdown()
        assert len(df) == n
    print(f"ray local:         1 worker {times[1]:.2f} s, 2 workers {times[2]:.2f} s, speed-up {times[1] / times[2]:.2f}x")


def big_report(d: Path, results: Path, copies: int) -> None:
    lines = results.read_text().splitlines()
    big = d / "big.jsonl"
    with big.open("w") as f:
        for c in range(copies):
            for k, line in enumerate(lines):
                r = json.loads(line)
                r["run_id"] = f"{c:08x}{k:08x}"
                r["run"]["run_id"] = r["run_id"]
                r["run"]["instance"]["key"] = f"inst-{(c * len(lines) + k) // 100}.tsp"
                f.write(json.dumps(r) + "\n")
    n = copies * len(lines)
    t0 = time.perf_counter()
    subprocess.run([CLI, "suite", "report", str(big), "--report", str(d / "big.html"), "--report", str(d / "big.csv")], check=True, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    print(f"suite report over {n} records ({big.stat().st_size / 1e6:.0f} MB, {n // 100} instances), HTML + CSV: {dt:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--skip-engines", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        suite = write_suite(d, a.runs)
        results = d / "r.jsonl"
        t0 = time.perf_counter()
        subprocess.run([CLI, "--threads", "1", "-q", "suite", "run", str(suite), "--results", str(results)], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        s = run_sum(results)
        print(f"quboflow --threads 1 suite run: {a.runs} runs, sum of runs {s:.2f} s, wall {wall:.2f} s (process start included): {wall / s:.3f}x")
        if not a.skip_engines:
            engines(suite, a.runs)
        big_report(d, results, max(1, 100_000 // a.runs))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
