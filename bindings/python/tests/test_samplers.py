"""Samplers: energies recomputed in numpy, seeds reproducible (as in the CLI), dimod's
parameter names and shapes, unknown keywords warned, bad values refused."""

from __future__ import annotations

import json
import subprocess
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quboflow as qf
from quboflow.exceptions import MemoryLimitError, ModelError, UnknownParameterWarning

FAST = {
    qf.ExactSolver: {},
    qf.SteepestDescentSolver: {"num_reads": 5},
    qf.SimulatedAnnealingSampler: {"num_reads": 5, "num_sweeps": 50},
    qf.TabuSampler: {"num_reads": 2, "timeout": 5},
    qf.ParallelTemperingSampler: {"num_reads": 2, "num_sweeps": 20, "num_replicas": 4},
    qf.QAOASampler: {"shots": 50, "max_evals": 5},
    qf.HybridSampler: {"sub_size": 6, "convergence": 2},
}

LABELS = st.one_of(
    st.integers(-5, 50), st.text(min_size=1, max_size=3), st.tuples(st.integers(0, 3), st.text(max_size=2))
)


@st.composite
def models(draw):
    """A random model with arbitrary labels, in either vartype."""
    labels = draw(st.lists(LABELS, min_size=1, max_size=7, unique=True))
    weight = st.floats(-10, 10, allow_nan=False).map(lambda w: round(w, 3))
    lin = {v: draw(weight) for v in labels}
    pairs = draw(st.lists(st.tuples(st.sampled_from(labels), st.sampled_from(labels)), max_size=12))
    quad = {(u, v): draw(weight) for u, v in pairs if u != v}
    offset = draw(weight)
    if draw(st.booleans()):
        return qf.Ising(lin, quad, offset), lin, quad, offset
    q = {(v, v): w for v, w in lin.items()}
    for k, w in quad.items():
        q[k] = q.get(k, 0.0) + w
    return qf.Qubo(q, offset), lin, quad, offset


def numpy_energy(ss, lin, quad, offset):
    """The energy of every row from the dicts the model was built from."""
    idx = {v: k for k, v in enumerate(ss.variables)}
    s = ss.record["sample"].astype(float)
    e = np.full(len(s), float(offset))
    for v, w in lin.items():
        e += w * s[:, idx[v]]
    for (u, v), w in quad.items():
        e += w * s[:, idx[u]] * s[:, idx[v]]
    return e


@pytest.mark.parametrize("sampler", list(FAST), ids=lambda s: s.__name__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=models(), seed=st.integers(0, 2**64 - 1))
def test_energies_equal_a_numpy_recomputation(sampler, data, seed):
    model, lin, quad, offset = data
    ss = sampler().sample(model, seed=seed, **FAST[sampler])
    assert ss.vartype == model.vartype
    assert set(ss.variables) == set(model.variables)
    values = {-1, 1} if model.vartype == "SPIN" else {0, 1}
    assert set(np.unique(ss.record["sample"])) <= values
    np.testing.assert_allclose(ss.record["energy"], numpy_energy(ss, lin, quad, offset), rtol=1e-9, atol=1e-9)
    assert (ss.record["num_occurrences"] >= 1).all()
    assert ss.info["seed"] == seed


def test_exact_solver_returns_every_state_like_dimod():
    m = qf.Ising({"a": 1.0, "b": -0.5}, {("a", "b"): 0.25})
    ss = qf.ExactSolver().sample(m)
    assert len(ss) == 4
    assert list(ss.record["energy"]) == sorted(ss.record["energy"])
    k = qf.ExactSolver().sample(m, num_states=2)
    assert len(k) == 2
    big = qf.Qubo(np.eye(21))
    with pytest.raises(ModelError, match="num_states"):
        qf.ExactSolver().sample(big)


@pytest.mark.parametrize("sampler", [s for s in FAST if s is not qf.ExactSolver], ids=lambda s: s.__name__)
def test_same_seed_same_samples(sampler):
    rng = np.random.default_rng(5)
    q = qf.Qubo(rng.normal(size=(8, 8)))
    a = sampler().sample(q, seed=11, **FAST[sampler])
    b = sampler().sample(q, seed=11, **FAST[sampler])
    assert a == b


def test_python_and_cli_give_the_same_samples_for_the_same_seed(cli, testdata, tmp_path):
    path = testdata / "petersen.gset"
    for solver, params, flags in [
        (qf.SimulatedAnnealingSampler(), {"num_reads": 7, "num_sweeps": 200}, ["--num-reads", "7", "--num-sweeps", "200"]),
        (qf.SteepestDescentSolver(), {"num_reads": 4}, ["--num-reads", "4"]),
        (qf.ParallelTemperingSampler(), {"num_reads": 2, "num_sweeps": 50}, ["--num-reads", "2", "--num-sweeps", "50"]),
        (qf.QAOASampler(), {"p": 1, "shots": 64}, ["--p", "1", "--num-reads", "64"]),
        (
            qf.HybridSampler(),
            {"sub_solver": ["qaoa", "sa"], "sub_params": {"max_evals": 5, "num_reads": 3}, "sub_size": 4,
             "outer_restarts": 0},
            ["--sub-solver", "qaoa,sa", "--sub-params", '{"max_evals": 5, "num_reads": 3}', "--sub-size", "4",
             "--outer-restarts", "0"],
        ),
    ]:
        out = tmp_path / f"{solver._solver}.json"
        subprocess.run(
            [cli, "solve", str(path), "--solver", solver._solver, "--seed", "42", "-q", "-o", str(out), *flags],
            check=True, capture_output=True,
        )
        doc = json.loads(out.read_text())
        rows = doc["sampleset"]["samples"]
        ss = solver.sample(qf.Qubo.read(path), seed=42, **params)
        assert [[int(b) for b in r["sample"]] for r in rows] == ss.record["sample"].tolist(), solver
        np.testing.assert_allclose([r["energy"] for r in rows], ss.record["energy"])
        assert [r["num_occurrences"] for r in rows] == ss.record["num_occurrences"].tolist()


def test_unknown_keywords_warn_and_known_ones_are_checked():
    q = qf.Qubo({(0, 1): -1.0})
    with pytest.warns(UnknownParameterWarning, match="num_sweeps_typo"):
        qf.SimulatedAnnealingSampler().sample(q, num_sweeps_typo=3, num_reads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qf.SteepestDescentSolver().sample(q, large_sparse_opt=True)
    bad = [
        (qf.SimulatedAnnealingSampler(), {"num_reads": -1}, "num_reads"),
        (qf.SimulatedAnnealingSampler(), {"num_reads": 1.5}, "num_reads"),
        (qf.SimulatedAnnealingSampler(), {"beta_range": [1.0, float("nan")]}, "beta_range"),
        (qf.SimulatedAnnealingSampler(), {"beta_schedule_type": "cubic"}, "beta_schedule_type"),
        (qf.SimulatedAnnealingSampler(), {"randomize_order": True}, "randomize_order"),
        (qf.SimulatedAnnealingSampler(), {"proposal_acceptance_criteria": "Gibbs"}, "Gibbs"),
        (qf.SimulatedAnnealingSampler(), {"seed": -3}, "seed"),
        (qf.SimulatedAnnealingSampler(), {"seed": 1.5}, "seed"),
        (qf.SimulatedAnnealingSampler(), {"time_limit": float("nan")}, "time_limit"),
        (qf.TabuSampler(), {"timeout": "soon"}, "timeout"),
        (qf.QAOASampler(), {"mixer": "z"}, "mixer"),
        (qf.QAOASampler(), {"p": 1, "reps": 2}, "not both"),
        (qf.QAOASampler(), {"p": 2, "initial_point": [0.1, 0.2]}, "p"),
        (qf.ParallelTemperingSampler(), {"initial_states_generator": "magic"}, "initial_states_generator"),
    ]
    for sampler, kw, msg in bad:
        with pytest.raises(ModelError, match=msg):
            sampler.sample(q, **kw)


def test_initial_states_and_their_generators():
    q = qf.Ising({}, {("a", "b"): 1.0, ("b", "c"): 1.0})
    start = [{"a": 1, "b": 1, "c": 1}]
    ss = qf.SteepestDescentSolver().sample(q, initial_states=start, seed=1)
    assert ss.record["num_occurrences"].sum() == 1  # one read per initial state
    assert ss.first.energy == -2.0
    tiled = qf.SteepestDescentSolver().sample(q, initial_states=start, initial_states_generator="tile", num_reads=3)
    assert tiled.record["num_occurrences"].sum() == 3
    with pytest.raises(ModelError, match="initial_states_generator='none'"):
        qf.SteepestDescentSolver().sample(q, initial_states=start, initial_states_generator="none", num_reads=3)
    with pytest.raises(ModelError, match="lacks variable"):
        qf.SimulatedAnnealingSampler().sample(q, initial_states=[{"a": 1}])
    # A sample set (in its own vartype) is a valid set of start states.
    again = qf.SteepestDescentSolver().sample(q, initial_states=ss.change_vartype("BINARY", inplace=False))
    assert again.first.energy == -2.0


def test_sample_qubo_and_sample_ising_shapes():
    ss = qf.TabuSampler().sample_qubo({("x", "x"): -1.0, ("x", "y"): 2.0}, seed=1)
    assert ss.vartype == "BINARY" and ss.first.energy == -1.0
    ss = qf.TabuSampler().sample_ising({"x": 1.0}, {("x", "y"): -1.0}, seed=1)
    assert ss.vartype == "SPIN" and ss.first.sample == {"x": -1, "y": -1}
    s = qf.SimulatedAnnealingSampler()
    assert "num_sweeps" in s.parameters and "beta_range" in s.parameters
    assert s.properties["solver"] == "sa"


def test_qaoa_rows_carry_exact_probabilities():
    q = qf.Qubo({(0, 0): -1.0, (1, 1): -1.0, (0, 1): 3.0})
    ss = qf.QAOASampler().sample(q, p=2, shots=2000, seed=3)
    p = ss.record["probability"]
    assert ((p > 0) & (p <= 1)).all()
    emp = ss.record["num_occurrences"] / ss.record["num_occurrences"].sum()
    np.testing.assert_allclose(emp, p, atol=0.05)
    assert ss.info["extra"]["p"] == 2
    start = qf.QAOASampler().sample(q, initial_point=[-0.3, 0.2], max_evals=0, seed=1)
    assert start.info["extra"]["angles"] == {"gamma": [-0.3], "beta": [0.2]}


def test_a_statevector_too_large_is_refused_before_allocating():
    q = qf.Qubo({(i, i + 1): 1.0 for i in range(39)})
    with pytest.raises(MemoryLimitError) as e:
        qf.QAOASampler().sample(q)
    assert isinstance(e.value, MemoryError)


def test_a_problem_is_sampled_in_its_default_encoding():
    ss = qf.TabuSampler().sample(qf.Knapsack([5, 4, 3], [4, 3, 2], 5), seed=1)
    assert ss.first.native_cost == 7.0 and ss.first.is_feasible


def test_encoded_problems_give_feasibility_and_native_cost():
    k = qf.Knapsack([5, 4, 3], [4, 3, 2], 5)
    enc = k.encode()
    ss = qf.SimulatedAnnealingSampler().sample(enc, num_reads=20, seed=2)
    assert ss.record.dtype.names[-2:] == ("is_feasible", "native_cost")
    best = ss.first
    assert best.is_feasible and best.native_cost == 7.0
    assert enc.decode(best.sample).items == [1, 2]


def test_hybrid_reports_what_each_sub_solver_contributed():
    rng = np.random.default_rng(3)
    m = rng.normal(size=(60, 60))
    q = qf.Qubo((m + m.T) / 2)
    ss = qf.HybridSampler().sample(
        q, sub_solver=["qaoa", "exact"], sub_params={"max_evals": 10}, sub_size=10, outer_restarts=0, seed=2
    )
    extra = ss.info["extra"]
    parts = extra["contributions"]
    assert [p["solver"] for p in parts] == ["qaoa", "exact"]
    assert all(p["subproblems"] > 0 for p in parts)
    read = extra["reads"][0]
    # Without an outer search the sub-problems removed everything the read descended.
    removed = sum(p["energy_removed"] for p in parts)
    assert removed == pytest.approx(read["start"] - read["best"])
    assert ss.first.energy == pytest.approx(read["best"])
    with pytest.raises(ModelError, match="sub_params"):
        qf.HybridSampler().sample(q, sub_params={"tenure": 3}, seed=1)
    with pytest.raises(ModelError, match="sub_params"):
        qf.HybridSampler().sample(q, sub_params=[1], seed=1)
