"""Where sweep tasks run: one small interface, an in-process executor, and a factory.

An executor maps a picklable function over tasks and yields the results in task order, so the
caller can show progress as they arrive and every executor gives the same answer. Ray lives in
``ray_executor`` and is imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor as Executor_
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from types import TracebackType
from typing import Protocol, Self, TypeVar

from rackwright.errors import InputError

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "ray")


class Executor(Protocol):
    """Runs ``fn`` on every task; results come back in task order."""

    name: str

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for each task, in order."""
        ...

    def close(self) -> None:
        """Release whatever the executor started."""
        ...


class ClosesOnExit:
    """``with executor:`` closes it on the way out, whatever happened inside."""

    def close(self) -> None:
        """Release whatever the executor started (nothing by default)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LocalExecutor(ClosesOnExit):
    """On this machine: sequentially, or on ``workers`` threads or processes.

    Threads share memory but hold the GIL between numpy calls, so on cache-sized blocks they gain
    little; processes (``processes=True``) scale with cores at the cost of pickling each task.
    """

    name = "local"

    def __init__(self, workers: int = 1, *, processes: bool = False) -> None:
        if workers < 1:
            raise InputError("workers must be at least 1", field="workers", value=workers)
        self.workers = workers
        self.processes = processes

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for each task, in order."""
        if self.workers == 1:
            for task in tasks:
                yield fn(task)
            return
        pool: Executor_ = (
            ProcessPoolExecutor(max_workers=self.workers)
            if self.processes
            else ThreadPoolExecutor(max_workers=self.workers)
        )
        with pool:
            yield from pool.map(fn, tasks)


def make_executor(name: str, *, workers: int = 1) -> Executor:
    """The executor called ``name`` (local: processes when ``workers`` > 1; or ray)."""
    if name == "local":
        return LocalExecutor(workers, processes=workers > 1)
    if name == "ray":
        from rackwright.explore.ray_executor import RayExecutor

        return RayExecutor(num_cpus=workers if workers > 1 else None)
    raise InputError(
        f"unknown executor; use one of {', '.join(EXECUTORS)}", field="executor", value=name
    )
