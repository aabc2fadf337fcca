"""Vartypes, labels and sample matrices: the conversions every public class shares."""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .exceptions import ModelError

BINARY = "BINARY"
SPIN = "SPIN"


def as_vartype(vartype: Any) -> str:
    """``"BINARY"``/``"SPIN"`` from a name, a ``{0, 1}``/``{-1, 1}`` set or a dimod Vartype."""
    name = getattr(vartype, "name", vartype)  # dimod.Vartype is an Enum
    if isinstance(name, str):
        upper = name.strip().upper()
        if upper in (BINARY, SPIN):
            return upper
    if isinstance(vartype, (set, frozenset)):
        if vartype == {0, 1}:
            return BINARY
        if vartype == {-1, 1}:
            return SPIN
    raise ModelError(
        f"unknown vartype {vartype!r}: use 'BINARY' or 'SPIN' (or {{0, 1}} / {{-1, 1}})"
    )


def is_path(obj: Any) -> bool:
    return isinstance(obj, (str, os.PathLike))


def to_binary(samples: npt.NDArray[Any], vartype: str) -> npt.NDArray[np.uint8]:
    """0/1 rows (C-contiguous uint8) from samples of ``vartype``; other values are an error."""
    a = np.asarray(samples)
    if a.size and not np.issubdtype(a.dtype, np.number) and a.dtype != np.bool_:
        raise ModelError(f"samples must be numeric, got dtype {a.dtype}")
    if vartype == SPIN:
        ok = (a == 1) | (a == -1)
        if not ok.all():
            bad = a[~ok].flat[0]
            raise ModelError(f"a SPIN sample holds {bad!r}; spins are -1 or +1")
        return np.ascontiguousarray(a > 0, dtype=np.uint8)
    ok = (a == 0) | (a == 1)
    if not ok.all():
        bad = a[~ok].flat[0]
        raise ModelError(f"a BINARY sample holds {bad!r}; binary values are 0 or 1")
    return np.ascontiguousarray(a, dtype=np.uint8)


def from_binary(x: npt.NDArray[np.uint8], vartype: str) -> npt.NDArray[np.int8]:
    """Samples of ``vartype`` (int8) from 0/1 rows: s = 2x − 1 for SPIN."""
    x8: npt.NDArray[np.int8] = np.asarray(x, dtype=np.int8)
    return (2 * x8 - 1).astype(np.int8) if vartype == SPIN else x8


def samples_matrix(
    samples: Any, variables: Sequence[Hashable], what: str = "samples"
) -> npt.NDArray[Any]:
    """A 2-D array (rows × len(variables), columns in ``variables`` order) from samples given
    as an array (one column per variable, in order), a dict or a list of dicts keyed by
    label, an ``(array, labels)`` pair, or a sample set (ours or dimod's)."""
    n = len(variables)
    if hasattr(samples, "record") and hasattr(samples, "variables"):
        return samples_matrix((samples.record["sample"], list(samples.variables)), variables, what)
    if isinstance(samples, tuple) and len(samples) == 2 and not np.isscalar(samples[1]):
        arr, labels = samples
        arr = np.atleast_2d(np.asarray(arr))
        labels = list(labels)
        if arr.ndim != 2 or arr.shape[1] != len(labels):
            raise ModelError(f"{what}: {arr.shape[1] if arr.ndim == 2 else '?'} columns for {len(labels)} labels")
        pos = {v: k for k, v in enumerate(labels)}
        missing = [v for v in variables if v not in pos]
        if missing:
            raise ModelError(f"{what} lack variable {missing[0]!r}")
        return arr[:, [pos[v] for v in variables]] if n else arr[:, :0]
    if isinstance(samples, Mapping):
        samples = [samples]
    if isinstance(samples, list) and samples and isinstance(samples[0], Mapping):
        rows = np.empty((len(samples), n), dtype=np.int64)
        for r, s in enumerate(samples):
            try:
                rows[r] = [s[v] for v in variables]
            except KeyError as e:
                raise ModelError(f"{what}[{r}] lacks variable {e.args[0]!r}") from None
            except (TypeError, ValueError) as e:
                raise ModelError(f"{what}[{r}]: {e}") from None
        return rows
    try:
        arr = np.asarray(samples)
    except ValueError as e:  # ragged nested lists
        raise ModelError(f"{what} must be a rectangular array: {e}") from None
    if arr.dtype == object:
        raise ModelError(f"{what} must be a rectangular numeric array")
    if arr.ndim == 1:
        arr = arr.reshape(1, -1) if arr.size or n == 0 else arr.reshape(0, n)
    if arr.ndim != 2 or arr.shape[1] != n:
        raise ModelError(
            f"{what} have shape {arr.shape}; expected (num_samples, {n}) with one column per variable"
        )
    return arr


def index_variables(labels: Iterable[Hashable]) -> tuple[list[Hashable], dict[Hashable, int]]:
    """Ordered unique labels and their indices (first-seen order, like dimod's Variables)."""
    index: dict[Hashable, int] = {}
    for v in labels:
        if v not in index:
            index[v] = len(index)
    return list(index), index
