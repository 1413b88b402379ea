"""Prepare one site for simulation: its share of the build plan, variants, network and releases.

This is pure set-up, no simulation: the plan's racks at the site (``buildplan.allocate``), one
product variant per rack design and quarter (so yields follow the learning curve), the site's
network with its installed lines, the kit release times of every line, and the average flows the
analytic capacity model checks the plan against.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rackwright.errors import InputError
from rackwright.factory.buildplan import (
    WEEKS_PER_QUARTER,
    allocate,
    launch_quarters,
    period_index,
    period_name,
    weekly_plan,
)
from rackwright.factory.calendar import WEEK_S
from rackwright.factory.capacity import Flow
from rackwright.factory.inputs import FactoryInputs
from rackwright.factory.network import Release
from rackwright.factory.releases import line_releases
from rackwright.factory.site_network import SiteNetwork, Variant, site_network


@dataclass(frozen=True)
class SimulationRequest(FactoryInputs):
    """What to simulate (``FactoryInputs``) and how long, how often, from which quarter."""

    start_period: str
    weeks: int = 52
    warmup_weeks: int = 2
    replications: int = 5
    seed: int = 0

    @property
    def start_quarter(self) -> int:
        """The running quarter number of ``start_period``."""
        return period_index(self.start_period)


@dataclass(frozen=True)
class SiteModel:
    """One site, ready to simulate."""

    site: SiteNetwork
    releases: tuple[Release, ...]
    planned_per_week: tuple[float, ...]  # kits released each week, all designs
    planned_by_rack: Mapping[str, float]  # kits released per measured week, per design
    flows: tuple[Flow, ...]  # measured-window release rates per variant and line


def check_request(request: SimulationRequest) -> None:
    """One-line errors for a run that cannot be made."""
    if request.weeks < 1 or not 0 <= request.warmup_weeks < request.weeks:
        raise InputError(
            "need at least one week and 0 <= warm-up weeks < weeks",
            field="weeks",
            value=(request.weeks, request.warmup_weeks),
        )
    if request.replications < 2:
        raise InputError(
            "confidence intervals need at least 2 replications",
            field="replications",
            value=request.replications,
        )
    if request.seed < 0:
        raise InputError("the seed must not be negative", field="seed", value=request.seed)
    request.check_inputs()


def _variants(request: SimulationRequest, plan: Mapping[tuple[str, int], float]) -> list[Variant]:
    launch = launch_quarters(request.builds)
    quarters = range(
        request.start_quarter, request.start_quarter + math.ceil(request.weeks / WEEKS_PER_QUARTER)
    )
    keys = sorted(
        ((rack, q) for (rack, q), racks in plan.items() if q in quarters and racks > 0),
        key=lambda k: (request.products[k[0]].generation, k[0], k[1]),
    )
    return [
        Variant(
            product=request.products[rack],
            profile=request.factory.profile_for(rack),
            quarters_since_launch=q - launch[rack],
            label=f"{rack}@{period_name(q)}",
        )
        for rack, q in keys
    ]


def _labelled(
    request: SimulationRequest, plan: Mapping[tuple[str, int], float]
) -> list[dict[str, float]]:
    """The weekly plan keyed by variant label."""
    weekly = weekly_plan(plan, request.start_quarter, request.weeks)
    return [
        {
            f"{rack}@{period_name(request.start_quarter + w // WEEKS_PER_QUARTER)}": racks
            for rack, racks in week.items()
        }
        for w, week in enumerate(weekly)
    ]


def _flows(
    request: SimulationRequest, built: SiteNetwork, releases: Sequence[Release]
) -> tuple[Flow, ...]:
    start, end = request.warmup_weeks * WEEK_S, request.weeks * WEEK_S
    window = end - start
    return tuple(
        Flow(r.product, r.station, sum(1 for t in r.times_s if start <= t < end) / window)
        for r in releases
        if any(start <= t < end for t in r.times_s)
    ) or tuple(Flow(0, e, 0.0) for e in built.entries[:1])


def site_model(
    request: SimulationRequest, site_id: str, plan: Mapping[tuple[str, int], float]
) -> SiteModel | None:
    """The site ready to simulate, or None when it has no lines or nothing planned."""
    variants = _variants(request, plan)
    data = request.factory
    if not variants or data.sites[site_id].lines_installed < 1:
        return None
    built = site_network(data, site_id, variants)
    weekly = _labelled(request, plan)
    products = {v.label: i for i, v in enumerate(variants)}
    releases = line_releases(weekly, [v.label for v in variants], built.entries, products)
    per_week = [0.0] * request.weeks
    by_rack: dict[str, float] = {}
    measured = request.weeks - request.warmup_weeks
    for release in releases:
        rack = variants[release.product].product.rack_id
        for t in release.times_s:
            week = int(t // WEEK_S)
            per_week[week] += 1
            if week >= request.warmup_weeks:
                by_rack[rack] = by_rack.get(rack, 0.0) + 1.0 / measured
    return SiteModel(
        site=built,
        releases=releases,
        planned_per_week=tuple(per_week),
        planned_by_rack=by_rack,
        flows=_flows(request, built, releases),
    )


def site_models(request: SimulationRequest) -> tuple[list[SiteModel], list[str]]:
    """Every site with lines and work in the window, and the ids of those skipped."""
    check_request(request)
    plans = allocate(request.builds, request.shares)
    models, skipped = [], []
    for share in request.shares:
        model = site_model(request, share.site_id, plans[share.site_id])
        if model is None:
            skipped.append(share.site_id)
        else:
            models.append(model)
    return models, skipped
