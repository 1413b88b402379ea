"""Demand: the lab's growing needs turned into GPUs, racks and MW per generation per quarter.

Public API (pure; the chain's demand stage calls these)::

    rates, problems = scenario_rates(scenario, catalog)      # -> tuple[WorkRate, ...], reasons
    inputs = demand_inputs(scenario, rates, gpus_per_rack, power_typical_w, pue_ratio)
    result = project(inputs, explicit_builds(scenario), scenario.demand.build_case)
    result.case("base").builds()   # ((rack, period, racks), ...): the from-demand build plan
    result.case("base").generations / .workloads / .total(period, "power_mw")
    result.gap                     # BuildGap per quarter and rack: explicit vs from-demand

``rates`` (training: the explore search's chosen layout; inference: the best serving layout) are
what the chain's workloads stage will hand over; ``gpus_per_rack`` and ``power_typical_w`` come
from the rack analysis.
"""

from rackwright.demand.fleet import build_gap, mix_shares, project, project_case
from rackwright.demand.inputs import (
    demand_inputs,
    explicit_builds,
    generation_profiles,
    horizon_periods,
    workload_starts,
)
from rackwright.demand.models import (
    BuildGap,
    CaseResult,
    DemandInputs,
    DemandResult,
    GenerationProfile,
    GenerationQuarter,
    GrowthCase,
    MixRule,
    WorkloadQuarter,
    WorkloadStart,
)
from rackwright.demand.rates import WorkRate, scenario_rates, serving_rate, training_rate

__all__ = [
    "BuildGap",
    "CaseResult",
    "DemandInputs",
    "DemandResult",
    "GenerationProfile",
    "GenerationQuarter",
    "GrowthCase",
    "MixRule",
    "WorkRate",
    "WorkloadQuarter",
    "WorkloadStart",
    "build_gap",
    "demand_inputs",
    "explicit_builds",
    "generation_profiles",
    "horizon_periods",
    "mix_shares",
    "project",
    "project_case",
    "scenario_rates",
    "serving_rate",
    "training_rate",
    "workload_starts",
]
