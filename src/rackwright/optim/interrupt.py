"""Ctrl-C and progress for a running HiGHS solve.

HiGHS runs in C++ and holds on to the process until it returns, so Python's own Ctrl-C handling
would wait for the whole solve. While a solve runs, ``SolveWatch`` replaces the SIGINT handler
with one that only raises a flag; HiGHS's interrupt callbacks (called every few simplex iterations
and branch-and-bound nodes) see the flag and ask HiGHS to stop, and ``SolveWatch`` then raises
``KeyboardInterrupt`` so the caller unwinds as from any Ctrl-C. The same callbacks report
progress (elapsed time, incumbent, bound, gap) to an optional function.

highspy itself is imported in ``solve`` only: the callback kinds are handed in from there.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rackwright.optim.options import ProgressCallback

Handler = Callable[[int, FrameType | None], Any] | int | None


class SolveWatch:
    """Context manager: Ctrl-C stops the HiGHS run inside it; progress goes to ``progress``."""

    def __init__(
        self,
        progress: ProgressCallback | None,
        every_s: float,
        kinds: Sequence[object],
        mip_kind: object,
        stop_at: float | None = None,
    ) -> None:
        self.progress = progress
        self.stop_at = stop_at  # a MIP stops once its incumbent costs at most this
        self.every_s = every_s
        self.kinds = tuple(kinds)
        self.mip_kind = mip_kind
        self.interrupted = False
        self._previous: Handler = None
        self._installed = False
        self._began = time.perf_counter()
        self._last = -math.inf

    def __enter__(self) -> SolveWatch:
        # signal handlers can only be set from the main thread; elsewhere Ctrl-C is not ours,
        # and a process told to ignore Ctrl-C (a background job) keeps ignoring it
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            if self._previous is not signal.SIG_IGN:
                signal.signal(signal.SIGINT, self._on_sigint)
                self._installed = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
        if self.interrupted and exc_type is None:
            raise KeyboardInterrupt

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        self.interrupted = True

    def run(self, highs: Any) -> None:
        """``highs.run()`` with the interrupt and progress callbacks attached."""
        highs.setCallback(self._callback, None)
        for kind in self.kinds:
            highs.startCallback(kind)
        try:
            if not self.interrupted:
                highs.run()
        finally:
            highs.setCallback(None, None)

    def _callback(
        self, kind: object, message: str, data_out: Any, data_in: Any, user_data: Any
    ) -> None:
        if self.interrupted and data_in is not None:
            data_in.user_interrupt = True
            return
        if (
            self.stop_at is not None
            and kind == self.mip_kind
            and data_in is not None
            and float(data_out.mip_primal_bound) <= self.stop_at
        ):
            data_in.user_interrupt = True
            return
        if self.progress is None or kind != self.mip_kind:
            return
        now = time.perf_counter()
        if now - self._last < self.every_s:
            return
        self._last = now
        from rackwright.optim.options import SolveProgress

        incumbent = float(data_out.mip_primal_bound)
        bound = float(data_out.mip_dual_bound)
        self.progress(
            SolveProgress(
                elapsed_s=now - self._began,
                incumbent=incumbent
                if math.isfinite(incumbent) and abs(incumbent) < 1e300
                else math.nan,
                bound=bound if math.isfinite(bound) and abs(bound) < 1e300 else -math.inf,
                gap=float(data_out.mip_gap),
                nodes=int(data_out.mip_node_count),
                phase="branch and bound",
            )
        )
