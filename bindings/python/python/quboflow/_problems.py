"""Logistics problems: instances from files, arrays and DataFrames, and their encodings."""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _quboflow as _native
from ._encoded import Encoded, encode_model, open_file
from ._models import Model
from ._vartype import is_path
from .exceptions import ModelError


class Problem:
    """Base of the logistics problems: ``encode`` gives the QUBO, ``decode`` goes back."""

    _labels: list[Hashable] | None = None

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        """The QUBO encoding (``auto``: the problem's exact default) with ``penalty``
        (default: the provably safe weight)."""
        raise NotImplementedError

    @property
    def labels(self) -> list[Hashable] | None:
        """How solutions name nodes or items."""
        return None if self._labels is None else list(self._labels)


class _InstanceProblem(Problem):
    """A TSP, CVRP or knapsack instance (native data, user labels, file path if any)."""

    _problem = ""

    def __init__(self, native: Any, labels: Sequence[Hashable] | None = None,
                 path: str | None = None):
        if native.problem != self._problem:
            raise ModelError(f"expected a {self._problem} instance, the file holds a {native.problem} one")
        self._native = native
        n = int(native.scalar("dimension"))
        self._labels = list(range(1, n + 1)) if labels is None else list(labels)
        if len(self._labels) != n:
            raise ModelError(f"{len(self._labels)} labels for {n} {'items' if self._problem == 'knapsack' else 'nodes'}")
        self._path = path

    @classmethod
    def _read(cls, path: str | os.PathLike[str]) -> Any:
        p = os.fspath(path)
        return cls(_native.NativeInstance.read(p, None), None, p)

    @property
    def name(self) -> str:
        return str(self._native.name)

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        if self._path is not None:
            native = _native.NativeEncoded.open(self._path, None, encoding, penalty)
        else:
            native = self._native.encode(encoding, penalty)
        return Encoded(native, self._labels, ("problem", self, encoding, penalty), self.name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {len(self._labels or [])} {'items' if self._problem == 'knapsack' else 'nodes'})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_instance, (type(self), self._native.to_json(), self._labels, self._path))


def _rebuild_instance(cls: type[_InstanceProblem], data: str, labels: list[Hashable], path: str | None) -> Any:
    return cls(_native.NativeInstance.from_json(data), labels, path)


def _table(data: Any, columns: Sequence[str]) -> tuple[npt.NDArray[np.float64], list[Hashable] | None]:
    """Numbers from an array or the named columns of a DataFrame (whose index gives labels)."""
    if hasattr(data, "columns") and hasattr(data, "index"):
        cols = [c for c in columns if c in data.columns]
        if not cols:
            cols = list(data.columns)[: len(columns) or None]
        return np.asarray(data[cols], dtype=np.float64), list(data.index)
    try:
        return np.asarray(data, dtype=np.float64), None
    except (TypeError, ValueError) as e:
        raise ModelError(f"expected numbers: {e}") from None


def _euclidean(coords: npt.NDArray[np.float64], rounding: str) -> npt.NDArray[np.float64]:
    if coords.ndim != 2 or coords.shape[1] not in (2, 3):
        raise ModelError(f"coordinates must have shape (n, 2) or (n, 3), got {coords.shape}")
    if not np.isfinite(coords).all():
        raise ModelError("coordinates hold NaN or infinite values")
    diff = coords[:, None, :] - coords[None, :, :]
    d = np.sqrt((diff**2).sum(-1))
    if rounding == "nint":  # TSPLIB's EUC_2D
        return np.floor(d + 0.5)
    if rounding == "none":
        return d
    raise ModelError(f"rounding must be 'none' or 'nint', got {rounding!r}")


class Tsp(_InstanceProblem):
    """A (symmetric or asymmetric) travelling salesman instance.

    Example:
        >>> t = Tsp.from_coordinates([[0, 0], [3, 0], [3, 4]])
        >>> t.tour_length([0, 1, 2])
        12.0
    """

    _problem = "tsp"

    @classmethod
    def from_tsplib(cls, path: str | os.PathLike[str]) -> Tsp:
        """Reads a TSPLIB ``.tsp`` file; cities are labelled 1..n as in the file."""
        return cls._read(path)

    @classmethod
    def from_coordinates(cls, coords: Any, *, name: str = "tsp", rounding: str = "none",
                         labels: Sequence[Hashable] | None = None) -> Tsp:
        """Cities at ``coords`` (n × 2 array, or a DataFrame with ``x``/``y`` columns whose
        index labels the cities), Euclidean distances (``rounding="nint"``: TSPLIB's
        EUC_2D integers). Labels default to 0..n−1 (or the DataFrame's index)."""
        xy, idx = _table(coords, ("x", "y"))
        d = _euclidean(xy, rounding)
        return cls(_native.NativeInstance.tsp(name, d, xy), labels or idx or list(range(len(xy))))

    @classmethod
    def from_distance_matrix(cls, distances: Any, *, name: str = "tsp",
                             labels: Sequence[Hashable] | None = None) -> Tsp:
        """Cities with the given n × n distances (array or DataFrame, whose index labels them)."""
        d, idx = _table(distances, ())
        if d.ndim != 2:
            raise ModelError(f"a distance matrix is 2-D, got shape {d.shape}")
        return cls(_native.NativeInstance.tsp(name, np.ascontiguousarray(d), None), labels or idx or list(range(len(d))))

    @property
    def num_cities(self) -> int:
        return int(self._native.scalar("dimension"))

    @property
    def distances(self) -> npt.NDArray[np.float64]:
        """The n × n distance matrix."""
        return self._native.distances()

    @property
    def coords(self) -> npt.NDArray[np.float64] | None:
        """City coordinates (n × 2), when known."""
        return self._native.coords()

    def tour_length(self, tour: Sequence[int]) -> float:
        """Length of the closed tour through 0-based city indices ``tour``."""
        d = self.distances
        t = list(tour)
        return float(sum(d[t[k], t[(k + 1) % len(t)]] for k in range(len(t))))


class Cvrp(_InstanceProblem):
    """A capacitated vehicle routing instance: a depot, customers with demands, one capacity."""

    _problem = "cvrp"

    @classmethod
    def from_cvrplib(cls, path: str | os.PathLike[str]) -> Cvrp:
        """Reads a CVRPLIB ``.vrp`` file; nodes are labelled 1..n as in the file."""
        return cls._read(path)

    @classmethod
    def from_dataframes(cls, nodes: Any, demands: Any = None, *, capacity: float,
                        depot: Hashable | None = None, name: str = "cvrp",
                        demand_column: str = "demand", rounding: str = "none") -> Cvrp:
        """Nodes from a DataFrame of coordinates (``x``, ``y``; the index labels them) and
        their demands: a Series or one-column DataFrame matched by label, or the nodes'
        ``demand`` column when ``demands`` is not given. ``depot`` is the depot's label
        (default the first row; its demand must be 0)."""
        xy, idx = _table(nodes, ("x", "y"))
        if demands is None:
            if demand_column not in getattr(nodes, "columns", ()):
                raise ModelError(f"no demands: give demands= or a {demand_column!r} column")
            demands = nodes[demand_column]
        if hasattr(demands, "columns"):  # a one-column DataFrame
            demands = demands[demand_column] if demand_column in demands.columns else demands.iloc[:, 0]
        if hasattr(demands, "reindex") and idx is not None:
            missing = [v for v in idx if v not in demands.index]
            if missing:
                raise ModelError(f"demands lack node {missing[0]!r}")
            demands = demands.reindex(idx)
        demands = np.asarray(demands, dtype=np.float64)
        labels = idx or list(range(len(xy)))
        k = 0 if depot is None else labels.index(depot)
        return cls.from_arrays(xy, demands, capacity=capacity, depot=k, name=name,
                               labels=labels, rounding=rounding)

    @classmethod
    def from_arrays(cls, coords: Any, demands: Any, *, capacity: float, depot: int = 0,
                    name: str = "cvrp", labels: Sequence[Hashable] | None = None,
                    rounding: str = "none", distances: Any = None) -> Cvrp:
        """Nodes at ``coords`` (n × 2; or give ``distances``, n × n) with ``demands``; node
        ``depot`` (index) is the depot."""
        xy = None if coords is None else np.ascontiguousarray(np.asarray(coords, dtype=np.float64))
        if distances is None:
            if xy is None:
                raise ModelError("give the node coordinates or a distance matrix")
            d = _euclidean(xy, rounding)
        else:
            d = np.asarray(distances, dtype=np.float64)
        dem = np.ascontiguousarray(np.asarray(demands, dtype=np.float64).reshape(-1))
        native = _native.NativeInstance.cvrp(name, np.ascontiguousarray(d), dem, float(capacity), int(depot), xy)
        return cls(native, labels or list(range(len(dem))))

    @property
    def capacity(self) -> float:
        return float(self._native.scalar("capacity"))

    @property
    def demands(self) -> npt.NDArray[np.float64]:
        return self._native.vector("demands")

    @property
    def distances(self) -> npt.NDArray[np.float64]:
        return self._native.distances()


class Knapsack(_InstanceProblem):
    """A 0/1 knapsack: maximise the packed value within the capacity.

    Args:
        values: item values (≥ 0).
        weights: item weights (≥ 0).
        capacity: the knapsack's capacity (≥ 0).
        name: instance name. Default "knapsack".
        labels: item labels. Default 0..n−1.

    Example:
        >>> k = Knapsack([5, 4, 3], [4, 3, 2], 5)
        >>> k.encode().encoding
        'knapsack-log-slack'
    """

    _problem = "knapsack"

    def __init__(self, values: Any = None, weights: Any = None, capacity: float | None = None, *,
                 name: str = "knapsack", labels: Sequence[Hashable] | None = None,
                 _native_instance: Any = None, _path: str | None = None):
        if _native_instance is None:
            if values is None or weights is None or capacity is None:
                raise ModelError("Knapsack needs values, weights and capacity")
            v = np.ascontiguousarray(np.asarray(values, dtype=np.float64).reshape(-1))
            w = np.ascontiguousarray(np.asarray(weights, dtype=np.float64).reshape(-1))
            _native_instance = _native.NativeInstance.knapsack(name, v, w, float(capacity))
            if labels is None:
                labels = list(range(len(v)))
        super().__init__(_native_instance, labels, _path)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Knapsack:
        """Reads an Ortega or Pisinger knapsack file (``file.csv#name`` picks one instance);
        items are labelled 1..n."""
        p = os.fspath(path)
        return cls(_native_instance=_native.NativeInstance.read(p, "knapsack"), _path=p)

    @property
    def values(self) -> npt.NDArray[np.float64]:
        return self._native.vector("values")

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        return self._native.vector("weights")

    @property
    def capacity(self) -> float:
        return float(self._native.scalar("capacity"))

    @property
    def optimum(self) -> float | None:
        """The optimal value, when the file states it."""
        return self._native.scalar("optimum")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_knapsack, (self._native.to_json(), self._labels, self._path))


def _rebuild_knapsack(data: str, labels: list[Hashable], path: str | None) -> Knapsack:
    return Knapsack(_native_instance=_native.NativeInstance.from_json(data), labels=labels, _path=path)


def _graph_edges(graph: Any, weight: str | None) -> tuple[list[Hashable], list[int], list[int], list[float]]:
    if all(hasattr(graph, a) for a in ("edges", "nodes", "adj")):
        nodes = list(graph.nodes)
        pos = {v: k for k, v in enumerate(nodes)}
        u, v, w = [], [], []
        for a, b, d in graph.edges(data=True):
            u.append(pos[a])
            v.append(pos[b])
            w.append(float(d.get(weight, 1.0)) if weight else 1.0)
        return nodes, u, v, w
    raise ModelError(f"expected a networkx graph, got {type(graph).__name__}")


class MaxCut(Problem):
    """Max-Cut of a weighted undirected graph (networkx; the ``weight`` attribute, default 1)."""

    def __init__(self, graph: Any, weight: str = "weight"):
        self._nodes, self._u, self._v, self._w = _graph_edges(graph, weight)
        self._labels = self._nodes
        self._graph, self._weight = graph, weight

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        if encoding not in ("auto", "maxcut"):
            raise ModelError(f"Max-Cut has one encoding, 'maxcut'; got {encoding!r}")
        if penalty is not None:
            raise ModelError("Max-Cut has no penalty (it has no constraints)")
        native = _native.encode_maxcut(len(self._nodes), self._u, self._v, self._w)
        enc = Encoded(native, self._nodes, ("problem", self, encoding, penalty))
        return enc._relabel(self._nodes)

    def __reduce__(self) -> tuple[Any, ...]:
        return (MaxCut, (self._graph, self._weight))


class GraphColoring(Problem):
    """Colour the vertices of a graph with ``k`` colours, no edge inside one colour."""

    def __init__(self, graph: Any, k: int):
        self._nodes, self._u, self._v, _ = _graph_edges(graph, None)
        self._labels = self._nodes
        self._graph, self.k = graph, int(k)

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        native = _native.encode_coloring(len(self._nodes), self._u, self._v, self.k, penalty)
        return Encoded(native, self._nodes, ("problem", self, encoding, penalty))

    def __reduce__(self) -> tuple[Any, ...]:
        return (GraphColoring, (self._graph, self.k))


class BinPacking(Problem):
    """Pack integer ``weights`` into the fewest bins of integer ``capacity``."""

    def __init__(self, weights: Sequence[float], capacity: float, *,
                 labels: Sequence[Hashable] | None = None):
        self.weights = [float(w) for w in weights]
        self.capacity = float(capacity)
        self._labels = list(labels) if labels is not None else list(range(len(self.weights)))

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        native = _native.encode_binpacking(self.weights, self.capacity, penalty)
        return Encoded(native, self._labels, ("problem", self, encoding, penalty))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_binpacking, (self.weights, self.capacity, self._labels))


def _rebuild_binpacking(w: list[float], c: float, labels: list[Hashable]) -> BinPacking:
    return BinPacking(w, c, labels=labels)


class FacilityLocation(Problem):
    """Capacitated facility location: open facilities and assign every customer."""

    def __init__(self, fixed_costs: Sequence[float], capacities: Sequence[float],
                 demands: Sequence[float], costs: Any):
        self.fixed_costs = [float(x) for x in fixed_costs]
        self.capacities = [float(x) for x in capacities]
        self.demands = [float(x) for x in demands]
        self.costs = np.asarray(costs, dtype=np.float64).tolist()

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        native = _native.encode_facility(self.fixed_costs, self.capacities, self.demands,
                                         self.costs, penalty)
        return Encoded(native, None, ("problem", self, encoding, penalty))


class JobShop(Problem):
    """Job-shop scheduling as the decision "is there a schedule with makespan ≤ horizon?"."""

    def __init__(self, jobs: Sequence[Sequence[tuple[int, int]]], horizon: int):
        self.jobs = [[(int(m), int(d)) for m, d in job] for job in jobs]
        self.horizon = int(horizon)

    def encode(self, encoding: str = "auto", penalty: float | None = None) -> Encoded:
        native = _native.encode_jobshop(self.jobs, self.horizon, penalty)
        return Encoded(native, None, ("problem", self, encoding, penalty))


def as_encoded(obj: Any) -> Encoded:
    """What a comparison runs on: an Encoded as is, a problem encoded by default, a file
    opened as the CLI opens it, or a model encoded as itself."""
    if isinstance(obj, Encoded):
        return obj
    if isinstance(obj, Problem):
        return obj.encode()
    if is_path(obj):
        return open_file(obj)
    if isinstance(obj, Model) or obj is not None:
        return encode_model(obj)
    raise ModelError("nothing to compare: give a problem, an Encoded, a model or a file path")
