"""The samplers as dimod samplers: dimod's own conformance helpers pass on every one."""

from __future__ import annotations

import pickle
import unittest

import pytest

dimod = pytest.importorskip("dimod")
from dimod.testing import assert_sampler_api, assert_sampleset_energies, load_sampler_bqm_tests  # noqa: E402

import quboflow.dimod as qd  # noqa: E402

ALL = [qd.ExactSolver, qd.SteepestDescentSolver, qd.SimulatedAnnealingSampler, qd.TabuSampler,
       qd.ParallelTemperingSampler, qd.QAOASampler, qd.HybridSampler]


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_sampler_api(cls):
    sampler = cls()
    assert_sampler_api(sampler)
    bqm = dimod.generators.gnp_random_bqm(6, 0.5, "SPIN", random_state=1)
    ss = sampler.sample(bqm, seed=3)
    assert isinstance(ss, dimod.SampleSet)
    assert_sampleset_energies(ss, bqm)
    assert pickle.loads(pickle.dumps(sampler)).parameters == sampler.parameters


def test_inside_dimod_composites():
    bqm = dimod.generators.gnp_random_bqm(40, 0.5, "SPIN", random_state=2)
    # Few sweeps: the reads differ, so truncation has something to cut.
    ss = dimod.TruncateComposite(qd.SimulatedAnnealingSampler(), 2).sample(bqm, num_reads=10, num_sweeps=5, seed=1)
    assert len(ss) == 2
    assert_sampleset_energies(ss, bqm)
    # (dimod's other reference composites moved to dwave-preprocessing.)
    tracked = dimod.TrackingComposite(qd.ExactSolver())
    tracked.sample(dimod.generators.gnp_random_bqm(4, 1.0, "SPIN", random_state=3))
    assert len(tracked.output) == 16


# dimod's generated tests (empty, one-variable, path models; three BQM classes; odd labels).
for _cls in ALL:
    @load_sampler_bqm_tests(_cls)
    class _Generated(unittest.TestCase):
        pass

    _Generated.__name__ = _Generated.__qualname__ = f"TestDimod{_cls.__name__}"
    globals()[_Generated.__name__] = _Generated
del _Generated
