"""Side-by-side comparisons of quboflow's classical solvers with dwave-samplers.

Every comparison gives both solvers the identical model (quboflow's COO export, loaded by
dimod), the same settings and seeds, and scores every returned sample with this file's own
evaluator on the original instance file (cut weight for Gset, maximised value for Beasley
bqp) -- neither solver's reported energies are trusted. Run through ``run.sh``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dimod
import dimod.serialization.coo
import numpy as np
from dwave.samplers import SimulatedAnnealingSampler, TabuSampler

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("QUBOFLOW_BIN", str(ROOT / "target" / "release" / "quboflow"))


def data_dir() -> Path:
    env = os.environ.get("QUBOFLOW_DATA")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    sys.exit("shared/data not found; set QUBOFLOW_DATA")


# ----------------------------------------------------------------------------- instances


class Instance:
    """An instance file with an independent evaluator of its native objective."""

    def __init__(self, path: Path):
        self.path = path
        self.kind = "bqp" if path.name.startswith("bqp") else "gset"
        lines = path.read_text().split("\n")
        self.n = int(lines[0].split()[0])
        rows = [ln.split() for ln in lines[1:] if ln.strip()]
        self.i = np.array([int(r[0]) - 1 for r in rows])
        self.j = np.array([int(r[1]) - 1 for r in rows])
        self.w = np.array([float(r[2]) for r in rows])
        self._bqm = None

    def objective(self, x) -> float:
        """Cut weight (Gset) or maximised value (bqp), straight from the file's entries."""
        x = np.asarray(x, dtype=np.int64)
        if self.kind == "gset":
            return float(np.sum(self.w * (x[self.i] != x[self.j])))
        mult = np.where(self.i == self.j, 1.0, 2.0)
        return float(np.sum(mult * self.w * x[self.i] * x[self.j]))

    def bqm(self) -> dimod.BinaryQuadraticModel:
        """The minimisation QUBO exactly as quboflow builds it (via its COO export)."""
        if self._bqm is None:
            with tempfile.TemporaryDirectory() as d:
                coo = Path(d) / "model.coo"
                subprocess.run([BIN, "convert", str(self.path), str(coo), "-q"], check=True)
                with open(coo) as f:
                    self._bqm = dimod.serialization.coo.load(f, vartype="BINARY")
            # Variables with no term are absent from COO; add them so every index exists.
            self._bqm.add_variables_from({v: 0.0 for v in range(self.n)})
        return self._bqm


def gset_best_known() -> dict[str, float]:
    with open(data_dir() / "gset" / "best_known.csv") as f:
        return {r["instance"]: float(r["best_known_cut"]) for r in csv.DictReader(f)}


def bqp_best_known() -> dict[str, float]:
    with open(data_dir() / "bqp" / "best_known.csv") as f:
        return {r["file"]: float(r["best_known_max"]) for r in csv.DictReader(f)}


def dwave_samples(ss: dimod.SampleSet, n: int) -> list[list[int]]:
    """Per-read samples in variable order 0..n-1 (one row per read, occurrences expanded)."""
    order = list(range(n))
    rows = []
    for rec in ss.data(fields=["sample", "num_occurrences"]):
        x = [int(rec.sample[v]) for v in order]
        rows.extend([x] * int(rec.num_occurrences))
    return rows


def quboflow(args: list[str], threads: int) -> dict:
    """Runs `quboflow solve` and returns its JSON document with every sample."""
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "run.json"
        subprocess.run(
            [BIN, "--threads", str(threads), "solve", *args, "-o", str(out), "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(out.read_text())


def quboflow_samples(doc: dict) -> list[list[int]]:
    rows = []
    for s in doc["sampleset"]["samples"]:
        x = [int(c) for c in s["sample"]]
        rows.extend([x] * int(s["num_occurrences"]))
    return rows


def header(title: str) -> None:
    print(f"== {title}")
    print(
        f"   machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()},"
        f" dimod {dimod.__version__}, quboflow {subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}"
    )


# ----------------------------------------------------------------------------- comparisons


def sa_throughput(a) -> None:
    inst = Instance(data_dir() / "gset" / f"{a.instance}.txt")
    header(f"SA throughput on {a.instance}: {a.reads} reads x {a.sweeps} sweeps, default beta range, geometric")
    bqm = inst.bqm()
    attempts = inst.n * a.sweeps * a.reads
    sampler = SimulatedAnnealingSampler()
    sampler.sample(bqm, num_reads=1, num_sweeps=10, seed=1)  # warm-up
    peer = []
    for r in range(a.repeats):
        ss = sampler.sample(bqm, num_reads=a.reads, num_sweeps=a.sweeps, seed=1 + r, beta_schedule_type="geometric")
        peer.append(ss.info["timing"]["sampling_ns"] * 1e-9)
    peer_rate = attempts / min(peer)
    print(f"   dwave-samplers SimulatedAnnealingSampler (1 thread): {peer_rate / 1e6:8.2f} M attempts/s"
          f"  (best of {a.repeats}: {min(peer) * 1e3:.1f} ms sampling)")
    # quboflow runs in-process too (benches/src/bin/sa_throughput.rs): warm thread pool,
    # best sampling time of the same number of repeats, seeds 1..repeats.
    tool = os.environ.get("QUBOFLOW_SA_THROUGHPUT", str(ROOT / "target" / "release" / "sa_throughput"))
    for threads in (1, 2):
        out = subprocess.run([tool, str(inst.path), str(a.reads), str(a.sweeps), str(threads), str(a.repeats)],
                             check=True, capture_output=True, text=True).stdout
        doc = json.loads(out)
        assert doc["attempts"] == attempts
        rate = doc["attempts_per_s"]
        print(f"   quboflow sa ({threads} thread{'s' if threads > 1 else ''}):                   {rate / 1e6:8.2f} M attempts/s"
              f"  (best of {a.repeats}: {doc['best_sampling_s'] * 1e3:.1f} ms)   ratio {rate / peer_rate:.2f}x")


def sa_quality(a) -> None:
    inst = Instance(data_dir() / "gset" / f"{a.instance}.txt")
    header(f"SA quality on {a.instance}: {a.reads} reads x {a.sweeps} sweeps, same seeds")
    ss = SimulatedAnnealingSampler().sample(inst.bqm(), num_reads=a.reads, num_sweeps=a.sweeps, seed=1)
    peer = [inst.objective(x) for x in dwave_samples(ss, inst.n)]
    doc = quboflow([str(inst.path), "--solver", "sa", "--num-reads", str(a.reads),
                    "--num-sweeps", str(a.sweeps), "--seed", "1"], 2)
    ours = [inst.objective(x) for x in quboflow_samples(doc)]
    assert len(ours) == len(peer) == a.reads
    print(f"   dwave-samplers (final state per read): mean cut {np.mean(peer):.2f}, best {max(peer):.0f}")
    print(f"   quboflow sa (best state per read):      mean cut {np.mean(ours):.2f}, best {max(ours):.0f}"
          f"   difference {np.mean(ours) - np.mean(peer):+.2f}")


def tabu_bqp(a) -> None:
    best = bqp_best_known()
    header(f"tabu on bqp{','.join(a.sizes)}: {a.time} s per instance, 1 thread, seed 1")
    reached = total = 0
    for size in a.sizes:
        for k in range(1, 11):
            name = f"bqp{size}_{k}.txt"
            inst = Instance(data_dir() / "bqp" / name)
            doc = quboflow([str(inst.path), "--solver", "tabu", "--time-limit", str(a.time), "--seed", "1"], 1)
            got = inst.objective(doc["best"]["sample"])
            ok = got >= best[name]
            reached += ok
            total += 1
            note = "" if got <= best[name] else "  (above the CSV's best-known: check the CSV)"
            print(f"   {name:16s} best-known {best[name]:>9.0f}  quboflow {got:>9.0f}  "
                  f"{'reached' if ok else 'gap %.3f %%' % (100 * (best[name] - got) / best[name])}"
                  f"  {doc['timing']['total_s']:.3f} s{note}")
    print(f"   reached best-known on {reached}/{total}")


def gset_gap(a, solver: str) -> None:
    best = gset_best_known()
    header(f"{solver} on {','.join(a.graphs)}: {a.time} s each, seeds 1..{a.seeds}, quboflow on {a.threads} thread(s)")
    ours_gaps, peer_gaps = [], []
    for g in a.graphs:
        inst = Instance(data_dir() / "gset" / f"{g}.txt")
        for seed in range(1, a.seeds + 1):
            if solver == "tabu":
                args = ["--solver", "tabu", "--time-limit", str(a.time), "--num-reads", str(a.reads)]
            else:
                args = ["--solver", "pt", "--num-sweeps", "100000000", "--time-limit", str(a.time)]
            doc = quboflow([str(inst.path), *args, "--seed", str(seed)], a.threads)
            ours = inst.objective(doc["best"]["sample"])
            gap = 100 * (best[g] - ours) / best[g]
            ours_gaps.append(gap)
            line = f"   {g:4s} seed {seed}  best-known {best[g]:>6.0f}  quboflow {ours:>6.0f} (gap {gap:.3f} %)"
            if solver == "tabu" and a.peer:
                t0 = time.perf_counter()
                ss = TabuSampler().sample(inst.bqm(), timeout=int(a.time * 1000), num_reads=1, seed=seed)
                wall = time.perf_counter() - t0
                theirs = inst.objective(dwave_samples(ss, inst.n)[0])
                pgap = 100 * (best[g] - theirs) / best[g]
                peer_gaps.append(pgap)
                line += f"  TabuSampler {theirs:>6.0f} (gap {pgap:.3f} %, {wall:.1f} s)"
            print(line)
    print(f"   mean gap: quboflow {np.mean(ours_gaps):.4f} %", end="")
    if peer_gaps:
        ratio = np.mean(ours_gaps) / np.mean(peer_gaps) if np.mean(peer_gaps) > 0 else float("nan")
        print(f", TabuSampler {np.mean(peer_gaps):.4f} %, ratio {ratio:.2f} (target <= 0.5)")
    else:
        print()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sa-throughput")
    s.add_argument("--instance", default="G1")
    s.add_argument("--reads", type=int, default=10)
    s.add_argument("--sweeps", type=int, default=1000)
    s.add_argument("--repeats", type=int, default=5)
    s = sub.add_parser("sa-quality")
    s.add_argument("--instance", default="G1")
    s.add_argument("--reads", type=int, default=100)
    s.add_argument("--sweeps", type=int, default=1000)
    s = sub.add_parser("tabu-bqp")
    s.add_argument("--sizes", type=lambda v: v.split(","), default=["50", "100", "250", "500"])
    s.add_argument("--time", type=float, default=1.0)
    s = sub.add_parser("tabu-bqp1000")
    s.add_argument("--time", type=float, default=10.0)
    for name, graphs, peer in (("tabu-gset", "G1,G2,G3,G4,G5,G6,G7,G8,G9,G10,G43,G44,G45,G46,G47", True),
                               ("pt-gset", "G1,G2,G3,G4,G5", False)):
        s = sub.add_parser(name)
        s.add_argument("--graphs", type=lambda v: v.split(","), default=graphs.split(","))
        s.add_argument("--time", type=float, default=10.0)
        s.add_argument("--seeds", type=int, default=1)
        s.add_argument("--threads", type=int, default=1)
        s.add_argument("--reads", type=int, default=1, help="tabu reads (one per thread is natural)")
        s.add_argument("--no-peer", dest="peer", action="store_false")
    a = p.parse_args()
    if a.cmd == "sa-throughput":
        sa_throughput(a)
    elif a.cmd == "sa-quality":
        sa_quality(a)
    elif a.cmd == "tabu-bqp":
        tabu_bqp(a)
    elif a.cmd == "tabu-bqp1000":
        a.sizes = ["1000"]
        tabu_bqp(a)
    elif a.cmd == "tabu-gset":
        gset_gap(a, "tabu")
    else:
        gset_gap(a, "pt")


if __name__ == "__main__":
    main()
