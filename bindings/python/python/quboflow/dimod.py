"""quboflow's samplers as ``dimod.Sampler`` subclasses (needs dimod; imported only here).

Each class here is usable wherever dimod takes a sampler (composites, ``dimod.testing``):
``sample`` accepts any dimod BQM and returns a ``dimod.SampleSet``.

Example:
    >>> from quboflow.dimod import SimulatedAnnealingSampler   # doctest: +SKIP
    >>> dimod.TruncateComposite(SimulatedAnnealingSampler(), 2).sample(bqm)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, ClassVar

import dimod

from . import _samplers

__all__ = [
    "ExactSolver",
    "SteepestDescentSolver",
    "SimulatedAnnealingSampler",
    "TabuSampler",
    "ParallelTemperingSampler",
    "QAOASampler",
    "HybridSampler",
]


class _DimodSampler(dimod.Sampler):
    """A quboflow sampler behind dimod's ``Sampler`` interface."""

    _base: ClassVar[type[_samplers.Sampler]]

    def __init__(self) -> None:
        self._inner = self._base()

    @property
    def parameters(self) -> dict[str, list[str]]:
        return self._inner.parameters

    @property
    def properties(self) -> dict[str, Any]:
        return self._inner.properties

    def sample(self, bqm: Any, **parameters: Any) -> Any:
        """Samples a dimod BQM (or anything quboflow's samplers take); a ``dimod.SampleSet``."""
        return self._inner.sample(bqm, **parameters).to_dimod()

    def __repr__(self) -> str:
        return f"quboflow.dimod.{type(self).__name__}()"


class ExactSolver(_DimodSampler):
    __doc__ = _samplers.ExactSolver.__doc__
    _base = _samplers.ExactSolver


class SteepestDescentSolver(_DimodSampler):
    __doc__ = _samplers.SteepestDescentSolver.__doc__
    _base = _samplers.SteepestDescentSolver


class SimulatedAnnealingSampler(_DimodSampler):
    __doc__ = _samplers.SimulatedAnnealingSampler.__doc__
    _base = _samplers.SimulatedAnnealingSampler


class TabuSampler(_DimodSampler):
    __doc__ = _samplers.TabuSampler.__doc__
    _base = _samplers.TabuSampler


class ParallelTemperingSampler(_DimodSampler):
    __doc__ = _samplers.ParallelTemperingSampler.__doc__
    _base = _samplers.ParallelTemperingSampler


class QAOASampler(_DimodSampler):
    __doc__ = _samplers.QAOASampler.__doc__
    _base = _samplers.QAOASampler


class HybridSampler(_DimodSampler):
    __doc__ = _samplers.HybridSampler.__doc__
    _base = _samplers.HybridSampler
