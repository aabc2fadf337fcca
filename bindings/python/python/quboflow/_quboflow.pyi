"""Stubs of the native module: thin wrappers over the Rust library (use the public classes
of :mod:`quboflow` instead)."""

import os
from collections.abc import Callable
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "__version__",
    "suite_append",
    "suite_expand",
    "suite_read",
    "suite_report",
    "suite_rows",
    "suite_run",
    "NativeEncoded",
    "NativeInstance",
    "NativeModel",
    "compare",
    "encode_binpacking",
    "encode_coloring",
    "encode_facility",
    "encode_jobshop",
    "encode_maxcut",
    "encodings",
    "get_num_threads",
    "parameters",
    "render_report",
    "sample",
    "set_num_threads",
    "write_report",
]

__version__: str

_ProgressCallback = Callable[[int, int, float | None, str], Any]

@final
class NativeModel:
    """A QUBO model (binary form), shared."""

    @staticmethod
    def from_vectors(
        linear: npt.NDArray[np.float64],
        row: npt.NDArray[np.int64],
        col: npt.NDArray[np.int64],
        data: npt.NDArray[np.float64],
        offset: float,
        spin: bool,
    ) -> NativeModel:
        """From COO vectors; ``spin``: the coefficients are an Ising model (x = (s+1)/2)."""

    @staticmethod
    def from_dense(matrix: npt.NDArray[np.float64], offset: float, spin: bool) -> NativeModel:
        """From a square matrix read in place (E = xᵀMx, both triangles, diagonal linear)."""

    @staticmethod
    def from_json(text: str) -> NativeModel:
        """From :meth:`to_json`."""

    @staticmethod
    def read(path: str | os.PathLike[str], format: str | None = None) -> NativeModel:
        """Reads a model (or instance) file; ``format`` as the CLI's ``--format``."""

    @property
    def num_vars(self) -> int: ...
    @property
    def num_interactions(self) -> int: ...
    @property
    def offset(self) -> float: ...
    @property
    def constraints_json(self) -> str: ...
    def binary_vectors(
        self,
    ) -> tuple[
        npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64], float
    ]:
        """``(linear, row, col, data, offset)`` in binary form, row < col."""

    def spin_vectors(
        self,
    ) -> tuple[
        npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64], float
    ]:
        """``(h, row, col, J, offset)`` in spin form, row < col."""

    def energies(self, samples: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
        """Energies of 0/1 rows, in parallel."""

    def to_json(self) -> str: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_bytes(data: bytes) -> NativeModel: ...

@final
class NativeInstance:
    """A TSP, CVRP or knapsack instance."""

    @staticmethod
    def read(path: str | os.PathLike[str], format: str | None = None) -> NativeInstance: ...
    @staticmethod
    def tsp(
        name: str, distances: npt.NDArray[np.float64], coords: npt.NDArray[np.float64] | None = None
    ) -> NativeInstance: ...
    @staticmethod
    def cvrp(
        name: str,
        distances: npt.NDArray[np.float64],
        demands: npt.NDArray[np.float64],
        capacity: float,
        depot: int,
        coords: npt.NDArray[np.float64] | None = None,
    ) -> NativeInstance: ...
    @staticmethod
    def knapsack(
        name: str, values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64], capacity: float
    ) -> NativeInstance: ...
    @staticmethod
    def from_json(text: str) -> NativeInstance: ...
    @property
    def problem(self) -> str: ...
    @property
    def name(self) -> str: ...
    def to_json(self) -> str: ...
    def distances(self) -> npt.NDArray[np.float64] | None: ...
    def coords(self) -> npt.NDArray[np.float64] | None: ...
    def vector(self, name: str) -> npt.NDArray[np.float64] | None: ...
    def scalar(self, name: str) -> float | None: ...
    def encode(self, encoding: str = "auto", penalty: float | None = None) -> NativeEncoded: ...

@final
class NativeEncoded:
    """An encoded instance: model, constraints, decoder."""

    @staticmethod
    def from_model(model: NativeModel) -> NativeEncoded: ...
    @staticmethod
    def open(
        path: str | os.PathLike[str],
        format: str | None = None,
        encoding: str = "auto",
        penalty: float | None = None,
    ) -> NativeEncoded: ...
    @property
    def model(self) -> NativeModel: ...
    def describe(self) -> str: ...
    def evaluate(
        self, samples: npt.NDArray[np.uint8]
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
        """Feasibility and native objective (NaN where undefined) of every binary row."""

    def decode(self, sample: list[int], repair: bool = False) -> str | None: ...

def sample(
    model: NativeModel,
    solver: str,
    params_json: str,
    seed: int | None = None,
    time_limit: float | None = None,
    progress: _ProgressCallback | None = None,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.int64], str]:
    """Runs a registry solver with the GIL released; Ctrl-C raises KeyboardInterrupt."""

def compare(
    target: NativeEncoded,
    solvers: list[tuple[str, str, str]],
    repeats: int = 5,
    seed: int | None = None,
    time_limit: float | None = None,
    repair: bool = False,
    reference: str | None = None,
    name: str | None = None,
    progress: _ProgressCallback | None = None,
    instance: NativeInstance | None = None,
    baseline: str | os.PathLike[str] | None = None,
) -> str:
    """Runs a comparison; returns the report as JSON."""

def render_report(json: str, format: str) -> str: ...
def write_report(json: str, path: str | os.PathLike[str]) -> None: ...
def encode_maxcut(num_vertices: int, u: list[int], v: list[int], w: list[float]) -> NativeEncoded: ...
def encode_coloring(
    num_vertices: int, u: list[int], v: list[int], k: int, penalty: float | None = None
) -> NativeEncoded: ...
def encode_binpacking(weights: list[float], capacity: float, penalty: float | None = None) -> NativeEncoded: ...
def encode_facility(
    fixed_costs: list[float],
    capacities: list[float],
    demands: list[float],
    costs: list[list[float]],
    penalty: float | None = None,
) -> NativeEncoded: ...
def encode_jobshop(
    jobs: list[list[tuple[int, int]]], horizon: int, penalty: float | None = None
) -> NativeEncoded: ...
def suite_expand(
    path: str | os.PathLike[str], shard: tuple[int, int] | None = None
) -> tuple[str, list[str]]: ...
def suite_run(spec: str) -> str: ...
def suite_append(path: str | os.PathLike[str], records: list[str]) -> None: ...
def suite_read(paths: list[str]) -> list[str]: ...
def suite_rows(records: list[str]) -> list[str]: ...
def suite_report(paths: list[str], reports: list[str] = ...) -> str: ...
def parameters() -> list[tuple[str, list[str], str]]: ...
def encodings() -> list[tuple[str, str]]: ...
def set_num_threads(num_threads: int | None = None) -> None: ...
def get_num_threads() -> int: ...
