"""``plan_ramp``: lines, shifts and people per site and quarter to build the plan, at least cost.

Coefficients come from the line model (``ramp_data``), the MILP from ``ramp_model``, the solve
from the shared HiGHS layer (``rackwright.optim``). The shortfall is elastic, so a plan always
comes back; where it falls short the result says by how much and which limits were reached.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from rackwright.errors import SolverError
from rackwright.factory.buildplan import (
    demand_by_quarter,
    launch_quarters,
    period_index,
    period_name,
)
from rackwright.factory.ramp_data import (
    RampRequest,
    changeover_fraction,
    line_rate,
    site_figures,
)
from rackwright.factory.ramp_model import RampCoefficients, RampIndex, build_ramp_model
from rackwright.factory.ramp_result import (
    RackQuarter,
    RampCosts,
    RampPlan,
    Shortfall,
    SiteQuarter,
)
from rackwright.optim import SolveOptions, SolveResult, SparseModel, solve

_TIGHT = 0.999  # a constraint at or above this share of its bound counts as reached
_MATURE = 99  # quarters since launch that stand for a mature generation


def coefficients(request: RampRequest) -> RampCoefficients:
    """Every number the MILP needs, from the factory data and the plan."""
    request.check_inputs()
    data, costs = request.factory, request.factory.costs
    launch = launch_quarters(request.builds)
    demand = demand_by_quarter(request.builds)
    quarters = tuple(range(min(q for _, q in demand), max(q for _, q in demand) + 1))
    racks = tuple(sorted(launch, key=lambda r: (request.products[r].generation, r)))
    sites = tuple(site_figures(data, share) for share in request.shares)
    rates = {
        (s.site_id, r, t): line_rate(data, s.site_id, request.products[r], t - launch[r])
        for s in sites
        for r in racks
        for t in quarters
        if t >= launch[r]
    }
    changeover = {
        (s.site_id, t): changeover_fraction(data, s.site_id, [r for r in racks if t >= launch[r]])
        for s in sites
        for t in quarters
    }
    initial = {s.site_id: 0.0 for s in sites}  # the program hires its own crews
    return RampCoefficients(
        sites=sites,
        racks=racks,
        quarters=quarters,
        demand=demand,
        launch=launch,
        rates=rates,
        changeover=changeover,
        rack_price_usd={r: request.products[r].price_usd for r in racks},
        initial_staff=initial,
        wage_usd_per_hour=costs.wage_usd_per_hour,
        hire_usd=costs.hire_and_train_usd,
        leave_usd=costs.separation_usd,
        attrition=costs.attrition_per_quarter,
        line_open_usd=costs.line_open_usd,
        line_fixed_usd=costs.line_fixed_usd_per_quarter,
        line_running_usd=costs.line_running_usd_per_quarter,
        shift_premium=costs.extra_shift_premium,
        carrying_rate=costs.carrying_rate_per_quarter,
        shortfall_usd=costs.shortfall_usd_per_rack,
    )


class _Reader:
    """Reads a solved MILP's columns and row activities by key."""

    def __init__(self, result: SolveResult, index: RampIndex) -> None:
        self.x, self.activity, self.index = result.x, result.row_activity, index

    def col(self, *key: object) -> float:
        j = self.index.cols.get(key)
        return float(self.x[j]) if j is not None else 0.0

    def row(self, *key: object) -> float | None:
        r = self.index.rows.get(key)
        return float(self.activity[r]) if r is not None else None


def spread_shifts(lines: int, line_shifts: int, max_shifts: int) -> tuple[int, ...]:
    """Lines on 1, 2, ... ``max_shifts`` shifts when ``line_shifts`` are spread evenly over
    ``lines`` lines (the plan decides the totals; any spread with them costs the same)."""
    counts = [0] * max_shifts
    if lines <= 0:
        return tuple(counts)
    base, extra = divmod(min(max(line_shifts, lines), lines * max_shifts), lines)
    counts[base - 1] += lines - extra
    if extra:
        counts[base] += extra
    return tuple(counts)


def _site_rows(c: RampCoefficients, read: _Reader, lead: int) -> tuple[SiteQuarter, ...]:
    out = []
    for site in c.sites:
        s = site.site_id
        before = c.initial_staff[s]
        for t in c.quarters:
            staffed, shifts = round(read.col("staffed", s, t)), round(read.col("shifts", s, t))
            staff = read.col("staff", s, t)
            power = read.row("test-bay-power", s, t) or 0.0
            out.append(
                SiteQuarter(
                    site_id=s,
                    period=period_name(t),
                    lines_built=round(read.col("built", s, t)),
                    lines_new=round(read.col("new", s, t)),
                    lines_staffed=staffed,
                    lines_by_shifts=spread_shifts(staffed, shifts, site.max_shifts),
                    line_shifts=shifts,
                    designs=sum(round(read.col("builds", s, r, t)) for r in c.racks),
                    output={r: read.col("make", s, r, t) for r in c.racks if t >= c.launch[r]},
                    staff=staff,
                    hires=read.col("hire", s, t),
                    hired_in=period_name(t - lead),
                    leavers=read.col("leave", s, t),
                    jobs_created=staff - before,
                    test_bay_power_share=power / site.pool_capacity_ws
                    if site.pool_capacity_ws
                    else 0.0,
                )
            )
            before = staff
    return tuple(out)


def _rack_rows(c: RampCoefficients, read: _Reader) -> tuple[RackQuarter, ...]:
    return tuple(
        RackQuarter(
            rack_id=r,
            period=period_name(t),
            demand=c.demand.get((r, t), 0.0),
            made=sum(read.col("make", s.site_id, r, t) for s in c.sites),
            carried=read.col("carry", r, t),
            shortfall=read.col("short", r, t),
        )
        for r in c.racks
        for t in c.quarters
        if t >= c.launch[r]
    )


def _limits(c: RampCoefficients, read: _Reader, t: int) -> tuple[str, ...]:
    """The site limits at their bound in quarter ``t``, in words."""
    found = []
    for site in c.sites:
        s = site.site_id
        if read.col("shifts", s, t) >= site.max_lines * site.max_shifts - 1e-6:
            found.append(f"{s}: all {site.max_lines} lines on {site.max_shifts} shifts")
        made = read.row("site-share", s, t) or 0.0
        if made >= _TIGHT * site.share_per_quarter:
            found.append(f"{s}: the program's share, {site.share_per_quarter:,.0f} racks a quarter")
        power = read.row("test-bay-power", s, t) or 0.0
        if site.pool_capacity_ws and power >= _TIGHT * site.pool_capacity_ws:
            found.append(f"{s}: test-bay power and cooling")
        for station, capacity in site.shared_capacity_s.items():
            if (read.row("shared-station", s, station, t) or 0.0) >= _TIGHT * capacity:
                found.append(f"{s}: {station} capacity")
    return tuple(found)


def _costs(c: RampCoefficients, read: _Reader) -> RampCosts:
    def total(name: str, unit: Mapping[str, float] | float) -> float:
        keys = [k for k in read.index.cols if k[0] == name]
        if isinstance(unit, float):
            return sum(read.col(*k) * unit for k in keys)
        return sum(read.col(*k) * unit[str(k[1])] for k in keys)

    wages = {s.site_id: c.wage_usd_per_hour * s.worker_hours_per_quarter for s in c.sites}
    carry = {r: c.carrying_rate * p for r, p in c.rack_price_usd.items()}
    return RampCosts(
        lines_usd=total("new", c.line_open_usd) + total("built", c.line_fixed_usd),
        labour_usd=total("staff", wages),
        hiring_usd=total("hire", c.hire_usd),
        separation_usd=total("leave", c.leave_usd),
        carrying_usd=total("carry", carry),
        shortfall_penalty_usd=total("short", c.shortfall_usd),
    )


def _mature(
    c: RampCoefficients, request: RampRequest
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    rates: dict[str, dict[str, float]] = {}
    necks: dict[str, dict[str, str]] = {}
    for site in c.sites:
        for r in c.racks:
            mature = line_rate(request.factory, site.site_id, request.products[r], _MATURE)
            rates.setdefault(site.site_id, {})[r] = mature.racks_per_line_shift
            necks.setdefault(site.site_id, {})[r] = mature.bottleneck
    return rates, necks


def _solve_lexicographic(model: SparseModel, index: RampIndex, request: RampRequest) -> SolveResult:
    """Least shortfall first, then least cost at that shortfall.

    One objective would let the MIP gap, relative to a total swollen by the shortfall penalty,
    hide whole racks of avoidable shortfall; two phases make the shortfall exact.
    """
    shorts = np.array([j for key, j in index.cols.items() if key[0] == "short"], dtype=np.int64)
    first_cost = np.zeros_like(model.col_cost)
    first_cost[shorts] = 1.0
    least = solve(
        dataclasses.replace(model, col_cost=first_cost, offset=0.0),
        SolveOptions(time_limit_s=request.time_limit_s / 2, mip_rel_gap=1e-9, mip_abs_gap=0.5),
    )
    if not least.ok:
        raise SolverError(f"the ramp MILP ended {least.status.value}: {least.message}")
    upper = model.row_upper.copy()
    upper[index.rows[("total-short",)]] = least.objective + 0.5
    options = SolveOptions(time_limit_s=request.time_limit_s / 2, mip_rel_gap=request.mip_rel_gap)
    result = solve(dataclasses.replace(model, row_upper=upper), options, start=least.x)
    if not result.ok:
        raise SolverError(f"the ramp MILP ended {result.status.value}: {result.message}")
    return result


def plan_ramp(request: RampRequest) -> RampPlan:
    """Solve the ramp MILP for ``request`` and read the plan back."""
    c = coefficients(request)
    model, index = build_ramp_model(c)
    result = _solve_lexicographic(model, index, request)
    read = _Reader(result, index)
    racks = _rack_rows(c, read)
    shortfalls = tuple(
        Shortfall(q.rack_id, q.period, q.shortfall, _limits(c, read, period_index(q.period)))
        for q in racks
        if q.shortfall > 0.5
    )
    rates, necks = _mature(c, request)
    return RampPlan(
        status=result.status,
        mip_gap=result.mip_gap,
        seconds=result.seconds,
        sites=_site_rows(c, read, request.factory.costs.training_quarters),
        racks=racks,
        shortfalls=shortfalls,
        costs=_costs(c, read),
        line_rates=rates,
        bottlenecks=necks,
    )
