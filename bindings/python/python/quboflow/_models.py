"""``Qubo`` and ``Ising``: one native model (binary form) plus the user's labels."""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from . import _quboflow as _native
from ._vartype import (
    BINARY,
    SPIN,
    as_vartype,
    index_variables,
    is_path,
    samples_matrix,
    to_binary,
)
from .exceptions import ModelError

M = TypeVar("M", bound="Model")


def _float(value: Any, where: str) -> float:
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"{where} is {value!r}; coefficients must be numbers") from None
    if not math.isfinite(w):
        raise ModelError(f"{where} is {w}; only finite values are allowed")
    return w


def _f64(a: Any, what: str) -> npt.NDArray[np.float64]:
    """float64 view of ``a`` — the array itself when it already is one (no copy)."""
    try:
        out = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ModelError(f"{what} must be numeric: {e}") from None
    return out


def _i64(a: Any, what: str) -> npt.NDArray[np.int64]:
    arr = np.asarray(a)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        whole = (
            np.issubdtype(arr.dtype, np.floating)
            and bool(np.isfinite(arr).all())
            and bool((np.abs(arr) < 2.0**62).all())
            and bool((np.mod(arr, 1) == 0).all())
        )
        if not whole:
            raise ModelError(f"{what} must hold integer variable indices, got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
    return np.ascontiguousarray(arr, dtype=np.int64)


def _is_graph(obj: Any) -> bool:
    return all(hasattr(obj, a) for a in ("edges", "nodes", "adj"))


class Model:
    """Base of :class:`Qubo` and :class:`Ising`: a quadratic model over labelled variables.

    The model is held once, natively, in binary form; labels (any hashable) map to columns in
    :attr:`variables` order, and every sample, array and dict in or out uses that order.
    """

    vartype: ClassVar[str] = BINARY
    __slots__ = ("_native", "_variables", "_index")

    _native: Any
    _variables: list[Hashable]
    _index: dict[Hashable, int] | None

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def _wrap(cls: type[M], native: Any, variables: Sequence[Hashable] | None = None) -> M:
        self = cls.__new__(cls)
        self._native = native
        n = native.num_vars
        self._variables = list(range(n)) if variables is None else list(variables)
        if len(self._variables) != n:
            raise ModelError(f"{len(self._variables)} labels for {n} variables")
        self._index = None
        if len(set(self._variables)) != n:
            raise ModelError("variable labels must be unique")
        return self

    @classmethod
    def from_numpy_vectors(
        cls: type[M],
        linear: npt.ArrayLike,
        quadratic: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
        offset: float = 0.0,
        vartype: Any = None,
        *,
        variable_order: Sequence[Hashable] | None = None,
    ) -> M:
        """A model from numpy vectors, as dimod's ``BinaryQuadraticModel.from_numpy_vectors``.

        Args:
            linear: biases, one per variable (length n).
            quadratic: ``(irow, icol, qdata)``: interactions between variable indices; ``(i, j)``
                and ``(j, i)`` are summed; ``i == j`` is linear for BINARY (x² = x) and a
                constant for SPIN (s² = 1).
            offset: constant term. Default 0.0.
            vartype: vartype of the coefficients given. Default: this class's.
            variable_order: labels of the n variables. Default ``range(n)``.
        """
        vt = cls.vartype if vartype is None else as_vartype(vartype)
        lin = np.ascontiguousarray(_f64(linear, "linear"))
        if lin.ndim != 1:
            raise ModelError(f"linear must be 1-D, got shape {lin.shape}")
        try:
            irow, icol, qdata = quadratic
        except (TypeError, ValueError):
            raise ModelError("quadratic must be a triple (irow, icol, qdata)") from None
        native = _native.NativeModel.from_vectors(
            lin,
            _i64(irow, "irow"),
            _i64(icol, "icol"),
            np.ascontiguousarray(_f64(qdata, "qdata")),
            _float(offset, "offset"),
            vt == SPIN,
        )
        return cls._wrap(native, variable_order)

    @classmethod
    def from_numpy(
        cls: type[M],
        matrix: npt.ArrayLike,
        offset: float = 0.0,
        *,
        variable_order: Sequence[Hashable] | None = None,
    ) -> M:
        """A model from a dense square matrix M: E = xᵀMx + offset, both triangles counted and
        the diagonal linear (dimod's convention). A float64 array is read in place, whatever
        its strides; other dtypes are converted once.

        Args:
            matrix: n × n coefficients.
            offset: constant term. Default 0.0.
            variable_order: labels of the n variables. Default ``range(n)``.
        """
        a = _f64(matrix, "matrix")
        if a.ndim != 2:
            raise ModelError(f"matrix must be 2-D (square), got shape {a.shape}")
        native = _native.NativeModel.from_dense(a, _float(offset, "offset"), cls.vartype == SPIN)
        return cls._wrap(native, variable_order)

    @classmethod
    def from_scipy(cls: type[M], matrix: Any, offset: float = 0.0, *,
                   variable_order: Sequence[Hashable] | None = None) -> M:
        """A model from anything with ``.tocoo()`` (scipy.sparse): E = xᵀMx + offset, both
        triangles counted, the diagonal linear."""
        coo = matrix.tocoo()
        shape = tuple(coo.shape)
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ModelError(f"a sparse model needs a square matrix, got shape {shape}")
        n = shape[0]
        return cls.from_numpy_vectors(
            np.zeros(n), (coo.row, coo.col, coo.data), offset, variable_order=variable_order
        )

    @classmethod
    def from_dimod(cls: type[M], bqm: Any) -> M:
        """A model from a dimod ``BinaryQuadraticModel`` (duck-typed: no dimod needed),
        converted to this class's vartype, labels kept."""
        linear, (row, col, data), offset, labels = bqm.to_numpy_vectors(return_labels=True)
        return cls.from_numpy_vectors(
            linear, (row, col, data), offset, as_vartype(bqm.vartype), variable_order=labels
        )

    @classmethod
    def from_networkx(cls: type[M], graph: Any, weight: str = "weight") -> M:
        """The Max-Cut model of a networkx graph (energy = −cut weight), nodes as labels.

        Args:
            graph: an undirected networkx graph.
            weight: edge attribute holding the weight; edges without it weigh 1.
        """
        from ._problems import MaxCut

        return MaxCut(graph, weight=weight).encode().qubo._as(cls)

    @classmethod
    def read(cls: type[M], path: Any, format: str | None = None) -> M:
        """Reads a model file (qubo, coo, json, bqp, gset, or an instance file, encoded with
        its default encoding); ``format`` as the CLI's ``--format``, default detected."""
        return cls._wrap(_native.NativeModel.read(path, format))._as(cls)

    @classmethod
    def _from_any(cls: type[M], data: Any, offset: float = 0.0) -> M:
        if isinstance(data, Model):
            out = data._as(cls)
            return out if offset == 0 else out._plus(offset)
        if is_path(data):
            return cls.read(data)._plus(offset)
        if isinstance(data, Mapping):
            return cls._from_mappings({}, data, offset) if cls.vartype == BINARY else cls._from_mappings(data, {}, offset)
        if hasattr(data, "to_numpy_vectors") and hasattr(data, "vartype"):
            return cls.from_dimod(data)._plus(offset)
        if hasattr(data, "tocoo"):
            return cls.from_scipy(data, offset)
        if _is_graph(data):
            return cls.from_networkx(data)._plus(offset)
        if hasattr(data, "to_qubo") and callable(data.to_qubo):  # PyQUBO compiled model
            q, q_offset = data.to_qubo()
            return Qubo._from_mappings({}, q, q_offset + offset)._as(cls)
        if isinstance(data, (np.ndarray, list, tuple)):
            return cls.from_numpy(data, offset)
        if hasattr(data, "to_numpy") and hasattr(data, "index"):  # a square pandas DataFrame
            return cls.from_numpy(data.to_numpy(dtype=np.float64), offset, variable_order=list(data.index))
        raise ModelError(
            f"cannot make a model from {type(data).__name__}: give a dict, a square array, a "
            "scipy.sparse matrix, a dimod BQM, a networkx graph or a file path"
        )

    @classmethod
    def _from_mappings(cls: type[M], linear: Any, quadratic: Any, offset: float) -> M:
        """From ``{v: bias}`` and ``{(u, v): bias}`` in this class's vartype."""
        if not isinstance(quadratic, Mapping):
            raise ModelError(f"quadratic terms must be a dict {{(u, v): w}}, got {type(quadratic).__name__}")
        if isinstance(linear, Mapping):
            lin_items = list(linear.items())
        else:
            lin_items = list(enumerate(np.asarray(linear, dtype=object).tolist()))
        keys = []
        for key in quadratic:
            if not isinstance(key, tuple) or len(key) != 2:
                raise ModelError(f"quadratic key {key!r} is not a pair (u, v)")
            keys.append(key)
        variables, index = index_variables(
            [v for v, _ in lin_items] + [u for k in keys for u in k]
        )
        lin = np.zeros(len(variables))
        for v, w in lin_items:
            lin[index[v]] += _float(w, f"the bias of {v!r}")
        m = len(keys)
        row = np.empty(m, dtype=np.int64)
        col = np.empty(m, dtype=np.int64)
        data = np.empty(m, dtype=np.float64)
        for k, (u, v) in enumerate(keys):
            row[k] = index[u]
            col[k] = index[v]
            data[k] = _float(quadratic[(u, v)], f"the coefficient of ({u!r}, {v!r})")
        return cls.from_numpy_vectors(
            lin, (row, col, data), _float(offset, "offset"), variable_order=variables
        )

    # -- views ------------------------------------------------------------------------------

    @property
    def variables(self) -> list[Hashable]:
        """Variable labels, in column order."""
        return list(self._variables)

    @property
    def num_variables(self) -> int:
        """Number of variables."""
        return int(self._native.num_vars)

    @property
    def num_interactions(self) -> int:
        """Number of interacting pairs."""
        return int(self._native.num_interactions)

    def _vectors(self) -> tuple[Any, Any, Any, Any, float]:
        return self._native.spin_vectors() if self.vartype == SPIN else self._native.binary_vectors()

    @property
    def offset(self) -> float:
        """The constant term (in this model's vartype)."""
        if self.vartype == BINARY:  # held natively; the spin form needs the conversion
            return float(self._native.offset)
        return float(self._vectors()[4])

    @property
    def linear(self) -> dict[Hashable, float]:
        """``{v: bias}`` for every variable."""
        lin = self._vectors()[0]
        return {v: float(lin[k]) for k, v in enumerate(self._variables)}

    @property
    def quadratic(self) -> dict[tuple[Hashable, Hashable], float]:
        """``{(u, v): coupling}``, each pair once."""
        _, row, col, data, _ = self._vectors()
        vs = self._variables
        return {(vs[i], vs[j]): float(w) for i, j, w in zip(row.tolist(), col.tolist(), data.tolist())}

    @property
    def constraints(self) -> dict[str, Any] | None:
        """The structure an encoding attached (one-hot groups, capacity rows), or None."""
        c = json.loads(self._native.constraints_json)
        return c if c else None

    def to_numpy_vectors(self) -> tuple[npt.NDArray[np.float64], tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]], float]:
        """``(linear, (irow, icol, qdata), offset)`` in this model's vartype, pairs once."""
        lin, row, col, data, off = self._vectors()
        return lin, (row, col, data), float(off)

    def to_numpy(self) -> npt.NDArray[np.float64]:
        """The dense upper-triangular matrix M with E = xᵀMx + offset (diagonal = linear)."""
        lin, row, col, data, _ = self._vectors()
        n = self.num_variables
        m = np.zeros((n, n))
        m[np.arange(n), np.arange(n)] = lin
        m[row, col] = data
        return m

    def to_dimod(self) -> Any:
        """The model as a ``dimod.BinaryQuadraticModel`` (needs dimod), labels kept."""
        import dimod

        lin, (row, col, data), off = self.to_numpy_vectors()
        vartype = dimod.SPIN if self.vartype == SPIN else dimod.BINARY
        return dimod.BinaryQuadraticModel.from_numpy_vectors(
            lin, (row, col, data), off, vartype, variable_order=self._variables
        )

    def to_qubo(self) -> Qubo:
        """The same model over x ∈ {0, 1} (x = (s + 1)/2), labels kept."""
        return self._as(Qubo)

    def to_ising(self) -> Ising:
        """The same model over s ∈ {−1, +1} (s = 2x − 1), labels kept."""
        return self._as(Ising)

    def _as(self, cls: type[M]) -> M:
        if type(self) is cls:
            return self
        return cls._wrap(self._native, self._variables)

    def _plus(self: M, offset: float) -> M:
        if offset == 0:
            return self
        lin, (row, col, data), off = self.to_numpy_vectors()
        return type(self).from_numpy_vectors(
            lin, (row, col, data), off + _float(offset, "offset"), variable_order=self._variables
        )

    def relabel(self: M, mapping: Mapping[Hashable, Hashable]) -> M:
        """A copy with labels renamed by ``mapping`` (labels not in it keep their name)."""
        return type(self)._wrap(self._native, [mapping.get(v, v) for v in self._variables])

    # -- energies ---------------------------------------------------------------------------

    def energies(self, samples: Any) -> npt.NDArray[np.float64]:
        """Energies of many samples at once (in parallel), as a float64 array.

        Args:
            samples: a 2-D array (one row per sample, columns in :attr:`variables` order,
                values in this model's vartype), a dict or list of dicts keyed by label, an
                ``(array, labels)`` pair, or a sample set.
        """
        x = to_binary(samples_matrix(samples, self._variables), self.vartype)
        return self._native.energies(x)

    def energy(self, sample: Any) -> float:
        """The energy of one sample (a dict by label, or a 1-D array in variable order)."""
        return float(self.energies(sample)[0])

    # -- protocol ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.num_variables

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.num_variables} variables, "
            f"{self.num_interactions} interactions, offset={self.offset:g})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model) or other.vartype != self.vartype:
            return NotImplemented
        return (
            self._variables == other._variables
            and self._native.to_json() == other._native.to_json()
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self._native, self._variables))


def _restore(cls: type[M], native: Any, variables: list[Hashable]) -> M:
    return cls._wrap(native, variables)


class Qubo(Model):
    """A QUBO: minimise ``Σ Q_uv x_u x_v + offset`` over x ∈ {0, 1}.

    Args:
        data: ``{(u, v): w}`` with any hashable labels (``(u, v)`` and ``(v, u)`` summed,
            ``(v, v)`` linear), a square numpy array (E = xᵀMx) or pandas DataFrame (its
            index labels the variables), a scipy.sparse matrix, a
            dimod BQM, a networkx graph (Max-Cut), a PyQUBO compiled model, a file path or
            another model. Default: the empty model.
        offset: constant added to every energy. Default 0.0.

    Example:
        >>> q = Qubo({("a", "a"): -1.0, ("a", "b"): 2.0, ("b", "b"): -1.0})
        >>> q.energies([[1, 0], [1, 1]]).tolist()
        [-1.0, 0.0]
    """

    vartype: ClassVar[str] = BINARY
    __slots__ = ()

    def __init__(self, data: Any = None, offset: float = 0.0):
        other = Qubo._from_mappings({}, {}, offset) if data is None else Qubo._from_any(data, offset)
        self._native, self._variables, self._index = other._native, other._variables, None

    @classmethod
    def from_dict(cls, Q: Mapping[tuple[Hashable, Hashable], float], offset: float = 0.0) -> Qubo:
        """A QUBO from ``{(u, v): w}``; ``(v, v)`` entries are linear."""
        return cls._from_mappings({}, Q, offset)


class Ising(Model):
    """An Ising model: minimise ``Σ h_v s_v + Σ J_uv s_u s_v + offset`` over s ∈ {−1, +1}.

    Args:
        h: ``{v: bias}`` or a sequence of biases; or any model-like object :class:`Qubo`
            takes (a dimod BQM, a file path, …), converted exactly.
        J: ``{(u, v): coupling}``. Default none.
        offset: constant added to every energy. Default 0.0.

    Example:
        >>> m = Ising({"a": 1.0}, {("a", "b"): -1.0})
        >>> m.energy({"a": -1, "b": -1})
        -2.0
    """

    vartype: ClassVar[str] = SPIN
    __slots__ = ()

    def __init__(self, h: Any = None, J: Mapping[tuple[Hashable, Hashable], float] | None = None,
                 offset: float = 0.0):
        if J is None and h is not None and not isinstance(h, (Mapping, list, tuple)):
            other = Ising._from_any(h, offset)
        else:
            other = Ising._from_mappings({} if h is None else h, {} if J is None else J, offset)
        self._native, self._variables, self._index = other._native, other._variables, None

    @classmethod
    def from_dict(cls, h: Mapping[Hashable, float], J: Mapping[tuple[Hashable, Hashable], float],
                  offset: float = 0.0) -> Ising:
        """An Ising model from ``{v: h}`` and ``{(u, v): J}``."""
        return cls._from_mappings(h, J, offset)


def as_model(obj: Any) -> Model:
    """The model ``obj`` stands for, keeping its vartype (a SPIN dimod BQM gives an Ising)."""
    if isinstance(obj, Model):
        return obj
    enc = getattr(obj, "qubo", None)
    if isinstance(enc, Model):
        return enc
    vt = getattr(obj, "vartype", None)
    if vt is not None and hasattr(obj, "to_numpy_vectors"):
        return Ising.from_dimod(obj) if as_vartype(vt) == SPIN else Qubo.from_dimod(obj)
    return Qubo(obj)


__all__ = ["Model", "Qubo", "Ising", "as_model"]
