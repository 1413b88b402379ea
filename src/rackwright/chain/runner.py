"""Run the chain: order the stages from what they need, run each exactly once, keep the results.

``plan --only KEY`` runs that stage and what it needs, nothing more. The runner times every stage
and hands each one an ``Upstream`` holding exactly the results it declared.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, StageResult, Upstream
from rackwright.errors import InputError

AnyStage = Stage[Any]


@dataclass(frozen=True)
class ChainRun:
    """The typed results of one plan, in run order, with each stage's seconds."""

    order: tuple[str, ...]
    results: Mapping[str, StageResult]
    timings: Mapping[str, float]

    def result(self, stage: Stage[Any]) -> Any:
        """``stage``'s result (KeyError if it did not run)."""
        return self.results[stage.key]


def order_stages(stages: Sequence[AnyStage], only: Sequence[str] = ()) -> list[AnyStage]:
    """Stages in an order where each follows what it needs; ``only`` keeps those and their needs.

    Ties keep the registry's order (the report's order), so the run order is stable.
    """
    by_key = {s.key: s for s in stages}
    if len(by_key) != len(stages):
        raise ValueError("two stages share a key")
    for stage in stages:
        for need in stage.needs:
            if need not in by_key:
                raise ValueError(f"stage '{stage.key}' needs unknown stage '{need}'")
    wanted = _closure(by_key, only) if only else set(by_key)
    ordered: list[AnyStage] = []
    done: set[str] = set()
    pending = [s for s in stages if s.key in wanted]
    while pending:
        ready = [s for s in pending if all(n in done for n in s.needs)]
        if not ready:
            raise ValueError(f"stages depend on each other in a cycle: {[s.key for s in pending]}")
        first = ready[0]
        ordered.append(first)
        done.add(first.key)
        pending.remove(first)
    return ordered


def _closure(by_key: Mapping[str, AnyStage], only: Sequence[str]) -> set[str]:
    wanted: set[str] = set()
    todo = list(only)
    while todo:
        key = todo.pop()
        if key not in by_key:
            raise InputError(
                f"unknown stage; use one of {', '.join(by_key)}", field="--only", value=key
            )
        if key not in wanted:
            wanted.add(key)
            todo.extend(by_key[key].needs)
    return wanted


def run_chain(
    inputs: PlanInputs,
    stages: Sequence[AnyStage],
    *,
    only: Sequence[str] = (),
    on_start: Callable[[AnyStage], None] | None = None,
    on_done: Callable[[AnyStage, float], None] | None = None,
) -> ChainRun:
    """Run ``stages`` (or ``only`` those and what they need) once each, in dependency order."""
    ordered = order_stages(stages, only)
    results: dict[str, StageResult] = {}
    timings: dict[str, float] = {}
    for stage in ordered:
        if on_start is not None:
            on_start(stage)
        upstream = Upstream(stage.key, {k: results[k] for k in stage.needs})
        start = time.perf_counter()
        results[stage.key] = stage.run(inputs, upstream)
        timings[stage.key] = time.perf_counter() - start
        if on_done is not None:
            on_done(stage, timings[stage.key])
    return ChainRun(order=tuple(s.key for s in ordered), results=results, timings=timings)
