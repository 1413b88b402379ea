"""Demand -> racks: a fleet per workload that grows to meet demand quarter by quarter.

Each quarter of each case, for each workload: demand = start x (1 + growth)**(quarters / 4)
tokens/s; racks older than the service life retire; the installed racks' capacity (racks x
tokens/s per GPU x GPUs per rack, from the performance model) is compared with demand, and the
shortfall is built on the generations available that quarter (a generation is available from
Q1 of its first year and only for workloads it can run) split by the mix rule, each share
rounded up to whole racks. Surplus capacity is kept (racks are not scrapped early). GPUs are
racks x GPUs per rack; MW is racks x typical rack power x PUE.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

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
from rackwright.errors import InputError

REL_TOLERANCE = 1e-9


@dataclass
class _Cohort:
    rack: str
    built: int  # quarter index
    racks: int


def _year(period: str) -> int:
    return int(period[:4])


def _first_index(gen: GenerationProfile, periods: Sequence[str]) -> int:
    """Index of the generation's first quarter (its first year's Q1) in ``periods``."""
    for index, period in enumerate(periods):
        if _year(period) >= gen.first_year:
            return index
    return len(periods)


def mix_shares(
    available: Sequence[GenerationProfile],
    quarter: int,
    first: dict[str, int],
    rule: MixRule,
    ramp_quarters: int,
) -> list[tuple[GenerationProfile, float]]:
    """Share of the new racks' work per generation, newest last in ``available``."""
    newest = available[-1]
    if rule is MixRule.NEWEST or len(available) == 1:
        return [(newest, 1.0)]
    share = min(1.0, (quarter - first[newest.rack] + 1) / ramp_quarters)
    if share >= 1.0:
        return [(newest, 1.0)]
    return [(available[-2], 1.0 - share), (newest, share)]


def _grow_pool(
    inputs: DemandInputs,
    case: GrowthCase,
    workload: WorkloadStart,
    first: dict[str, int],
) -> tuple[list[dict[str, tuple[int, int, int]]], list[WorkloadQuarter]]:
    """Per quarter: {rack: (installed, built, retired)} for one workload, and its demand rows."""
    gens = sorted(
        (g for g in inputs.generations if g.rack_rate(workload.workload)),
        key=lambda g: (first[g.rack], g.rack),
    )
    cohorts: list[_Cohort] = []
    per_quarter: list[dict[str, tuple[int, int, int]]] = []
    rows: list[WorkloadQuarter] = []
    for q, period in enumerate(inputs.periods):
        retired = [c for c in cohorts if q - c.built >= inputs.service_life_quarters]
        cohorts = [c for c in cohorts if q - c.built < inputs.service_life_quarters]
        demand = workload.start_tokens_per_s * case.factor(workload.kind, q)
        capacity = _capacity(cohorts, gens, workload.workload)
        shortfall = _short(demand, capacity)
        available = [g for g in gens if first[g.rack] <= q]
        built: dict[str, int] = {}
        if shortfall > 0 and available:
            for gen, share in mix_shares(available, q, first, inputs.mix, inputs.ramp_quarters):
                rate = gen.rack_rate(workload.workload) or 0.0
                # a hair below the exact count so float noise (3.0000000000000004) adds no rack
                racks = math.ceil(share * shortfall / rate * (1.0 - 1e-12))
                if racks > 0:
                    built[gen.rack] = racks
                    cohorts.append(_Cohort(gen.rack, q, racks))
        capacity = _capacity(cohorts, gens, workload.workload)
        per_quarter.append(_quarter_counts(cohorts, built, retired))
        rows.append(
            WorkloadQuarter(
                period=period,
                workload=workload.workload,
                kind=workload.kind,
                demand_tokens_per_s=demand,
                capacity_tokens_per_s=capacity,
                unmet_tokens_per_s=_short(demand, capacity),
            )
        )
    return per_quarter, rows


def _short(demand: float, capacity: float) -> float:
    """Demand the capacity misses; a shortfall within rounding (1e-9 of demand) is none."""
    gap = demand - capacity
    return gap if gap > REL_TOLERANCE * demand else 0.0


def _capacity(
    cohorts: Iterable[_Cohort], gens: Sequence[GenerationProfile], workload: str
) -> float:
    rate = {g.rack: g.rack_rate(workload) or 0.0 for g in gens}
    return sum(c.racks * rate[c.rack] for c in cohorts)


def _quarter_counts(
    cohorts: Sequence[_Cohort], built: dict[str, int], retired: Sequence[_Cohort]
) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, tuple[int, int, int]] = {}
    for rack in {c.rack for c in (*cohorts, *retired)}:
        installed = sum(c.racks for c in cohorts if c.rack == rack)
        gone = sum(c.racks for c in retired if c.rack == rack)
        counts[rack] = (installed, built.get(rack, 0), gone)
    return counts


def project_case(inputs: DemandInputs, case: GrowthCase) -> CaseResult:
    """One case's racks, GPUs and MW per generation per quarter."""
    first = {g.rack: _first_index(g, inputs.periods) for g in inputs.generations}
    pools = {w.workload: _grow_pool(inputs, case, w, first) for w in inputs.workloads}
    rows: list[GenerationQuarter] = []
    for q, period in enumerate(inputs.periods):
        for gen in inputs.generations:
            by_workload = tuple(
                (w, pool[0][q].get(gen.rack, (0, 0, 0))) for w, pool in pools.items()
            )
            installed = sum(n[0] for _, n in by_workload)
            rows.append(
                GenerationQuarter(
                    period=period,
                    rack=gen.rack,
                    racks_installed=installed,
                    racks_built=sum(n[1] for _, n in by_workload),
                    racks_retired=sum(n[2] for _, n in by_workload),
                    gpus=installed * gen.gpus_per_rack,
                    power_mw=installed * gen.power_typical_w * inputs.pue_ratio / 1e6,
                    racks_by_workload=tuple((w, n[0]) for w, n in by_workload),
                )
            )
    workload_rows = tuple(row for pool in pools.values() for row in pool[1])
    return CaseResult(case=case, generations=tuple(rows), workloads=workload_rows)


def build_gap(case: CaseResult, explicit: Sequence[tuple[str, str, int]]) -> tuple[BuildGap, ...]:
    """Explicit builds (rack, period, racks) against the case's, for every quarter and rack."""
    planned: dict[tuple[str, str], int] = {}
    for rack, period, racks in explicit:
        planned[(period, rack)] = planned.get((period, rack), 0) + racks
    from_demand = {(p, r): n for r, p, n in case.builds()}
    keys = [(g.period, g.rack) for g in case.generations]
    keys += [k for k in planned if k not in set(keys)]
    return tuple(
        BuildGap(period, rack, planned.get((period, rack), 0), from_demand.get((period, rack), 0))
        for period, rack in keys
    )


def project(
    inputs: DemandInputs,
    explicit: Sequence[tuple[str, str, int]] = (),
    build_case: str | None = None,
) -> DemandResult:
    """Every case's projection and the build case's gap to the explicit plan."""
    if not inputs.cases:
        raise InputError("demand needs at least one case", field="demand.case")
    if inputs.service_life_quarters < 1:
        raise InputError(
            "service life must be at least one quarter",
            field="service_life_years",
            value=inputs.service_life_quarters,
        )
    cases = tuple(project_case(inputs, c) for c in inputs.cases)
    chosen = build_case or inputs.cases[0].name
    result = DemandResult(
        mix=inputs.mix,
        ramp_quarters=inputs.ramp_quarters,
        service_life_quarters=inputs.service_life_quarters,
        pue_ratio=inputs.pue_ratio,
        cases=cases,
        build_case=chosen,
        gap=(),
    )
    return replace(result, gap=build_gap(result.case(chosen), explicit))
