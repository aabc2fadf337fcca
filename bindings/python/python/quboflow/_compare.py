"""``compare``: several solvers on one instance, the CLI's comparison and report."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from . import _quboflow as _native
from ._problems import as_encoded
from ._progress import Progress
from ._samplers import SAMPLERS, Sampler, _jsonable, _seed, _time_limit
from .exceptions import ModelError

#: Report columns (to_pandas), from the report's per-solver summary.
COLUMNS = (
    ("solver", "label"),
    ("status", "status"),
    ("best_objective", "best_objective"),
    ("gap_percent", "gap_percent"),
    ("mean_gap_percent", "mean_gap_percent"),
    ("feasible_percent", None),
    ("repaired_best_objective", "repaired_best_objective"),
    ("best_energy", "best_energy"),
    ("mean_energy", "mean_energy"),
    ("hits", "hits"),
    ("runs_completed", "runs_completed"),
    ("mean_wall_s", "mean_wall_s"),
    ("time_to_target_s", "time_to_target_s"),
    ("tts99_s", "tts99_s"),
    ("p", None),
    ("expectation", None),
    ("approximation_ratio", None),
    ("probability_of_best", None),
    ("energy_mismatches", "energy_mismatches"),
    ("reason", "reason"),
)

#: Remote-execution columns, present when a solver ran on a remote or noisy backend:
#: (column, key of the summary's ``backend`` object).
BACKEND_COLUMNS = (
    ("backend", "name"),
    ("shots", "shots"),
    ("jobs", "jobs"),
    ("queue_s", "queue_s"),
    ("execution_s", "execution_s"),
    ("cost_usd", "cost_usd"),
)


class Report:
    """A comparison's result: one summary per solver, the instance, reference, seeds and
    machine. ``to_pandas()`` gives the table (the same figures as ``quboflow compare``),
    ``to_html()`` a self-contained page with SVG charts (rendered inline in Jupyter),
    ``write(path)`` any format by extension (.txt, .md, .csv, .json, .html)."""

    __slots__ = ("_json", "data")

    def __init__(self, report_json: str):
        self._json = report_json
        self.data: dict[str, Any] = json.loads(report_json)

    @property
    def reference(self) -> dict[str, Any] | None:
        """What gaps are measured against (value, kind, source), or None (best found)."""
        return self.data["reference"]

    @property
    def seeds(self) -> list[int]:
        """The seed of each repeat (the same for every solver)."""
        return list(self.data["settings"]["seeds"])

    def to_pandas(self) -> Any:
        """One row per solver: best native objective, gaps, feasible %, energies, hits,
        time per run, time-to-target, TTS99, and for QAOA p, ⟨C⟩, approximation ratio and
        P(best); ``saving_vs_plan_percent`` when a plan was given. The classical baselines are
        in ``data["baselines"]``."""
        import pandas as pd

        rows = []
        remote = any(s.get("backend") for s in self.data["solvers"])
        plan = any(s.get("saving_vs_plan_percent") is not None for s in self.data["solvers"])
        columns = [c for c, _ in COLUMNS] + ([c for c, _ in BACKEND_COLUMNS] + ["cost_per_run_usd"] if remote else [])
        columns += ["saving_vs_plan_percent"] if plan else []
        for s in self.data["solvers"]:
            row: dict[str, Any] = {}
            var = s.get("variational") or {}
            if remote:
                b = s.get("backend") or {}
                for bcol, bkey in BACKEND_COLUMNS:
                    row[bcol] = b.get(bkey)
                runs = s.get("runs_completed") or 0
                row["cost_per_run_usd"] = b["cost_usd"] / runs if b and runs else None
            if plan:
                row["saving_vs_plan_percent"] = s.get("saving_vs_plan_percent")
            for col, key in COLUMNS:
                if key is not None:
                    row[col] = s.get(key)
                elif col == "feasible_percent":
                    f = s.get("raw_feasible_fraction")
                    row[col] = None if f is None else 100.0 * f
                else:
                    row[col] = var.get(col)
            rows.append(row)
        df = pd.DataFrame(rows, columns=columns)
        return df.set_index("solver")

    def to_runs(self) -> Any:
        """One row per run (solver × repeat): seed, wall time, best energy and objective,
        feasible fraction, gap, hit."""
        import pandas as pd

        rows = []
        for s in self.data["solvers"]:
            for r in s["runs"]:
                rows.append({
                    "solver": s["label"], "repeat": r["repeat"], "seed": r["seed"],
                    "wall_s": r["wall_s"], "termination": r["termination"],
                    "best_energy": r["best_energy"], "best_objective": r["best_objective"],
                    "feasible_fraction": r["feasible_fraction"], "gap_percent": r["gap_percent"],
                    "hit": r["hit"],
                })
        return pd.DataFrame(rows)

    def to_html(self) -> str:
        """A self-contained HTML page with the table and SVG charts."""
        return str(_native.render_report(self._json, "html"))

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self) -> str:
        return str(_native.render_report(self._json, "txt"))

    def to_markdown(self) -> str:
        return str(_native.render_report(self._json, "md"))

    def to_csv(self) -> str:
        return str(_native.render_report(self._json, "csv"))

    def to_json(self) -> str:
        return self._json

    def write(self, path: str | os.PathLike[str]) -> None:
        """Writes the report; the extension picks the format (.txt, .md, .csv, .json, .html)."""
        _native.write_report(self._json, os.fspath(path))

    def __repr__(self) -> str:
        return self.to_text().rstrip()

    def __reduce__(self) -> tuple[Any, ...]:
        return (Report, (self._json,))


def _solver_spec(entry: Any, model: Any) -> tuple[str, str, str]:
    """``(label, registry name, parameters JSON)`` from a name, a sampler, or a tuple
    ``(sampler_or_name, params)`` / ``(label, sampler_or_name, params)``."""
    label = None
    params: dict[str, Any] = {}
    if isinstance(entry, tuple):
        if len(entry) == 3:
            label, entry, params = entry
        elif len(entry) == 2:
            entry, params = entry
        else:
            raise ModelError(f"a solver entry is a name, a sampler, (solver, params) or (label, solver, params); got {entry!r}")
    if isinstance(entry, str) and "@" in entry:
        # "qaoa@ionq:simulator": QAOA on that backend, labelled as written (as the CLI does).
        name, backend = entry.split("@", 1)
        if name.strip().lower() != "qaoa" or not backend.strip():
            raise ModelError(f"{entry!r}: only qaoa runs on a backend (qaoa@BACKEND)")
        label = label or entry.strip()
        params = {"backend": backend.strip(), **params}
        entry = "qaoa"
    if isinstance(entry, str):
        key = entry.strip().lower()
        if key not in SAMPLERS:
            raise ModelError(f"unknown solver {entry!r} (expected one of {', '.join(SAMPLERS)})")
        sampler: Sampler = SAMPLERS[key]()
    elif isinstance(entry, Sampler):
        sampler = entry
    elif isinstance(entry, type) and issubclass(entry, Sampler):
        sampler = entry()
    else:
        raise ModelError(f"not a solver: {entry!r}")
    if not isinstance(params, dict):
        raise ModelError(f"solver parameters must be a dict, got {type(params).__name__}")
    for k in ("seed", "time_limit", "progress"):
        if k in params:
            raise ModelError(f"{k} is set for the whole comparison (compare(..., {k}=…)), not per solver")
    translated = sampler._translate(model, dict(params))
    payload = {k: _jsonable(k, v) for k, v in translated.items() if v is not None}
    return (label or sampler._solver, sampler._solver, json.dumps(payload))


def _instance_of(problem: Any) -> Any:
    """The native instance behind a problem or an instance file, for the classical baseline
    (None for models and files that hold a QUBO)."""
    from ._problems import Problem
    from .exceptions import QuboflowError

    if isinstance(problem, Problem):
        native = getattr(problem, "_native", None)
        return native if isinstance(native, _native.NativeInstance) else None
    if isinstance(problem, (str, os.PathLike)):
        try:
            return _native.NativeInstance.read(os.fspath(problem), None)
        except (QuboflowError, OSError, ValueError):
            return None
    return None


def compare(
    problem: Any,
    solvers: Sequence[Any] = ("sa", "tabu", "pt"),
    *,
    repeats: int = 5,
    seed: int | None = None,
    time_limit: float | None = None,
    repair: bool = False,
    reference: str | float | None = None,
    name: str | None = None,
    progress: Any = False,
    baseline: str | os.PathLike[str] | None = None,
) -> Report:
    """Runs several solvers on one instance and reports them side by side — the library
    call behind ``quboflow compare``, so the same instance, solvers and seed give the same
    figures.

    Args:
        problem: a problem (:class:`Tsp`, :class:`Knapsack`, …; encoded by default), an
            :class:`Encoded`, a model (anything :class:`Qubo` takes) or a file path.
        solvers: names ("sa", "tabu", "pt", "descent", "exact", "qaoa", or "qaoa@BACKEND" such
            as "qaoa@ionq:simulator" or "qaoa@noise:aria-1"), sampler objects, or
            tuples ``(solver, params)`` / ``(label, solver, params)`` with the samplers'
            keyword arguments. Default ("sa", "tabu", "pt").
        repeats: runs per solver, seeds derived from ``seed``. Default 5.
        seed: base seed. Default drawn at random and recorded in the report.
        time_limit: wall-clock limit of each run, seconds. Default none.
        repair: also repair each run's lowest-energy read (reported apart, flagged).
        reference: "optimum" (a proven optimum must be known), "best-known", or a number.
            Default: the known value when the data tables have one, else the best found.
        name: instance name in the report. Default the problem's.
        progress: True for a bar, or a callable ``f(done, total, best_energy)``.
        baseline: your current plan, a TSPLIB tour or CVRPLIB ``.sol`` file: the report
            states each solver's cost saved against it (``saving_vs_plan_percent``). Routing
            and packing problems always get their classical baseline (``Report.data
            ["baselines"]``). Default none.
    """
    enc = as_encoded(problem)
    instance = _instance_of(problem)
    specs = [_solver_spec(s, enc.qubo) for s in solvers]
    if isinstance(reference, bool) or not isinstance(reference, (str, int, float, type(None))):
        raise ModelError(
            f"reference must be 'optimum', 'best-known' or a number, got {reference!r}"
        )
    ref = reference if reference is None or isinstance(reference, str) else repr(float(reference))
    if repeats is None or isinstance(repeats, bool) or int(repeats) != repeats or repeats < 1:
        raise ModelError(f"repeats must be a positive integer, got {repeats!r}")
    bar = Progress(progress, "compare")
    try:
        out = _native.compare(
            enc._native, specs, int(repeats), _seed(seed), _time_limit(time_limit),
            bool(repair), ref, name or enc.name, bar.callback(), instance,
            None if baseline is None else os.fspath(baseline),
        )
    finally:
        bar.close()
    return Report(out)
