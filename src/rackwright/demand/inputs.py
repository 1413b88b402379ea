"""Build the demand engine's typed inputs from a scenario, the work rates and the rack figures.

Start levels: a training workload runs ``tokens / deadline`` as a steady rate (its budget spread
over its deadline), an inference workload its daily output tokens; each times the scenario's
start multiple. Rack power is the rack analysis's typical power (sum of its components).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rackwright.demand.models import (
    CaseResult,
    DemandInputs,
    DemandResult,
    GenerationProfile,
    GrowthCase,
    MixRule,
    WorkloadStart,
)
from rackwright.demand.rates import WorkRate
from rackwright.errors import ScenarioError
from rackwright.scenario import BuildLot, DemandSpec, Scenario, TrainingWorkload

SECONDS_PER_DAY = 86400.0


def horizon_periods(scenario: Scenario) -> tuple[str, ...]:
    """Every quarter of the horizon, ``2026Q1`` ... ``2029Q4``."""
    return tuple(f"{y}Q{q}" for y in scenario.horizon.years() for q in range(1, 5))


def workload_starts(scenario: Scenario, spec: DemandSpec) -> tuple[WorkloadStart, ...]:
    """Each workload's demand at the horizon's first quarter, tokens per second."""
    starts: list[WorkloadStart] = []
    for w in scenario.workloads:
        if isinstance(w, TrainingWorkload):
            rate = w.tokens / (w.deadline_days * SECONDS_PER_DAY) * spec.training_start_multiple
            starts.append(WorkloadStart(w.id, "train", rate))
        else:
            rate = w.daily_output_tokens / SECONDS_PER_DAY * spec.inference_start_multiple
            starts.append(WorkloadStart(w.id, "infer", rate))
    return tuple(starts)


def generation_profiles(
    scenario: Scenario,
    rates: Sequence[WorkRate],
    gpus_per_rack: Mapping[str, int],
    power_typical_w: Mapping[str, float],
) -> tuple[GenerationProfile, ...]:
    """The scenario's generations with their size, power and rate per workload."""
    return tuple(
        GenerationProfile(
            rack=g.rack,
            first_year=g.first_year,
            gpus_per_rack=gpus_per_rack[g.rack],
            power_typical_w=power_typical_w[g.rack],
            rates=tuple((r.workload, r.tokens_per_s_per_gpu) for r in rates if r.rack == g.rack),
        )
        for g in scenario.generations
    )


def demand_inputs(
    scenario: Scenario,
    rates: Sequence[WorkRate],
    gpus_per_rack: Mapping[str, int],
    power_typical_w: Mapping[str, float],
    pue_ratio: float,
    file: str = "",
) -> DemandInputs:
    """The demand inputs of ``scenario``; ScenarioError when it has no [demand] block."""
    spec = scenario.demand
    if spec is None:
        raise ScenarioError(
            "the scenario has no [demand] block (see `rackwright scenario init`)",
            file=file or None,
            field="demand",
        )
    return DemandInputs(
        periods=horizon_periods(scenario),
        workloads=workload_starts(scenario, spec),
        generations=generation_profiles(scenario, rates, gpus_per_rack, power_typical_w),
        cases=tuple(
            GrowthCase(
                c.name, c.training_compute_growth_per_year, c.inference_tokens_growth_per_year
            )
            for c in spec.case
        ),
        mix=MixRule(spec.mix),
        ramp_quarters=spec.ramp_quarters,
        service_life_quarters=max(1, round(spec.service_life_years * 4)),
        pue_ratio=pue_ratio,
    )


def explicit_builds(scenario: Scenario) -> tuple[tuple[str, str, int], ...]:
    """The scenario's [[build]] lots as (rack, period, racks)."""
    return tuple((b.rack, b.period, b.racks) for b in scenario.builds)


def build_lots(case: CaseResult) -> tuple[BuildLot, ...]:
    """A case's builds as scenario ``[[build]]`` lots."""
    return tuple(BuildLot(rack=rack, period=period, racks=n) for rack, period, n in case.builds())


def plan_builds(scenario: Scenario, result: DemandResult | None) -> tuple[BuildLot, ...]:
    """The builds the factory and sourcing should plan: the explicit ``[[build]]`` lots, or with
    ``build = "from-demand"`` the build case's (``result`` is then required)."""
    if scenario.build == "explicit":
        return tuple(scenario.builds)
    if result is None:
        raise ScenarioError('build = "from-demand" needs the demand result', field="scenario.build")
    return build_lots(result.case(result.build_case))
