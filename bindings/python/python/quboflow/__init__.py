"""quboflow: logistics problems as QUBOs, solved by QAOA on a fast statevector simulator and
by classical annealing / tabu baselines, side by side.

Quick start:
    >>> import quboflow as qf
    >>> tsp = qf.Tsp.from_coordinates([[0, 0], [0, 3], [4, 3], [4, 0]])
    >>> enc = tsp.encode()
    >>> ss = qf.SimulatedAnnealingSampler().sample(enc, num_reads=20, seed=7)
    >>> best = enc.decode(ss.first.sample)
    >>> best.cost, best.feasible
    (14.0, True)

dimod, pandas, networkx, scipy and tqdm are used when installed and imported only when a
call needs them; ``quboflow.dimod`` holds the samplers as ``dimod.Sampler`` subclasses.
"""

from __future__ import annotations

from . import exceptions
from ._compare import Report, compare
from ._encoded import Encoded, Solution, encode_model, open_file
from ._models import Ising, Model, Qubo, as_model
from ._problems import (
    BinPacking,
    Cvrp,
    FacilityLocation,
    GraphColoring,
    JobShop,
    Knapsack,
    MaxCut,
    Problem,
    Tsp,
)
from ._quboflow import __version__, get_num_threads
from ._quboflow import set_num_threads as _set_num_threads
from ._samplers import (
    ExactSolver,
    HybridSampler,
    ParallelTemperingSampler,
    QAOASampler,
    Sampler,
    SimulatedAnnealingSampler,
    SteepestDescentSolver,
    TabuSampler,
)
from ._sampleset import SampleSet
from ._suite import expand_suite, read_results, report_suite, run_suite
from .exceptions import (
    InfeasibleError,
    MemoryLimitError,
    ModelError,
    ParseError,
    QuboflowError,
    QuboflowTimeoutError,
    UnknownParameterWarning,
)


def set_num_threads(num_threads: int | None = None) -> None:
    """Threads the solvers use, 1 to 1024 (``None``: one per core, the default). Results for
    a seed do not depend on it."""
    _set_num_threads(num_threads)


__all__ = [
    "__version__",
    "run_suite",
    "expand_suite",
    "read_results",
    "report_suite",
    "exceptions",
    "Model",
    "Qubo",
    "Ising",
    "as_model",
    "SampleSet",
    "Sampler",
    "ExactSolver",
    "SteepestDescentSolver",
    "SimulatedAnnealingSampler",
    "TabuSampler",
    "HybridSampler",
    "ParallelTemperingSampler",
    "QAOASampler",
    "Problem",
    "Tsp",
    "Cvrp",
    "Knapsack",
    "MaxCut",
    "GraphColoring",
    "BinPacking",
    "FacilityLocation",
    "JobShop",
    "Encoded",
    "Solution",
    "open_file",
    "encode_model",
    "compare",
    "Report",
    "set_num_threads",
    "get_num_threads",
    "QuboflowError",
    "ParseError",
    "ModelError",
    "MemoryLimitError",
    "InfeasibleError",
    "QuboflowTimeoutError",
    "UnknownParameterWarning",
]
