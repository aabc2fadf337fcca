"""The exceptions quboflow raises.

Each class also subclasses the matching built-in, so ``except ValueError`` keeps working;
messages name the offending values (and files, with ``path:line:col``).
"""

from __future__ import annotations

__all__ = [
    "QuboflowError",
    "ParseError",
    "ModelError",
    "MemoryLimitError",
    "InfeasibleError",
    "BackendError",
    "JobFailedError",
    "AuthenticationError",
    "QuboflowTimeoutError",
    "UnknownParameterWarning",
]


class QuboflowError(Exception):
    """Base of every quboflow error."""


class ParseError(QuboflowError, ValueError):
    """A malformed file; the message carries ``path:line:col``."""


class ModelError(QuboflowError, ValueError):
    """An invalid model, instance or parameter; the message names the offending value."""


class MemoryLimitError(QuboflowError, MemoryError):
    """A request larger than the memory allowed, refused before allocating."""


class InfeasibleError(QuboflowError):
    """A feasible solution was asked for and none exists."""


class BackendError(QuboflowError, RuntimeError):
    """A remote QPU or transport problem."""


class JobFailedError(BackendError):
    """A remote job failed; ``code`` and ``job_id`` say which and why."""

    def __init__(self, message: str, code: str | None = None, job_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.job_id = job_id


class AuthenticationError(BackendError, PermissionError):
    """The remote service refused the credentials (401/403)."""


class QuboflowTimeoutError(QuboflowError, TimeoutError):
    """A deadline passed before any result existed."""


class UnknownParameterWarning(UserWarning):
    """A keyword argument the sampler does not take (it is ignored, never silently)."""
