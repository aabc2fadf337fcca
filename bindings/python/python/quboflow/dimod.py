"""quboflow's samplers as ``dimod.Sampler`` subclasses (needs dimod; imported only here).

Each class here is usable wherever dimod takes a sampler (composites, ``dimod.testing``):
``sample`` accepts any dimod BQM and returns a ``dimod.SampleSet``.

Example:
    >>> from quboflow.dimod import SimulatedAnnealingSampler   # doctest: +SKIP
    >>> dimod.TruncateComposite(SimulatedAnnealingSampler(), 2).sample(bqm)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import dimod

from . import _samplers

__all__ = [
    "ExactSolver",
    "SteepestDescentSolver",
    "SimulatedAnnealingSampler",
    "TabuSampler",
    "ParallelTemperingSampler",
    "QAOASampler",
]


def _make(base: type[_samplers.Sampler]) -> type:
    class Wrapped(dimod.Sampler):
        __doc__ = base.__doc__

        def __init__(self) -> None:
            self._inner = base()

        @property
        def parameters(self) -> dict[str, list[str]]:
            return self._inner.parameters

        @property
        def properties(self) -> dict[str, Any]:
            return self._inner.properties

        def sample(self, bqm: Any, **parameters: Any) -> Any:
            return self._inner.sample(bqm, **parameters).to_dimod()

        def __reduce__(self) -> tuple[Any, ...]:
            return (globals()[base.__name__], ())

    Wrapped.__name__ = Wrapped.__qualname__ = base.__name__
    Wrapped.__module__ = __name__
    return Wrapped


ExactSolver = _make(_samplers.ExactSolver)
SteepestDescentSolver = _make(_samplers.SteepestDescentSolver)
SimulatedAnnealingSampler = _make(_samplers.SimulatedAnnealingSampler)
TabuSampler = _make(_samplers.TabuSampler)
ParallelTemperingSampler = _make(_samplers.ParallelTemperingSampler)
QAOASampler = _make(_samplers.QAOASampler)
