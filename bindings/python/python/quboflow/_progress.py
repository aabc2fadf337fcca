"""Progress display for long runs: tqdm when installed, a plain one-line bar otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

Callback = Callable[[int, int, "float | None", str], None]


class _PlainBar:
    """A single line on stderr, redrawn at most 10 times a second."""

    def __init__(self, desc: str):
        self.desc = desc
        self.last = 0.0
        self.drawn = False

    def update(self, done: int, total: int, best: float | None, label: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        frac = done / total if total else 0.0
        width = 30
        fill = int(frac * width)
        best_s = "" if best is None else f" best energy {best:.6g}"
        sys.stderr.write(
            f"\r{label or self.desc:>14} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}{best_s}"
        )
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


class _TqdmBar:
    def __init__(self, tqdm: Any, desc: str):
        self.bar = tqdm(total=0, desc=desc, leave=False)

    def update(self, done: int, total: int, best: float | None, label: str) -> None:
        if self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        if label:
            self.bar.set_description(label, refresh=False)
        if best is not None:
            self.bar.set_postfix_str(f"best energy {best:.6g}", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


class Progress:
    """What ``progress=`` asks for: ``True`` (a bar), ``False``/``None`` (nothing), or a
    callable ``f(done, total, best_energy)`` of the user's."""

    def __init__(self, progress: Any, desc: str):
        self.bar: Any = None
        self.user: Callable[..., Any] | None = None
        if callable(progress):
            self.user = progress
        elif progress:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self.bar = _PlainBar(desc)
            else:
                self.bar = _TqdmBar(tqdm, desc)

    def callback(self) -> Callback | None:
        if self.bar is not None:
            return self.bar.update
        if self.user is not None:
            user = self.user
            return lambda done, total, best, label: user(done, total, best)
        return None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
