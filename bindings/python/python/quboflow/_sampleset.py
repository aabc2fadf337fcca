"""``SampleSet``: solver output with dimod's layout and methods."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._vartype import BINARY, SPIN, as_vartype, samples_matrix
from .exceptions import ModelError

#: Fields every record has, in order; quboflow's own come after.
BASE_FIELDS = ("sample", "energy", "num_occurrences")
#: quboflow's optional fields and their dtypes.
EXTRA_FIELDS = {"is_feasible": np.bool_, "native_cost": np.float64, "probability": np.float64}


def _record(
    samples: npt.NDArray[Any], energy: npt.ArrayLike, num_occurrences: npt.ArrayLike,
    **extra: npt.ArrayLike,
) -> np.ndarray:
    rows, n = samples.shape
    dtype: list[tuple[Any, ...]] = [
        ("sample", np.int8, (n,)), ("energy", np.float64), ("num_occurrences", np.int64)
    ]
    for name in EXTRA_FIELDS:
        if name in extra:
            dtype.append((name, EXTRA_FIELDS[name]))
    rec = np.empty(rows, dtype=dtype)
    rec["sample"] = samples
    rec["energy"] = energy
    rec["num_occurrences"] = num_occurrences
    for name in EXTRA_FIELDS:
        if name in extra:
            rec[name] = extra[name]
    return rec


def _row_type(name: str, fields: tuple[str, ...]) -> Any:
    """The named-tuple class of :meth:`SampleSet.data` rows (built at run time from the
    fields asked for)."""
    make: Any = namedtuple
    return make(name, fields)


class SampleSet:
    """Samples, their energies and counts, with what produced them — dimod's ``SampleSet``
    layout and methods, plus quboflow's fields.

    Attributes:
        record: numpy structured array, one row per distinct read: ``sample`` (int8, one
            column per variable in :attr:`variables` order), ``energy`` (float64),
            ``num_occurrences`` (int64), and where meaningful ``is_feasible``,
            ``native_cost`` (decoded problems) and ``probability`` (QAOA, exact).
        variables: labels, in column order.
        vartype: ``"BINARY"`` or ``"SPIN"``.
        info: seed, parameters, ``timing`` (ns), termination, counters, ``version`` and the
            solver's own report (QAOA: angles, ⟨C⟩, kernel).
    """

    __slots__ = ("record", "_variables", "vartype", "info")

    def __init__(self, record: np.ndarray, variables: Sequence[Hashable], vartype: Any,
                 info: dict[str, Any] | None = None):
        # A recarray, as dimod's: ``record.energy`` and ``record["energy"]`` both work.
        self.record = record.view(np.recarray)
        self._variables = list(variables)
        self.vartype = as_vartype(vartype)
        self.info = {} if info is None else info

    @classmethod
    def from_samples(
        cls,
        samples_like: Any,
        vartype: Any,
        energy: npt.ArrayLike,
        *,
        num_occurrences: npt.ArrayLike | None = None,
        info: dict[str, Any] | None = None,
        variables: Sequence[Hashable] | None = None,
        **vectors: npt.ArrayLike,
    ) -> SampleSet:
        """A sample set from samples (array, dicts or ``(array, labels)``) and energies."""
        if variables is None:
            if isinstance(samples_like, tuple) and len(samples_like) == 2:
                variables = list(samples_like[1])
            elif isinstance(samples_like, dict):
                variables = list(samples_like)
            elif isinstance(samples_like, list) and samples_like and isinstance(samples_like[0], dict):
                variables = list(samples_like[0])
            else:
                variables = list(range(np.atleast_2d(np.asarray(samples_like)).shape[1]))
        arr = samples_matrix(samples_like, variables)
        energy = np.asarray(energy, dtype=np.float64).reshape(-1)
        if len(energy) != len(arr):
            raise ModelError(f"{len(energy)} energies for {len(arr)} samples")
        counts = np.ones(len(arr), dtype=np.int64) if num_occurrences is None else num_occurrences
        return cls(_record(arr, energy, counts, **vectors), variables, vartype, info)

    # -- views ------------------------------------------------------------------------------

    @property
    def variables(self) -> list[Hashable]:
        """Labels, in column order."""
        return list(self._variables)

    @property
    def samples_array(self) -> npt.NDArray[np.int8]:
        """The samples as a 2-D int8 array (rows as in :attr:`record`)."""
        return self.record["sample"]

    @property
    def energies(self) -> npt.NDArray[np.float64]:
        """Energies, one per row of :attr:`record`."""
        return self.record["energy"]

    @property
    def num_occurrences(self) -> npt.NDArray[np.int64]:
        """Counts, one per row of :attr:`record`."""
        return self.record["num_occurrences"]

    def _order(self, sorted_by: str | None, reverse: bool = False) -> npt.NDArray[np.intp]:
        if sorted_by is None:
            idx = np.arange(len(self.record))
        else:
            if sorted_by not in self.record.dtype.names:
                raise ModelError(f"sorted_by={sorted_by!r} is not a field of the record")
            idx = np.argsort(self.record[sorted_by], kind="stable")
        return idx[::-1] if reverse else idx

    @property
    def first(self) -> Any:
        """The lowest-energy row as a named tuple (``sample`` as a dict); ``ValueError`` when
        the set is empty."""
        for row in self.data(sorted_by="energy"):
            return row
        raise ValueError("SampleSet is empty")

    def data(
        self,
        fields: Sequence[str] | None = None,
        sorted_by: str | None = "energy",
        name: str = "Sample",
        reverse: bool = False,
        sample_dict_cast: bool = True,
        index: bool = False,
    ) -> Iterator[Any]:
        """Iterates over rows as named tuples of ``fields`` (default all), like dimod's."""
        names = list(self.record.dtype.names if fields is None else fields)
        for f in names:
            if f not in self.record.dtype.names:
                raise ModelError(f"{f!r} is not a field of the record")
        if index:
            names.append("idx")
        Row: Any = _row_type(name, tuple(names))
        for i in self._order(sorted_by, reverse):
            values: list[Any] = []
            for f in names:
                if f == "idx":
                    values.append(int(i))
                elif f == "sample":
                    s = self.record["sample"][i]
                    values.append(dict(zip(self._variables, s.tolist())) if sample_dict_cast else s)
                else:
                    values.append(self.record[f][i].item())
            yield Row(*values)

    def samples(self, n: int | None = None, sorted_by: str | None = "energy") -> list[dict[Hashable, int]]:
        """The first ``n`` samples (default all) as dicts by label."""
        idx = self._order(sorted_by)[:n]
        return [dict(zip(self._variables, self.record["sample"][i].tolist())) for i in idx]

    def __iter__(self) -> Iterator[dict[Hashable, int]]:
        return iter(self.samples())

    def __len__(self) -> int:
        return len(self.record)

    # -- derived sets -----------------------------------------------------------------------

    def _subset(self, idx: Any) -> SampleSet:
        return SampleSet(self.record[idx], self._variables, self.vartype, dict(self.info))

    def lowest(self, rtol: float = 1e-05, atol: float = 1e-08) -> SampleSet:
        """The rows whose energy is (close to) the lowest."""
        if not len(self):
            return self._subset(np.arange(0))
        e = self.record["energy"]
        lo = e.min()
        keep = np.flatnonzero(np.isclose(e, lo, rtol=rtol, atol=atol))
        return self._subset(keep[np.argsort(e[keep], kind="stable")])

    def truncate(self, n: int, sorted_by: str | None = "energy") -> SampleSet:
        """The first ``n`` rows by ``sorted_by``."""
        if n < 0:
            raise ModelError(f"n must be ≥ 0, got {n}")
        return self._subset(self._order(sorted_by)[:n])

    def aggregate(self) -> SampleSet:
        """Identical samples merged into one row (first-seen order), counts summed."""
        if not len(self):
            return self._subset(np.arange(0))
        s = np.ascontiguousarray(self.record["sample"])
        keys = s.view(np.dtype((np.void, s.dtype.itemsize * s.shape[1]))).ravel() if s.shape[1] else np.zeros(len(s), dtype=np.int8)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        rec = self.record[first[order]].copy()
        rec["num_occurrences"] = np.bincount(rank[inverse.ravel()], weights=self.record["num_occurrences"], minlength=len(order)).astype(np.int64)
        return SampleSet(rec, self._variables, self.vartype, dict(self.info))

    def change_vartype(self, vartype: Any, energy_offset: float = 0.0, inplace: bool = True) -> SampleSet:
        """Samples in the other vartype (x = (s + 1)/2), energies shifted by ``energy_offset``."""
        vt = as_vartype(vartype)
        out = self if inplace else SampleSet(self.record.copy(), self._variables, self.vartype, dict(self.info))
        if vt != out.vartype:
            s = out.record["sample"]
            out.record["sample"] = (s + 1) // 2 if vt == BINARY else 2 * s - 1
            out.vartype = vt
        if energy_offset:
            out.record["energy"] += energy_offset
        return out

    # -- export -----------------------------------------------------------------------------

    def to_pandas_dataframe(self, sample_column: bool = False) -> Any:
        """A pandas DataFrame: one column per variable (or one ``sample`` column of dicts),
        then the record's other fields."""
        import pandas as pd

        other = [f for f in self.record.dtype.names if f != "sample"]
        if sample_column:
            df = pd.DataFrame({"sample": self.samples(sorted_by=None)})
        else:
            df = pd.DataFrame(self.record["sample"], columns=self._variables)
        for f in other:
            df[f] = self.record[f]
        return df

    def to_dimod(self) -> Any:
        """The same samples as a ``dimod.SampleSet`` (needs dimod); quboflow's fields become
        data vectors and ``info`` is kept."""
        import dimod

        vectors = {f: self.record[f] for f in self.record.dtype.names if f not in BASE_FIELDS}
        return dimod.SampleSet.from_samples(
            (self.record["sample"], self._variables),
            vartype=dimod.SPIN if self.vartype == SPIN else dimod.BINARY,
            energy=self.record["energy"],
            num_occurrences=self.record["num_occurrences"],
            info=dict(self.info),
            **vectors,
        )

    def __repr__(self) -> str:
        n = len(self._variables)
        rows = len(self)
        head = []
        cols = self._variables[:8]
        show = list(self._order("energy")[:5])
        for i in show:
            s = " ".join(f"{v:>2}" for v in self.record["sample"][i][:8].tolist())
            more = " …" if n > 8 else ""
            head.append(f"  {s}{more}  energy={self.record['energy'][i]:.6g} num_oc.={self.record['num_occurrences'][i]}")
        if rows > len(show):
            head.append("  …")
        reads = int(self.record["num_occurrences"].sum()) if rows else 0
        labels = " ".join(map(str, cols)) + (" …" if n > 8 else "")
        footer = f"['{self.vartype}', {rows} rows, {reads} samples, {n} variables]"
        return "\n".join([f"SampleSet  variables: {labels}", *head, footer])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SampleSet):
            return NotImplemented
        return (
            self.vartype == other.vartype
            and self._variables == other._variables
            and self.record.dtype == other.record.dtype
            and bool(np.array_equal(self.record, other.record))
        )

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        return {"record": self.record, "variables": self._variables, "vartype": self.vartype, "info": self.info}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.record = state["record"]
        self._variables = state["variables"]
        self.vartype = state["vartype"]
        self.info = state["info"]
