"""SampleSet: dimod's methods and layout, quboflow's fields, pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import quboflow as qf


@pytest.fixture
def ss():
    return qf.SampleSet.from_samples(
        (np.array([[0, 1, 1], [1, 0, 0], [0, 1, 1], [1, 1, 1]]), ["a", "b", "c"]),
        "BINARY",
        energy=[-1.0, -3.0, -1.0, 2.0],
        num_occurrences=[2, 1, 3, 1],
        info={"seed": 5},
    )


def test_record_layout_and_views(ss):
    assert ss.record.dtype.names == ("sample", "energy", "num_occurrences")
    assert ss.record.sample.dtype == np.int8 and ss.record["energy"].dtype == np.float64
    assert ss.record.num_occurrences.dtype == np.int64
    assert ss.variables == ["a", "b", "c"] and ss.vartype == "BINARY" and len(ss) == 4
    assert ss.first.sample == {"a": 1, "b": 0, "c": 0} and ss.first.energy == -3.0
    assert [s["a"] for s in ss.samples()] == [1, 0, 0, 1]
    assert len(ss.samples(2)) == 2


def test_data_like_dimod(ss):
    rows = list(ss.data(["energy", "num_occurrences"], sorted_by=None, name="Row", index=True))
    assert type(rows[0]).__name__ == "Row" and rows[0].idx == 0 and rows[0].energy == -1.0
    rev = [r.energy for r in ss.data(["energy"], reverse=True)]
    assert rev == sorted(rev, reverse=True)
    raw = next(ss.data(["sample"], sample_dict_cast=False))
    assert isinstance(raw.sample, np.ndarray)
    with pytest.raises(qf.ModelError):
        list(ss.data(["nope"]))


def test_lowest_truncate_aggregate(ss):
    assert len(ss.lowest()) == 1
    assert list(ss.truncate(2).record.energy) == [-3.0, -1.0]
    agg = ss.aggregate()
    assert len(agg) == 3
    assert agg.record.num_occurrences.tolist() == [5, 1, 1]  # first-seen order, counts summed
    assert agg.record.sample[0].tolist() == [0, 1, 1]


def test_change_vartype(ss):
    spin = ss.change_vartype("SPIN", energy_offset=1.0, inplace=False)
    assert spin.vartype == "SPIN" and spin.record.sample[0].tolist() == [-1, 1, 1]
    assert spin.record.energy[0] == 0.0 and ss.record.energy[0] == -1.0
    back = spin.change_vartype({0, 1})
    assert back is spin and back.record.sample[0].tolist() == [0, 1, 1]


def test_empty_first_is_a_value_error():
    empty = qf.SampleSet.from_samples(np.zeros((0, 2)), "SPIN", energy=[])
    with pytest.raises(ValueError):
        empty.first
    assert len(empty.aggregate()) == 0 and len(empty.lowest()) == 0


def test_pandas_and_dimod(ss):
    pd = pytest.importorskip("pandas")
    df = ss.to_pandas_dataframe()
    assert list(df.columns) == ["a", "b", "c", "energy", "num_occurrences"]
    assert isinstance(df, pd.DataFrame) and len(df) == 4
    assert list(ss.to_pandas_dataframe(sample_column=True).columns) == ["sample", "energy", "num_occurrences"]
    dimod = pytest.importorskip("dimod")
    d = ss.to_dimod()
    assert isinstance(d, dimod.SampleSet) and d.info == {"seed": 5}
    assert d.first.energy == -3.0 and list(d.variables) == ["a", "b", "c"]
    assert d.record.num_occurrences.sum() == 7


def test_repr_and_pickle(ss):
    text = repr(ss)
    assert text.endswith("['BINARY', 4 rows, 7 samples, 3 variables]")
    assert pickle.loads(pickle.dumps(ss)) == ss
