"""Independent replications of one simulation, in parallel through the explore executors.

Each replication is a picklable task (network, arrivals, run spec with its replication number);
its random streams depend only on the seed, the replication number and the station, so local
processes, threads and Ray return identical numbers for the same seed, in replication order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rackwright.explore.executors import Executor, LocalExecutor
from rackwright.factory.network import Arrivals, Network, check_network
from rackwright.factory.run_stats import RunSpec, RunStats


@dataclass(frozen=True)
class ReplicationTask:
    """One replication to run."""

    network: Network
    arrivals: tuple[Arrivals, ...]
    spec: RunSpec


def run_task(task: ReplicationTask) -> RunStats:
    """Run one replication (module-level so process pools and Ray can pickle it)."""
    from rackwright.factory.simulation import simulate

    return simulate(task.network, task.arrivals, task.spec)


def replication_tasks(
    network: Network, arrivals: Sequence[Arrivals], spec: RunSpec, replications: int
) -> list[ReplicationTask]:
    """``replications`` tasks numbered from ``spec.replication`` upwards."""
    return [
        ReplicationTask(
            network, tuple(arrivals), dataclasses.replace(spec, replication=spec.replication + r)
        )
        for r in range(replications)
    ]


def run_tasks(
    tasks: Sequence[ReplicationTask],
    executor: Executor | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[RunStats]:
    """Run every task on ``executor`` (sequentially when None), results in task order."""
    for task in {id(t.network): t for t in tasks}.values():
        check_network(task.network, task.arrivals)  # fail once, in the caller, not in a worker
    runner = executor if executor is not None else LocalExecutor()
    results: list[RunStats] = []
    for i, stats in enumerate(runner.map(run_task, list(tasks))):
        results.append(stats)
        if on_done is not None:
            on_done(i + 1)
    return results


def replicate(
    network: Network,
    arrivals: Sequence[Arrivals],
    spec: RunSpec,
    replications: int,
    executor: Executor | None = None,
) -> list[RunStats]:
    """``replications`` independent runs of ``network`` (replication numbers 0..R-1 + offset)."""
    return run_tasks(replication_tasks(network, arrivals, spec, replications), executor)
