"""Demand: the lab's growing needs turned into GPUs, racks and MW per generation per quarter.

Public API (pure; the chain's demand stage calls these)::

    rates, problems = rates_from(workloads.training, workloads.inference)   # WorkloadsResult
    inputs = demand_inputs(scenario, rates, gpus_per_rack, power_typical_w, pue_ratio)
    result = project(inputs, explicit_builds(scenario), scenario.demand.build_case)
    result.case("base").builds()   # ((rack, period, racks), ...): the from-demand build plan
    result.case("base").generations / .workloads / .total(period, "power_mw")
    result.gap                     # BuildGap per quarter and rack: explicit vs from-demand
    plan_builds(scenario, result)  # the [[build]] lots downstream stages plan: explicit, or the
                                   # build case's when the scenario says build = "from-demand"

``rates`` come from the workloads stage's outcomes (training: the explore search's chosen
layout; inference: the best serving layout); ``gpus_per_rack`` and ``power_typical_w`` from the
rack stage's analyses.
"""

from rackwright.demand.fleet import build_gap, mix_shares, project, project_case
from rackwright.demand.inputs import (
    build_lots,
    demand_inputs,
    explicit_builds,
    generation_profiles,
    horizon_periods,
    plan_builds,
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
from rackwright.demand.rates import WorkRate, offer_rates, rates_from, serving_rate, training_rate

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
    "build_lots",
    "demand_inputs",
    "explicit_builds",
    "generation_profiles",
    "horizon_periods",
    "mix_shares",
    "offer_rates",
    "plan_builds",
    "project",
    "project_case",
    "rates_from",
    "serving_rate",
    "training_rate",
    "workload_starts",
]
