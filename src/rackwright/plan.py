"""``rackwright plan``: the chain's stages, their presenters, and one run of both.

The registry below lists every stage with the presenter that turns its result into a report
section, in report order (DESIGN.md's chain). The runner orders the stages by what they need and
runs each once; a later issue adds a stage here and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.chain import ChainRun, PlanInputs, Stage, run_chain
from rackwright.chain.load import InputRequest, load_inputs
from rackwright.report.section import PlanView, Presenter


@dataclass(frozen=True)
class PlanPart:
    """One stage of the plan and the presenter of its report section."""

    stage: Stage[Any]
    present: Presenter


def plan_parts() -> list[PlanPart]:
    """Every stage with its presenter, in report order.

    Imported here, not at module top, so a command that needs no plan loads no engine.
    """
    from rackwright.bom.stage import BOM
    from rackwright.explore.stage import WORKLOADS
    from rackwright.factory.stage import FACTORY
    from rackwright.rack.generations import GENERATIONS
    from rackwright.rack.stage import RACK
    from rackwright.report.sections import (
        bom,
        factory,
        generations,
        rack,
        risk,
        sourcing,
        workloads,
    )
    from rackwright.risk.stage import RISK
    from rackwright.sourcing.stage import SOURCING

    return [
        PlanPart(WORKLOADS, workloads.present),
        PlanPart(GENERATIONS, generations.present),
        PlanPart(RACK, rack.present),
        PlanPart(BOM, bom.present),
        PlanPart(SOURCING, sourcing.present),
        PlanPart(RISK, risk.present),
        PlanPart(FACTORY, factory.present),
    ]


@dataclass(frozen=True)
class PlanOutcome:
    """A finished plan: the chain's typed results and the report view built from them."""

    run: ChainRun
    view: PlanView


def run_plan(
    inputs: PlanInputs,
    *,
    parts: Sequence[PlanPart] | None = None,
    only: Sequence[str] = (),
    on_start: Callable[[Stage[Any]], None] | None = None,
    on_done: Callable[[Stage[Any], float], None] | None = None,
) -> PlanOutcome:
    """Run the stages (``only`` those and what they need), then present each in report order."""
    chosen = plan_parts() if parts is None else list(parts)
    run = run_chain(
        inputs, [p.stage for p in chosen], only=only, on_start=on_start, on_done=on_done
    )
    sections = tuple(p.present(inputs, run) for p in chosen if p.stage.key in run.results)
    return PlanOutcome(run, PlanView(inputs, sections, run.timings))


def prepare(request: InputRequest) -> PlanInputs:
    """Load and check every input of a plan (``chain.load.load_inputs``)."""
    return load_inputs(request)


__all__ = ["InputRequest", "PlanOutcome", "PlanPart", "plan_parts", "prepare", "run_plan"]
