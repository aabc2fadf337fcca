"""QAOA on IonQ (through the loopback emulator the CLI serves) and on a noise model, from
Python: the sampler's keywords reach the registry, energies are recomputed, the report has
the backend columns, and typed errors come back for bad backends."""

from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pytest

import quboflow as qf


@pytest.fixture(scope="module")
def emulator(cli):
    proc = subprocess.Popen([cli, "ionq-emulator", "--idle-timeout", "120"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    yield url
    proc.kill()
    proc.wait()


def triangle() -> qf.Qubo:
    return qf.Qubo({(0, 0): -1.0, (1, 1): -1.0, (2, 2): -1.0, (0, 1): 2.0, (1, 2): 2.0, (0, 2): 2.0})


def test_qaoa_on_the_ionq_simulator_matches_the_local_run(emulator):
    q = triangle()
    # At the same angles the ideal simulator's ⟨C⟩ is the engine's.
    kw = dict(angles=[-0.6, 0.39], shots=300, seed=4)
    remote = qf.QAOASampler().sample(q, backend="ionq:simulator", ionq_url=emulator, poll_interval=0.01, **kw)
    local = qf.QAOASampler().sample(q, **kw)
    assert abs(remote.info["extra"]["expectation"] - local.info["extra"]["expectation"]) < 1e-9
    # An optimisation: one job per COBYLA evaluation plus the final sampling.
    remote = qf.QAOASampler().sample(q, backend="ionq:simulator", ionq_url=emulator, poll_interval=0.01,
                                     max_evals=12, shots=300, seed=4)
    assert remote.record.energy.tolist() == [q.energy(s) for s in remote.record.sample.tolist()]
    assert remote.first.energy == -1.0
    usage = remote.info["extra"]["backend_usage"]
    assert usage["backend"] == "ionq:simulator" and usage["jobs"] == remote.info["extra"]["evaluations"] + 1


def test_noise_backend_reports_a_standard_error():
    ss = qf.QAOASampler().sample(triangle(), backend="noise:aria-1", trajectories=16, max_evals=6, shots=200, seed=1)
    assert ss.info["extra"]["expectation_std_error"] > 0
    assert int(np.sum(ss.record.num_occurrences)) == 200
    assert "probability" not in ss.record.dtype.names


def test_compare_puts_remote_runs_beside_local_ones(emulator):
    report = qf.compare(
        triangle(),
        solvers=[("qaoa@ionq", "qaoa", {"backend": "ionq:simulator", "ionq_url": emulator, "max_evals": 5, "poll_interval": 0.01}),
                 "qaoa@noise:aria-1", "sa"],
        repeats=2,
        seed=3,
    )
    df = report.to_pandas()
    assert list(df.index) == ["qaoa@ionq", "qaoa@noise:aria-1", "sa"]
    assert df.loc["qaoa@ionq", "backend"] == "ionq:simulator"
    assert df.loc["qaoa@ionq", "jobs"] == 2 * 6
    assert df.loc["qaoa@ionq", "cost_usd"] == 0.0
    assert df.loc["qaoa@noise:aria-1", "backend"] == "noise:aria-1"
    assert pd.isna(df.loc["sa", "backend"])


def test_bad_backends_are_typed_errors(monkeypatch):
    monkeypatch.delenv("IONQ_API_KEY", raising=False)
    with pytest.raises(ValueError, match="unknown backend"):
        qf.QAOASampler().sample(triangle(), backend="quantum")
    with pytest.raises(ValueError, match="IONQ_API_KEY"):
        qf.QAOASampler().sample(triangle(), backend="ionq:simulator")
    with pytest.raises(ValueError, match="applies to backend ionq"):
        qf.QAOASampler().sample(triangle(), ionq_url="http://127.0.0.1:9/v0.4")
    with pytest.raises(ValueError, match="only qaoa runs on a backend"):
        qf.compare(triangle(), solvers=["sa@ionq"])
