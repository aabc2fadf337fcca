"""Encoded problems and the native solutions their samples decode to."""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _quboflow as _native
from ._models import Qubo, as_model
from ._vartype import samples_matrix, to_binary
from .exceptions import ModelError


@dataclass
class Solution:
    """A decoded sample in the problem's own terms, labels as the problem names them.

    Exactly the fields of the problem's kind are set: ``tour`` (TSP), ``routes`` (CVRP),
    ``items`` (knapsack), ``bins`` (bin packing), ``cut`` (Max-Cut: label → side 0/1),
    ``colors`` (label → colour or None), ``open_facilities`` and ``assignment`` (facility
    location), ``start_times`` (job shop).
    """

    cost: float | None
    """The native objective (tour length, distance, packed value, …); None when undefined."""
    feasible: bool
    violations: list[str] = field(default_factory=list)
    repaired: bool = False
    repair_steps: list[str] = field(default_factory=list)
    tour: list[Hashable] | None = None
    routes: list[list[Hashable]] | None = None
    items: list[Hashable] | None = None
    bins: list[list[Hashable]] | None = None
    cut: dict[Hashable, int] | None = None
    colors: dict[Hashable, int | None] | None = None
    open_facilities: list[int] | None = None
    assignment: list[int | None] | None = None
    start_times: list[int | None] | None = None


def _solution(d: dict[str, Any], labels: Sequence[Hashable] | None) -> Solution:
    lab = (lambda i: labels[i]) if labels is not None else (lambda i: i)
    s = Solution(
        cost=d["objective"],
        feasible=bool(d["feasible"]),
        violations=list(d["violations"]),
        repaired=bool(d["repaired"]),
        repair_steps=list(d["repair_steps"]),
    )
    sol = d["solution"]
    if not isinstance(sol, dict):
        return s  # "none": nothing could be read
    kind, value = next(iter(sol.items()))
    if kind == "tour":
        s.tour = [lab(i) for i in value]
    elif kind == "routes":
        s.routes = [[lab(i) for i in r] for r in value]
    elif kind == "items":
        s.items = [lab(i) for i in value]
    elif kind == "bins":
        s.bins = [[lab(i) for i in b] for b in value]
    elif kind == "cut":
        s.cut = {lab(i): int(v) for i, v in enumerate(value)}
    elif kind == "colors":
        s.colors = {lab(i): c for i, c in enumerate(value)}
    elif kind == "facilities":
        s.open_facilities = list(value["open"])
        s.assignment = list(value["assignment"])
    elif kind == "schedule":
        s.start_times = list(value)
    return s


class Encoded:
    """An encoded problem: the QUBO (constraints attached), the way back to native solutions,
    and what the encoding chose (penalties, energy meaning).

    Samplers accept it directly; their rows then carry ``is_feasible`` and ``native_cost``.
    """

    __slots__ = ("_native", "_labels", "_recipe", "_meta", "_qubo")

    def __init__(self, native: Any, labels: Sequence[Hashable] | None, recipe: tuple[Any, ...],
                 name: str | None = None):
        self._native = native
        self._labels = None if labels is None else list(labels)
        self._recipe = recipe
        self._meta: dict[str, Any] = json.loads(native.describe())
        if name is not None:  # an instance built in code: its own name, not the encoding's
            self._meta["name"] = name
        self._qubo = Qubo._wrap(native.model)

    @property
    def qubo(self) -> Qubo:
        """The model, with the encoding's constraints."""
        return self._qubo

    @property
    def constraints(self) -> dict[str, Any]:
        """One-hot groups, permutations and capacity rows the encoding guarantees."""
        return dict(self._meta["constraints"])

    @property
    def offset(self) -> float:
        """The model's constant term."""
        return float(self._meta["offset"])

    @property
    def encoding(self) -> str:
        """The encoding's name (``tsp-position``, ``knapsack-log-slack``, …)."""
        return str(self._meta["encoding"])

    @property
    def penalties(self) -> dict[str, float]:
        """Penalty weights used, by name."""
        return dict(self._meta["penalties"])

    @property
    def energy_meaning(self) -> str:
        """``objective`` (exact: feasible energy = ± objective), ``heuristic`` or ``feasibility``."""
        return str(self._meta["energy_meaning"])

    @property
    def name(self) -> str:
        return str(self._meta["name"])

    @property
    def problem(self) -> str:
        return str(self._meta["problem"])

    @property
    def objective_name(self) -> str:
        return str(self._meta["objective_name"])

    @property
    def sense(self) -> str:
        """``minimize`` or ``maximize`` (of the native objective)."""
        return str(self._meta["sense"])

    @property
    def reference(self) -> dict[str, Any] | None:
        """The known optimum or best-known value (value, kind, source), when there is one."""
        return self._meta["reference"]

    @property
    def details(self) -> dict[str, Any]:
        return dict(self._meta["details"])

    def decode(self, sample: Any, repair: bool = False) -> Solution:
        """The native solution of one binary sample (dict by label, 1-D array, or a row of
        a sample set). ``repair=True`` returns the nearest feasible solution by the
        encoding's repair rule, flagged ``repaired`` (``ModelError`` if it has none)."""
        x = to_binary(samples_matrix(sample, self._qubo.variables, "sample"), "BINARY")
        if len(x) != 1:
            raise ModelError(f"decode takes one sample, got {len(x)}")
        out = self._native.decode(x[0].tolist(), repair)
        if out is None:
            raise ModelError(f"the {self.encoding} encoding has no repair rule")
        return _solution(json.loads(out), self._labels)

    def _relabel(self, variables: list[Hashable]) -> Encoded:
        self._qubo = self._qubo.relabel(dict(zip(range(len(variables)), variables)))
        return self

    def __repr__(self) -> str:
        return (
            f"Encoded({self.name!r}, encoding={self.encoding!r}, "
            f"{self._qubo.num_variables} variables, penalties={self.penalties})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reencode, self._recipe)


def _reencode(*recipe: Any) -> Encoded:
    kind = recipe[0]
    if kind == "problem":
        _, problem, encoding, penalty = recipe
        return problem.encode(encoding=encoding, penalty=penalty)
    if kind == "file":
        _, path, fmt, encoding, penalty = recipe
        return open_file(path, format=fmt, encoding=encoding, penalty=penalty)
    _, model = recipe
    return encode_model(model)


def open_file(path: str | os.PathLike[str], *, format: str | None = None,
              encoding: str = "auto", penalty: float | None = None) -> Encoded:
    """Reads any file the CLI reads (instance or model) and encodes it as the CLI does; the
    result knows the file's reference value (optimum or best-known) when the data tables
    beside it have one."""
    native = _native.NativeEncoded.open(os.fspath(path), format, encoding, penalty)
    return Encoded(native, None, ("file", os.fspath(path), format, encoding, penalty))


def encode_model(model: Any) -> Encoded:
    """A model encoded as itself (its energy is the objective)."""
    m = as_model(model)
    return Encoded(_native.NativeEncoded.from_model(m._native), None, ("model", m))._relabel(m.variables)
