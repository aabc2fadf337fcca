"""Ray as a ``concurrent.futures.Executor``, for :func:`quboflow.run_suite`::

    import ray, quboflow
    ray.init(num_cpus=8)
    df = quboflow.run_suite("suite.toml", executor=quboflow.ray.RayExecutor())

Each submitted call becomes one Ray task; Ray is imported only when an executor is made.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

T = TypeVar("T")


class RayExecutor(Executor):
    """Runs each ``submit(fn, *args)`` as a Ray task on the current Ray cluster (started
    with ``ray.init()`` first, or by the first task with Ray's defaults).

    Args:
        **remote_options: options for ``ray.remote`` (e.g. ``num_cpus=1``, the default,
            ``max_retries``).
    """

    def __init__(self, **remote_options: Any):
        import ray  # noqa: F401  (fail here, not at the first submit, when Ray is missing)

        self._options = {"num_cpus": 1, **remote_options}
        self._remote: dict[Any, Any] = {}
        self._shutdown = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._shutdown:
            raise RuntimeError("cannot submit after shutdown")
        import ray

        task = self._remote.get(fn)
        if task is None:
            task = ray.remote(**self._options)(fn)
            self._remote[fn] = task
        future: Future[T] = task.remote(*args, **kwargs).future()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stops accepting tasks; Ray itself keeps running (``ray.shutdown()`` ends it)."""
        self._shutdown = True
