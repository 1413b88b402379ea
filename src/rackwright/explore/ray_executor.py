"""Sweep tasks on a Ray cluster. The only module that imports Ray, and only when used."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any, TypeVar

from rackwright.errors import InputError
from rackwright.explore.executors import ClosesOnExit

T = TypeVar("T")
R = TypeVar("R")


def import_ray() -> ModuleType:
    """The ``ray`` module, or a one-line InputError saying how to get it."""
    try:
        import ray
    except ImportError:
        raise InputError(
            "the ray executor needs Ray, which is not installed: "
            "pip install 'rackwright[ray]', or use --executor local",
            field="executor",
            value="ray",
        ) from None
    return ray


class RayExecutor(ClosesOnExit):
    """Runs each task as a Ray task on the connected cluster (or a local one it starts).

    If Ray is not yet initialised this executor starts it (``address`` None: a local cluster
    with ``num_cpus`` CPUs, no dashboard) and shuts it down on ``close``; a cluster the caller
    started is left running.
    """

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self._ray = import_ray()
        self._owns_cluster = False
        if not self._ray.is_initialized():
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.ERROR,  # keep Ray's start-up chatter off the CLI
            }
            if address is not None:
                kwargs["address"] = address
            elif num_cpus is not None:
                kwargs["num_cpus"] = num_cpus
            self._ray.init(**kwargs)
            self._owns_cluster = True

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Submit every task at once; yield results in task order as they complete."""
        remote = self._ray.remote(fn)
        refs = [remote.remote(task) for task in tasks]
        for ref in refs:
            result: R = self._ray.get(ref)
            yield result

    def close(self) -> None:
        """Shut down the cluster if this executor started it."""
        if self._owns_cluster and self._ray.is_initialized():
            self._ray.shutdown()
        self._owns_cluster = False
