"""Whatever a user passes, the answer is a model or a typed quboflow error — never another
exception type, never a crash of the interpreter."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import quboflow as qf
from quboflow.exceptions import QuboflowError

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, -1, 1e308, -1e308, float("nan"), float("inf")]),
)
JUNK = st.one_of(NUMBERS, st.text(max_size=3), st.none(), st.booleans(), st.just(object()))
KEYS = st.one_of(
    st.tuples(st.integers(-3, 5), st.integers(-3, 5)),
    st.tuples(st.text(max_size=2), st.text(max_size=2)),
    st.tuples(st.integers(0, 3)),
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)),
    st.integers(0, 3),
    st.text(max_size=2),
)


def accepted_or_typed(make):
    try:
        return make()
    except QuboflowError:
        return None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, st.one_of(NUMBERS, JUNK), max_size=6), NUMBERS)
def test_dicts(d, offset):
    q = accepted_or_typed(lambda: qf.Qubo(d, offset))
    if q is not None:
        x = np.zeros((1, q.num_variables), dtype=np.int8)
        assert np.isfinite(q.energies(x)).all()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.lists(NUMBERS, max_size=4), max_size=4),
        st.lists(NUMBERS, max_size=4),
        st.integers(0, 3).flatmap(lambda n: st.lists(st.lists(NUMBERS, min_size=n, max_size=n), min_size=n, max_size=n)),
    )
)
def test_arrays(rows):
    accepted_or_typed(lambda: qf.Qubo(rows))
    accepted_or_typed(lambda: qf.Ising(np.array(rows, dtype=object)) if rows else None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(NUMBERS, max_size=4),
    st.lists(st.integers(-(2**65), 2**65), max_size=4),
    st.lists(st.integers(-(2**65), 2**65), max_size=4),
    st.lists(NUMBERS, max_size=4),
    st.sampled_from(["BINARY", "SPIN", "binary", "ternary", None, {0, 1}, {-1, 1}, {0, 2}, 3]),
)
def test_numpy_vectors(lin, row, col, data, vartype):
    accepted_or_typed(lambda: qf.Qubo.from_numpy_vectors(lin, (row, col, data), 0.0, vartype))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(qf._samplers.SAMPLERS.values())),
    st.sampled_from(["num_reads", "num_sweeps", "beta_range", "seed", "time_limit", "timeout",
                     "initial_states", "p", "shots", "angles", "initial_point", "num_states",
                     "initial_states_generator", "mixer", "tenure"]),
    JUNK | st.lists(JUNK, max_size=3),
)
def test_sampler_keywords(sampler, name, value):
    q = qf.Qubo({(0, 1): 1.0, (1, 2): -1.0})
    if name in ("num_reads", "num_sweeps", "timeout", "time_limit") and isinstance(value, (int, float)) \
            and not isinstance(value, bool) and value > 50:
        return  # a legal request for a long run (tabu: 20 ms a read), not bad input
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qf.UnknownParameterWarning)
        accepted_or_typed(lambda: sampler().sample(q, **{name: value}))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(NUMBERS, min_size=0, max_size=4),
    st.lists(NUMBERS, min_size=0, max_size=4),
    NUMBERS,
)
def test_knapsacks_and_routes(values, weights, capacity):
    k = accepted_or_typed(lambda: qf.Knapsack(values, weights, capacity))
    if k is not None:
        accepted_or_typed(lambda: k.encode())
    accepted_or_typed(lambda: qf.Tsp.from_distance_matrix(np.array(values[:2] * 2).reshape(-1, 2) if len(values) >= 2 else values))
    accepted_or_typed(lambda: qf.Cvrp.from_arrays([[0, 0], [1, 1]], weights[:2] or [0, 1], capacity=capacity))
