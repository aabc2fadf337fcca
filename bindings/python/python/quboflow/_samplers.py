"""Samplers with dimod's names and call shapes, each a thin front to one registry solver."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Hashable, Mapping
from typing import Any, ClassVar

import numpy as np

from . import _quboflow as _native
from ._models import Ising, Model, Qubo, as_model
from ._progress import Progress
from ._sampleset import SampleSet
from ._vartype import as_vartype, from_binary, samples_matrix, to_binary
from .exceptions import ModelError, UnknownParameterWarning

#: Keywords every sampler takes besides its own.
COMMON = ("seed", "time_limit", "progress")


def _jsonable(name: str, value: Any) -> Any:
    """``value`` as plain JSON data; non-finite numbers are refused by parameter name."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(name, v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(name, v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        raise ModelError(f"invalid {name}: {value} is not a finite number")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ModelError(f"invalid {name}: {value!r} is not a number, name or list")


def _name(value: Any) -> Any:
    return value.strip().lower().replace("_", "-") if isinstance(value, str) else value


def _seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ModelError(f"invalid seed: {seed!r}; a seed is an integer in 0..2**64")
    if not 0 <= int(seed) < 2**64:
        raise ModelError(f"invalid seed: {seed}; a seed is an integer in 0..2**64")
    return int(seed)


def _time_limit(t: Any) -> float | None:
    if t is None:
        return None
    try:
        f = float(t)
    except (TypeError, ValueError):
        raise ModelError(f"invalid time_limit: {t!r}; give seconds as a number") from None
    if math.isnan(f) or f <= 0:
        raise ModelError(f"invalid time_limit: {t!r}; give a positive number of seconds")
    return f


class Sampler:
    """Base of quboflow's samplers: ``sample`` runs one registry solver; ``sample_qubo`` and
    ``sample_ising`` build the model and call it.

    Every sampler also takes ``seed`` (int; default drawn at random and recorded in
    ``info["seed"]``), ``time_limit`` (seconds; default none) and ``progress`` (``True`` for
    a bar, or a callable ``f(done, total, best_energy)``). Unknown keywords warn with
    :class:`~quboflow.exceptions.UnknownParameterWarning` and are ignored.
    """

    _solver: ClassVar[str] = ""
    #: dimod keyword → registry parameter (None: handled here).
    _keywords: ClassVar[dict[str, str | None]] = {}
    #: Keywords dimod users pass that change nothing here (accepted silently).
    _inert: ClassVar[tuple[str, ...]] = ()

    @property
    def parameters(self) -> dict[str, list[str]]:
        """Keyword arguments of :meth:`sample` (dimod's layout: name → relevant properties)."""
        return {k: [] for k in (*self._keywords, *COMMON)}

    @property
    def properties(self) -> dict[str, Any]:
        """What the sampler is: solver name, quboflow version, each parameter's meaning."""
        helps = {name: h for name, _, h in _native.parameters()}
        return {
            "solver": self._solver,
            "version": _native.__version__,
            "parameter_help": {k: helps.get(v or k, "") for k, v in self._keywords.items()},
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    # -- entry points -----------------------------------------------------------------------

    def sample_qubo(self, Q: Mapping[tuple[Hashable, Hashable], float], offset: float = 0.0,
                    **parameters: Any) -> SampleSet:
        """Samples the QUBO ``{(u, v): w}`` (BINARY samples)."""
        return self.sample(Qubo.from_dict(Q, offset), **parameters)

    def sample_ising(self, h: Any, J: Mapping[tuple[Hashable, Hashable], float],
                     offset: float = 0.0, **parameters: Any) -> SampleSet:
        """Samples the Ising model ``h``, ``J`` (SPIN samples)."""
        return self.sample(Ising(h, J, offset), **parameters)

    def sample(self, bqm: Any, **parameters: Any) -> SampleSet:
        """Samples ``bqm``: a :class:`Qubo`/:class:`Ising`, an :class:`Encoded` problem or a
        problem (encoded by default; rows then carry ``is_feasible`` and ``native_cost``), a
        dimod BQM, or anything :class:`Qubo` takes. Samples come back in the model's vartype
        and labels."""
        from ._problems import Problem

        if isinstance(bqm, Problem):
            bqm = bqm.encode()  # the problem's default encoding
        model = as_model(bqm)
        encoded = bqm if hasattr(bqm, "decode") and hasattr(bqm, "qubo") else None
        seed = _seed(parameters.pop("seed", None))
        time_limit = _time_limit(parameters.pop("time_limit", None))
        progress = Progress(parameters.pop("progress", None), self._solver)
        params = self._translate(model, parameters)
        payload = {k: _jsonable(k, v) for k, v in params.items() if v is not None}
        try:
            x, energy, counts, info_json = _native.sample(
                model._native, self._solver, json.dumps(payload), seed, time_limit,
                progress.callback(),
            )
        finally:
            progress.close()
        info = json.loads(info_json)
        extra: dict[str, Any] = {}
        report = info.get("extra")
        if isinstance(report, dict) and report.get("probabilities") is not None:
            extra["probability"] = np.asarray(report.pop("probabilities"), dtype=np.float64)
        if encoded is not None:
            extra["is_feasible"], extra["native_cost"] = encoded._native.evaluate(x)
        return SampleSet.from_samples(
            from_binary(x, model.vartype),
            model.vartype,
            energy,
            num_occurrences=counts,
            info=info,
            variables=model.variables,
            **extra,
        )

    # -- parameters -------------------------------------------------------------------------

    def _translate(self, model: Model, given: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in given.items():
            if key in self._inert:
                continue
            if key not in self._keywords:
                warnings.warn(
                    f"{type(self).__name__}.sample() ignores unknown keyword {key!r} "
                    f"(it takes {', '.join(sorted((*self._keywords, *COMMON)))})",
                    UnknownParameterWarning,
                    stacklevel=3,
                )
                continue
            target = self._keywords[key]
            if target is not None:
                out[target] = _name(value)
        self._special(model, given, out)
        return out

    def _special(self, model: Model, given: dict[str, Any], out: dict[str, Any]) -> None:
        """Keywords that need more than renaming."""
        if "initial_states" in given or "initial_states_generator" in given:
            out.pop("initial_states", None)
            out.pop("initial_states_generator", None)
            states = _initial_states(
                model,
                given.get("initial_states"),
                given.get("initial_states_generator", "random"),
                given.get("num_reads"),
            )
            if states is not None:
                out["initial_states"] = states
                if given.get("num_reads") is None:
                    out["num_reads"] = len(states)


def _initial_states(model: Model, states: Any, generator: Any, num_reads: Any) -> list[list[int]] | None:
    """Start states as 0/1 rows, filled as dimod's ``initial_states_generator`` says."""
    generator = str(generator).strip().lower()
    if generator not in ("random", "none", "tile"):
        raise ModelError(
            f"invalid initial_states_generator: {generator!r} (expected 'random', 'none' or 'tile')"
        )
    if states is None:
        if generator == "none":
            raise ModelError("initial_states_generator='none' needs initial_states")
        return None
    vartype = getattr(states, "vartype", None)
    vt = model.vartype if vartype is None else as_vartype(vartype)
    arr = to_binary(samples_matrix(states, model.variables, "initial_states"), vt)
    if num_reads is not None:
        n = int(num_reads)
        if generator == "none" and n > len(arr):
            raise ModelError(
                f"num_reads={n} but only {len(arr)} initial_states with initial_states_generator='none'"
            )
        if generator == "tile" and len(arr):
            arr = np.resize(arr, (n, arr.shape[1]))
        elif generator != "random":
            arr = arr[:n]
    return arr.tolist()


class SimulatedAnnealingSampler(Sampler):
    """Simulated annealing with dwave-samplers' parameters and defaults.

    Keyword arguments (all optional):
        num_reads (int): independent reads. Default 10, or one per initial state.
        num_sweeps (int): sweeps per read. Default 1000 (fitted to ``time_limit`` when one
            is given and ``num_sweeps`` is not).
        num_sweeps_per_beta (int): sweeps at each β. Default 1.
        beta_range (tuple[float, float]): (hot, cold) inverse temperatures. Default from the
            model by dwave-samplers' rule.
        beta_schedule_type (str): "geometric" (default), "linear" or "custom".
        beta_schedule (sequence of float): the β values of a custom schedule.
        initial_states: start states (array, dicts or sample set), in the model's vartype.
        initial_states_generator (str): "random" (default: reads beyond the given states
            start at random), "none" or "tile".
        moves (str): "auto" (default; constraint-preserving when the model carries
            constraints), "single-flip" or "constrained".
        randomize_order, proposal_acceptance_criteria: only dimod's defaults (False,
            "Metropolis") are supported; other values are an error.

    Example:
        >>> ss = SimulatedAnnealingSampler().sample_ising({"a": 1}, {("a", "b"): -1}, seed=1)
        >>> ss.first.energy
        -2.0
    """

    _solver = "sa"
    _keywords: ClassVar[dict[str, str | None]] = {
        "num_reads": "num_reads",
        "num_sweeps": "num_sweeps",
        "num_sweeps_per_beta": "num_sweeps_per_beta",
        "beta_range": "beta_range",
        "beta_schedule_type": "beta_schedule_type",
        "beta_schedule": "beta_schedule",
        "initial_states": None,
        "initial_states_generator": None,
        "moves": "moves",
        "randomize_order": None,
        "proposal_acceptance_criteria": None,
    }

    def _special(self, model: Model, given: dict[str, Any], out: dict[str, Any]) -> None:
        super()._special(model, given, out)
        if given.get("randomize_order", False):
            raise ModelError("randomize_order=True is not supported: sweeps visit variables in order")
        crit = given.get("proposal_acceptance_criteria", "Metropolis")
        if str(crit).lower() != "metropolis":
            raise ModelError(f"proposal_acceptance_criteria={crit!r} is not supported (only 'Metropolis')")


class TabuSampler(Sampler):
    """Multistart tabu search (Palubeckis MST2 family) with dwave-samplers' names.

    Keyword arguments (all optional):
        num_reads (int): independent reads. Default 1, or one per initial state.
        tenure (int): iterations a flipped variable stays tabu. Default min(20, n/4).
        timeout (float): milliseconds per read (dwave-samplers' unit). Default 20, or the
            ``time_limit`` when one is given.
        num_restarts (int): tabu phases per read. Default 1 000 000.
        max_stale_restarts (int): phases without a new best that end a read. Default 10 000.
        max_stagnation (int): iterations without improvement that end a phase.
        initial_states, initial_states_generator: as :class:`SimulatedAnnealingSampler`.
        moves (str): "auto", "single-flip" or "constrained".
    """

    _solver = "tabu"
    _keywords: ClassVar[dict[str, str | None]] = {
        "num_reads": "num_reads",
        "tenure": "tenure",
        "timeout": None,
        "num_restarts": "num_restarts",
        "max_stale_restarts": "max_stale_restarts",
        "max_stagnation": "max_stagnation",
        "initial_states": None,
        "initial_states_generator": None,
        "moves": "moves",
    }

    def _special(self, model: Model, given: dict[str, Any], out: dict[str, Any]) -> None:
        super()._special(model, given, out)
        if given.get("timeout") is not None:
            ms = given["timeout"]
            if isinstance(ms, bool) or not isinstance(ms, (int, float, np.number)):
                raise ModelError(f"invalid timeout: {ms!r}; give milliseconds as a number")
            out["timeout"] = float(ms) / 1000.0


class ParallelTemperingSampler(Sampler):
    """Parallel tempering (replica exchange).

    Keyword arguments (all optional):
        num_reads (int): independent runs. Default 1.
        num_replicas (int): temperatures. Default 32.
        num_sweeps (int): sweeps per run. Default 1000.
        beta_range (tuple[float, float]): (hot, cold). Default from the model.
        moves (str): "auto" (default; constraint-preserving when the model carries
            constraints), "single-flip" or "constrained".
        initial_states, initial_states_generator: as :class:`SimulatedAnnealingSampler`.
    """

    _solver = "pt"
    _keywords: ClassVar[dict[str, str | None]] = {
        "num_reads": "num_reads",
        "num_replicas": "num_replicas",
        "num_sweeps": "num_sweeps",
        "beta_range": "beta_range",
        "moves": "moves",
        "initial_states": None,
        "initial_states_generator": None,
    }


class HybridSampler(Sampler):
    """Decomposition in the qbsolv / dwave-hybrid family: an outer tabu search on the whole
    model, and sub-problems of ``sub_size`` variables (the rest clamped at the incumbent)
    solved by other solvers in turn, QAOA among them.

    ``info["extra"]`` says what each part contributed: per sub-solver the sub-problems it
    solved, the answers accepted and the energy they removed (``contributions``), the same for
    the outer search (``outer``), and each read's energies.

    Keyword arguments (all optional):
        sub_solver (str | list[str]): "exact" (default), "descent", "sa", "pt", "tabu",
            "qaoa" or "qaoa@BACKEND"; several take sub-problems in turn.
        sub_params (dict): the sub-solvers' parameters (each goes to those that take it),
            e.g. ``{"p": 2, "max_evals": 50}``. Defaults keep sub-problems short: sa and pt
            200 sweeps, tabu 10 restarts.
        sub_size (int): variables per sub-problem. Default 16 (keep ≤ 20 for qaoa).
        num_reads (int): independent reads. Default 1, or one per initial state.
        outer_restarts (int): tabu phases per outer-search call; 0 runs the decomposition
            alone. Default 4.
        outer_timeout (float): seconds per outer-search call. Default a tenth of
            ``time_limit``; none without one.
        convergence (int): rounds in a row without a new best that end a read. Default 10.
        max_iter (int): most rounds per read. Default none.
        decomposer (str): "auto" (default), "energy-impact" or "structure".
        moves (str): the outer search's move set: "auto", "single-flip" or "constrained".
        initial_states, initial_states_generator: as :class:`SimulatedAnnealingSampler`.
    """

    _solver = "hybrid"
    _keywords: ClassVar[dict[str, str | None]] = {
        "sub_solver": "sub_solver",
        "sub_params": None,
        "sub_size": "sub_size",
        "num_reads": "num_reads",
        "outer_restarts": "outer_restarts",
        "outer_timeout": "outer_timeout",
        "convergence": "convergence",
        "max_iter": "max_iter",
        "decomposer": "decomposer",
        "moves": "moves",
        "initial_states": None,
        "initial_states_generator": None,
    }

    def _special(self, model: Model, given: dict[str, Any], out: dict[str, Any]) -> None:
        super()._special(model, given, out)
        sub = given.get("sub_params")
        if sub is not None:
            if not isinstance(sub, Mapping):
                raise ModelError(f"invalid sub_params: {sub!r}; give a dict of parameters")
            out["sub_params"] = dict(sub)

    def _translate(self, model: Model, given: dict[str, Any]) -> dict[str, Any]:
        out = super()._translate(model, given)
        if isinstance(out.get("sub_solver"), (list, tuple)):
            out["sub_solver"] = [_name(v) for v in out["sub_solver"]]
        return out


class SteepestDescentSolver(Sampler):
    """Multi-start steepest descent, as dwave-samplers' ``SteepestDescentSolver``.

    Keyword arguments (all optional):
        num_reads (int): starts. Default 10, or one per initial state.
        initial_states, initial_states_generator: as :class:`SimulatedAnnealingSampler`.
        large_sparse_opt: accepted for compatibility; changes nothing.
    """

    _solver = "descent"
    _keywords: ClassVar[dict[str, str | None]] = {
        "num_reads": "num_reads",
        "initial_states": None,
        "initial_states_generator": None,
    }
    _inert = ("large_sparse_opt",)


class ExactSolver(Sampler):
    """Exhaustive enumeration. Like dimod's ``ExactSolver`` it returns every state by default
    (2ⁿ rows, n ≤ 20); ``num_states=k`` returns the k lowest instead (n ≤ ``max_num_vars``).

    Keyword arguments (all optional):
        num_states (int): how many of the lowest-energy states to return. Default all 2ⁿ.
        max_num_vars (int): largest problem to enumerate. Default 30, at most 62.
    """

    _solver = "exact"
    _keywords: ClassVar[dict[str, str | None]] = {
        "num_states": "num_states",
        "max_num_vars": "max_num_vars",
    }
    #: dimod returns every state; above this size that is refused rather than attempted.
    ALL_STATES_MAX_VARS: ClassVar[int] = 20

    def _special(self, model: Model, given: dict[str, Any], out: dict[str, Any]) -> None:
        if given.get("num_states") is None:
            n = model.num_variables
            if n > self.ALL_STATES_MAX_VARS:
                raise ModelError(
                    f"ExactSolver returns all 2^n states by default (dimod's behaviour); for "
                    f"n = {n} pass num_states=k to get the k lowest"
                )
            out["num_states"] = 2**n


class QAOASampler(Sampler):
    """QAOA on the statevector simulator (or IonQ, or a noise model): optimise the angles,
    then draw ``shots`` samples. On the statevector, rows carry ``probability``, the exact
    probability of each bitstring in the final state.

    Keyword arguments (all optional):
        p (int) or reps (int): layers. Default 1.
        mixer (str): "x" (default), "xy-ring" or "xy-complete" (XY needs one-hot groups,
            which encoded problems carry).
        optimizer (str): "lbfgs" (default, exact adjoint gradient), "nelder-mead", "cobyla"
            or "spsa".
        initial_point (sequence of float): γ1..γp, β1..βp where the optimisation starts.
            Default from ``init``.
        init (str): "auto" (default), "ramp", "fixed", "interp", "fourier" or "random".
        num_starts (int): starts of ``init="random"``. Default 4.
        max_evals or maxiter (int): evaluations of ⟨C⟩ per optimisation. Default 200.
        shots or num_reads (int): samples drawn from the final state. Default 1000.
        angles (sequence of float): γ1..γp, β1..βp used as given (no optimisation).
        precision (str): "complex128" (default) or "complex64".
        initial_state (str): "auto" (default) or "basis".
        trotter_steps (int): Trotter steps per XY layer. Default 1.
        backend (str): where circuits run: "statevector" (default), "ionq:simulator",
            "ionq:qpu.aria-1", … (key in ``IONQ_API_KEY``) or "noise:aria-1" /
            "noise:model.json" (local trajectories under a noise model). Off the statevector
            every circuit gets ``shots`` shots and the optimizer defaults to "cobyla".
        ionq_url (str): IonQ API base URL (e.g. the emulator's). Default IonQ's.
        ionq_noise (str): noise model of IonQ's simulator ("aria-1", …). Default ideal.
        fallback (str): "statevector": continue locally when IonQ stays unavailable.
        max_cost (float): refuse a remote run whose estimated cost exceeds this (USD).
        price_table (str): JSON price table for the estimate. Default the built-in one.
        resume (str): job journal directory; a rerun resumes without resubmitting.
        poll_interval (float): first wait between status polls, seconds. Default 0.5.
        trajectories (int): trajectories per circuit on a noise backend. Default 256.
        shot_budget (int): total shots of the optimisation on a shot-based backend
            (``max_evals`` becomes ``shot_budget // shots - 1``).
    """

    _solver = "qaoa"
    _keywords: ClassVar[dict[str, str | None]] = {
        "p": "p",
        "reps": "p",
        "mixer": "mixer",
        "optimizer": "optimizer",
        "initial_point": "initial_point",
        "init": "init",
        "num_starts": "num_starts",
        "max_evals": "max_evals",
        "maxiter": "max_evals",
        "shots": "num_reads",
        "num_reads": "num_reads",
        "angles": "angles",
        "precision": "precision",
        "initial_state": "initial_state",
        "trotter_steps": "trotter_steps",
        "backend": "backend",
        "ionq_url": "ionq_url",
        "ionq_noise": "ionq_noise",
        "fallback": "fallback",
        "max_cost": "max_cost",
        "price_table": "price_table",
        "resume": "resume",
        "poll_interval": "poll_interval",
        "trajectories": "trajectories",
        "shot_budget": "shot_budget",
    }

    def _translate(self, model: Model, given: dict[str, Any]) -> dict[str, Any]:
        for a, b in (("p", "reps"), ("max_evals", "maxiter"), ("shots", "num_reads")):
            if given.get(a) is not None and given.get(b) is not None:
                raise ModelError(f"give {a} or {b}, not both (they are the same parameter)")
        return super()._translate(model, given)


#: Every sampler class, by registry name.
SAMPLERS: dict[str, type[Sampler]] = {
    cls._solver: cls
    for cls in (
        ExactSolver,
        SteepestDescentSolver,
        SimulatedAnnealingSampler,
        ParallelTemperingSampler,
        TabuSampler,
        QAOASampler,
        HybridSampler,
    )
}

__all__ = [
    "Sampler",
    "ExactSolver",
    "SteepestDescentSolver",
    "SimulatedAnnealingSampler",
    "TabuSampler",
    "ParallelTemperingSampler",
    "QAOASampler",
    "HybridSampler",
    "SAMPLERS",
]
