"""Models: every input form, labels kept, energies against numpy, bad input refused."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import quboflow as qf
from quboflow.exceptions import ModelError, ParseError, QuboflowError


def dense_energy(m: np.ndarray, x: np.ndarray, offset: float = 0.0) -> np.ndarray:
    return np.einsum("ri,ij,rj->r", x, m, x) + offset


def test_dict_with_any_hashable_labels_and_both_orders_summed():
    q = qf.Qubo({("a", "a"): -1.0, ("a", (1, 2)): 2.0, ((1, 2), "a"): 1.0, (3, 3): 0.5}, offset=2)
    assert q.variables == ["a", (1, 2), 3]
    assert q.quadratic == {("a", (1, 2)): 3.0}
    assert q.linear == {"a": -1.0, (1, 2): 0.0, 3: 0.5}
    assert q.offset == 2.0
    assert q.energy({"a": 1, (1, 2): 1, 3: 1}) == -1 + 3 + 0.5 + 2


def test_dense_array_counts_both_triangles_and_reads_float64_in_place():
    rng = np.random.default_rng(0)
    m = rng.normal(size=(6, 6))
    x = rng.integers(0, 2, size=(20, 6))
    q = qf.Qubo(m, offset=1.5)
    np.testing.assert_allclose(q.energies(x), dense_energy(m, x, 1.5))
    # A float64 array is passed as it is (no conversion copy), strided views included.
    from quboflow._models import _f64

    assert _f64(m, "m") is m
    view = m[::2, ::2]
    assert _f64(view, "v") is view
    qv = qf.Qubo(view)
    np.testing.assert_allclose(qv.energies(x[:, :3]), dense_energy(view, x[:, :3]))
    # Other dtypes are converted once.
    qi = qf.Qubo(np.array([[1, 2], [0, 3]], dtype=np.int32))
    assert qi.energy([1, 1]) == 6.0


def test_upper_triangular_round_trip_and_spin_conversion():
    rng = np.random.default_rng(1)
    m = np.triu(rng.normal(size=(5, 5)))
    q = qf.Qubo(m)
    np.testing.assert_allclose(q.to_numpy(), m)
    ising = q.to_ising()
    x = rng.integers(0, 2, size=(32, 5))
    np.testing.assert_allclose(ising.energies(2 * x - 1), q.energies(x))
    assert ising.to_qubo() == q


def test_numpy_vectors_in_either_vartype():
    lin = np.array([1.0, -2.0, 0.5])
    quad = (np.array([0, 1]), np.array([1, 2]), np.array([1.5, -1.0]))
    spin = qf.Ising.from_numpy_vectors(lin, quad, 0.25)
    s = np.array([[1, -1, 1], [-1, -1, -1], [1, 1, 1]])
    expect = s @ lin + 1.5 * s[:, 0] * s[:, 1] - s[:, 1] * s[:, 2] + 0.25
    np.testing.assert_allclose(spin.energies(s), expect)
    as_binary = qf.Qubo.from_numpy_vectors(lin, quad, 0.25, vartype="SPIN")
    np.testing.assert_allclose(as_binary.energies((s + 1) // 2), expect)
    h, (r, c, j), off = spin.to_numpy_vectors()
    np.testing.assert_allclose(h, lin)
    assert off == pytest.approx(0.25)


def test_scipy_sparse(tmp_path):
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(2)
    m = sp.random(30, 30, density=0.2, random_state=3, format="csr")
    q = qf.Qubo(m)
    x = rng.integers(0, 2, size=(10, 30))
    np.testing.assert_allclose(q.energies(x), dense_energy(m.toarray(), x))


def test_dimod_round_trip_keeps_labels_and_vartype():
    dimod = pytest.importorskip("dimod")
    bqm = dimod.BinaryQuadraticModel({"a": 1, "b": -1}, {("a", "b"): 2, ("b", "c"): -0.5}, 0.7, "SPIN")
    m = qf.as_model(bqm)
    assert isinstance(m, qf.Ising) and m.variables == ["a", "b", "c"]
    back = m.to_dimod()
    assert back.vartype is dimod.SPIN
    for sample in ({"a": 1, "b": -1, "c": 1}, {"a": -1, "b": -1, "c": -1}):
        assert m.energy(sample) == pytest.approx(bqm.energy(sample))
        assert back.energy(sample) == pytest.approx(bqm.energy(sample))
    q = qf.Qubo(bqm)  # converted to BINARY
    assert q.energy({"a": 1, "b": 0, "c": 1}) == pytest.approx(bqm.energy({"a": 1, "b": -1, "c": 1}))


def test_networkx_graph_is_max_cut():
    nx = pytest.importorskip("networkx")
    g = nx.cycle_graph(["p", "q", "r", "s"])
    g["p"]["q"]["weight"] = 2.0
    q = qf.Qubo(g)
    assert q.variables == ["p", "q", "r", "s"]
    # Alternating sides cut every edge: energy = −(2 + 1 + 1 + 1).
    assert q.energy({"p": 1, "q": 0, "r": 1, "s": 0}) == -5.0


def test_files_of_every_model_format(testdata, tmp_path):
    q = qf.Qubo.read(testdata / "example.qubo")
    assert q.num_variables > 0
    g = qf.Qubo.read(testdata / "petersen.gset")
    assert g.num_variables == 10
    with pytest.raises(FileNotFoundError):
        qf.Qubo.read(tmp_path / "missing.qubo")
    bad = tmp_path / "bad.qubo"
    bad.write_text("p qubo 0 2 1 1\n0 0 1.0\n0 zz 2\n")
    with pytest.raises(ParseError, match=r"bad.qubo:\d+"):
        qf.Qubo.read(bad)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: qf.Qubo({("a", "b"): float("nan")}), "finite"),
        (lambda: qf.Qubo({("a", "b", "c"): 1.0}), "not a pair"),
        (lambda: qf.Qubo({"a": 1.0}), "not a pair"),
        (lambda: qf.Qubo({("a", "b"): "x"}), "must be numbers"),
        (lambda: qf.Qubo(np.ones((2, 3))), "square"),
        (lambda: qf.Qubo(np.array([[1.0, np.inf], [0, 0]])), "finite"),
        (lambda: qf.Qubo(np.ones(3)), "2-D"),
        (lambda: qf.Qubo.from_numpy_vectors([1.0], ([0], [5], [1.0])), "not a variable index"),
        (lambda: qf.Qubo.from_numpy_vectors([1.0, 2.0], ([0], [1, 0], [1.0])), "differ in length"),
        (lambda: qf.Qubo.from_numpy_vectors([1.0], ([0.5], [0], [1.0])), "integer"),
        (lambda: qf.Qubo.from_numpy_vectors([1.0], ([0], [0], [1.0]), vartype="TERNARY"), "unknown vartype"),
        (lambda: qf.Qubo(object()), "cannot make a model"),
    ],
)
def test_bad_input_is_a_typed_error_naming_the_problem(make, message):
    with pytest.raises(ModelError, match=message) as e:
        make()
    assert isinstance(e.value, ValueError) and isinstance(e.value, QuboflowError)


def test_energies_refuse_wrong_shapes_and_values():
    q = qf.Qubo({(0, 1): 1.0})
    with pytest.raises(ModelError, match="shape"):
        q.energies(np.zeros((2, 3)))
    with pytest.raises(ModelError, match="0 or 1"):
        q.energies([[0, 2]])
    with pytest.raises(ModelError, match="-1 or \\+1"):
        q.to_ising().energies([[0, 1]])
    with pytest.raises(ModelError, match="lacks variable"):
        q.energies([{0: 1}])
    with pytest.raises(ModelError, match="rectangular"):
        q.energies([[0, 1], [1]])


def test_vartype_spellings():
    from quboflow._vartype import as_vartype

    assert as_vartype("spin") == as_vartype({-1, 1}) == "SPIN"
    assert as_vartype("BINARY") == as_vartype(frozenset({0, 1})) == "BINARY"
    with pytest.raises(ModelError, match="unknown vartype"):
        as_vartype({0, 2})


def test_a_square_dataframe_is_a_dense_model_labelled_by_its_index():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([[1.0, 2.0], [0.0, -3.0]], index=["u", "v"], columns=["u", "v"])
    q = qf.Qubo(df)
    assert q.variables == ["u", "v"] and q.energy({"u": 1, "v": 1}) == 0.0


def test_pyqubo_compiled_models_are_read_through_to_qubo():
    class Compiled:  # the part of PyQUBO's compiled model quboflow uses
        def to_qubo(self):
            return {("x", "x"): -1.0, ("x", "y"): 2.0}, 0.5

    q = qf.Qubo(Compiled())
    assert q.variables == ["x", "y"] and q.energy({"x": 1, "y": 0}) == -0.5


def test_models_pickle_with_labels_and_constraints():
    q = qf.Qubo({("a", "b"): 1.0, ("b", "b"): -2.0}, offset=0.5)
    assert pickle.loads(pickle.dumps(q)) == q
    enc = qf.Knapsack([5, 4, 3], [4, 3, 2], 5).encode()
    again = pickle.loads(pickle.dumps(enc.qubo))
    assert again.constraints == enc.qubo.constraints and again.constraints
    ising = q.to_ising()
    assert pickle.loads(pickle.dumps(ising)) == ising
