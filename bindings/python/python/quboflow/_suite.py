"""Benchmark suites from Python: ``run_suite`` runs a suite file's runs on any
``concurrent.futures.Executor`` (a Dask client's executor, :class:`quboflow.ray.RayExecutor`,
a process pool) or in this process, and returns one DataFrame row per run."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, as_completed
from typing import Any

from . import _quboflow as _native
from ._progress import Progress

#: DataFrame columns of ``run_suite`` and ``read_results``, in order.
SUITE_COLUMNS = (
    "run_id",
    "index",
    "suite",
    "instance",
    "instance_key",
    "problem",
    "solver",
    "label",
    "repeat",
    "seed",
    "status",
    "termination",
    "best_energy",
    "mean_energy",
    "best_objective",
    "feasible_fraction",
    "reference",
    "reference_kind",
    "gap_percent",
    "hit",
    "baseline",
    "saving_percent",
    "wall_s",
    "time_to_target_s",
    "cost_usd",
    "reproducible",
    "result_sha256",
    "version",
    "git_commit",
    "hostname",
    "reason",
)


def _run_one(spec: str) -> str:
    """Runs one run spec (JSON) and returns its record (JSON): what an executor's worker
    calls. Module-level, so every executor can pickle it by name."""
    return _native.suite_run(spec)


def _frame(records: Iterable[str]) -> Any:
    """The DataFrame of record lines (JSON), one row each (built by the library), in suite
    order."""
    import pandas as pd

    rows = sorted((json.loads(r) for r in _native.suite_rows(list(records))), key=lambda r: r["index"])
    return pd.DataFrame(rows, columns=list(SUITE_COLUMNS))


def expand_suite(
    suite: str | os.PathLike[str], shard: tuple[int, int] | None = None
) -> list[dict[str, Any]]:
    """The runs a suite file expands into (or shard ``(k, n)``'s share, 1 ≤ k ≤ n), each a
    dict with its ``run_id``, instance, solver, parameters and ``seed``. Checks the whole
    file first: a bad one raises :class:`quboflow.exceptions.ParseError` naming the line."""
    _, specs = _native.suite_expand(os.fspath(suite), shard)
    return [json.loads(s) for s in specs]


def run_suite(
    suite: str | os.PathLike[str],
    executor: Executor | None = None,
    *,
    results: str | os.PathLike[str] | None = None,
    resume: bool = False,
    shard: tuple[int, int] | None = None,
    threads: int | None = None,
    progress: bool | Callable[..., Any] | None = False,
) -> Any:
    """Runs a suite file and returns a pandas DataFrame with one row per run.

    Args:
        suite: the suite file (TOML; see the README's "Benchmark suites").
        executor: where runs go: any ``concurrent.futures.Executor`` — a Dask
            ``distributed.Client(...).get_executor()``, :class:`quboflow.ray.RayExecutor`, a
            ``ProcessPoolExecutor`` — or ``None`` (default) to run them here, one by one.
            Results do not depend on it: each run's seed comes from its run id.
        results: a JSON Lines results file to append each record to as it arrives (synced;
            the same records as ``quboflow suite run``). Default: none.
        resume: skip the runs ``results`` already holds (default ``False``; without it, a
            results file that already holds records is refused).
        shard: ``(k, n)``: only the k-th of n shares of the runs (default: all).
        threads: worker threads per run. Default: the suite file's ``threads``, else 1 when an
            executor is given (its workers are the parallelism) and all cores here.
        progress: ``True`` for a bar, or a callable ``f(done, total, None)``.

    Returns:
        DataFrame with the columns of ``quboflow._suite.SUITE_COLUMNS``, rows in suite
        order; the rows of runs already in ``results`` (with ``resume``) included.
    """
    _, specs = _native.suite_expand(os.fspath(suite), shard)
    parsed = [json.loads(s) for s in specs]
    for p in parsed:
        if threads is not None:
            p["threads"] = int(threads)
        elif p.get("threads") is None and executor is not None:
            p["threads"] = 1
    done: dict[str, str] = {}
    if results is not None:
        path = os.fspath(results)
        if os.path.exists(path) and os.path.getsize(path) > 0:
            if not resume:
                raise FileExistsError(
                    f"{path}: the results file already holds records: pass resume=True to "
                    "continue it, or name a new file"
                )
            wanted = {p["run_id"] for p in parsed}
            for line in _native.suite_read([path]):
                run_id = json.loads(line)["run_id"]
                if run_id in wanted:
                    done[run_id] = line
    todo = [p for p in parsed if p["run_id"] not in done]
    bar = Progress(progress, "suite")
    cb = bar.callback()
    records = list(done.values())
    total = len(todo)

    def arrived(line: str, k: int) -> None:
        if results is not None:
            _native.suite_append(os.fspath(results), [line])
        records.append(line)
        if cb is not None:
            cb(k, total, None, "suite")

    try:
        if executor is None:
            for k, p in enumerate(todo, 1):
                arrived(_run_one(json.dumps(p)), k)
        else:
            futures: list[Future[str]] = [executor.submit(_run_one, json.dumps(p)) for p in todo]
            try:
                for k, f in enumerate(as_completed(futures), 1):
                    arrived(f.result(), k)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
    finally:
        bar.close()
    return _frame(records)


def read_results(results: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> Any:
    """Results files (one path or several, e.g. every shard's) merged into the DataFrame
    ``run_suite`` returns; records repeated across files count once."""
    paths = [os.fspath(results)] if isinstance(results, (str, os.PathLike)) else [os.fspath(p) for p in results]
    return _frame(_native.suite_read(paths))


def report_suite(
    results: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    report: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = (),
) -> dict[str, Any]:
    """The suite report over results files (performance profiles, gaps, success rates, time
    to target, cost, saving against the plan) as a dict; also written to each ``report``
    path (.txt, .md, .csv, .json, .html), as ``quboflow suite report`` writes it."""
    paths = [os.fspath(results)] if isinstance(results, (str, os.PathLike)) else [os.fspath(p) for p in results]
    outs = [os.fspath(report)] if isinstance(report, (str, os.PathLike)) else [os.fspath(p) for p in report]
    result: dict[str, Any] = json.loads(_native.suite_report(paths, outs))
    return result
