"""The capacity and ramp MILP: variables, constraints and costs as short named steps.

Per site s, rack design g and quarter t (from the first to the last quarter of the build plan):

- lines: ``built[s,t]`` (integer, never fewer than installed, only grows; each new one costs the
  line capex), ``staffed[s,t]`` lines staffed (integer) for ``shifts[s,t]`` line-shifts in all
  (integer, one to max shifts per staffed line; shifts beyond a line's first pay the night
  premium, a staffed line its running cost);
- line-shifts: ``alloc[s,g,t]`` of them go to design g; ``builds[s,g,t]`` (binary) says the site
  builds g that quarter. Whole line-shifts go to one design each, so at most one line-shift per
  design is shared; a site that builds n designs in a quarter loses the changeover share
  (campaigns a quarter x changeover time) of one line-shift for each design beyond the first;
- output: ``make[s,g,t]`` <= racks per line-shift (the line's bottleneck at that quarter's
  learning-curve yields) x its line-shifts; every site within its share of the program and its
  test bay (burn-in positions, power, cooling, repair benches);
- demand: made + carried in - carried out + ``short[g,t]`` = the plan's racks (``short`` is the
  elastic shortfall, priced far above any cost of building, so it is used only where the plan
  cannot be built);
- people: ``staff[s,t]`` >= crews of the line-shifts (+ the test bay while the site runs);
  staff = (1 - attrition) x last quarter's + ``hire[s,t]`` (trained people arriving, hired
  ``training_quarters`` before) - ``leave[s,t]``.

The objective adds line capex, upkeep and running costs, wages and the night premium, hiring and
training, separations, the carrying cost of racks built ahead and the shortfall penalty. The row
``total-short`` (free here) lets the solve first find the least shortfall, then the least cost
that keeps it (``factory.ramp.plan_ramp``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rackwright.factory.ramp_data import LineRate, SiteFigures
from rackwright.optim import INF, ModelBuilder, SparseModel


@dataclass(frozen=True)
class RampCoefficients:
    """Everything the MILP is built from, already computed."""

    sites: tuple[SiteFigures, ...]
    racks: tuple[str, ...]
    quarters: tuple[int, ...]  # running quarter numbers, consecutive
    demand: Mapping[tuple[str, int], float]  # (rack, quarter) -> racks to complete
    launch: Mapping[str, int]  # first quarter a design may be built
    rates: Mapping[tuple[str, str, int], LineRate]  # (site, rack, quarter)
    changeover: Mapping[tuple[str, int], float]  # (site, quarter) -> shared line-shift loss
    rack_price_usd: Mapping[str, float]
    initial_staff: Mapping[str, float]
    wage_usd_per_hour: float
    hire_usd: float
    leave_usd: float
    attrition: float
    line_open_usd: float
    line_fixed_usd: float
    line_running_usd: float
    shift_premium: float
    carrying_rate: float
    shortfall_usd: float


@dataclass
class RampIndex:
    """Column and row numbers of every variable and constraint, by key."""

    cols: dict[tuple[object, ...], int] = field(default_factory=dict)
    rows: dict[tuple[object, ...], int] = field(default_factory=dict)


class _Builder:
    def __init__(self) -> None:
        self.model = ModelBuilder()
        self.index = RampIndex()

    def var(
        self,
        key: tuple[object, ...],
        cost: float = 0.0,
        lower: float = 0.0,
        upper: float = INF,
        integer: bool = False,
    ) -> int:
        col = int(self.model.add_vars(1, cost=cost, lower=lower, upper=upper, integer=integer)[0])
        self.index.cols[key] = col
        return col

    def row(
        self,
        key: tuple[object, ...],
        terms: Sequence[tuple[int, float]],
        lower: float = -INF,
        upper: float = INF,
    ) -> None:
        r = int(self.model.add_rows(1, lower=lower, upper=upper)[0])
        self.index.rows[key] = r
        if terms:
            cols, vals = zip(*terms, strict=True)
            self.model.add_coeffs([r] * len(cols), list(cols), list(vals))


def _active(c: RampCoefficients, rack: str, t: int) -> bool:
    return t >= c.launch.get(rack, 10**9)


def _line_variables(b: _Builder, c: RampCoefficients) -> None:
    for site in c.sites:
        s = site.site_id
        premium = c.shift_premium * site.crew_per_line_shift * site.worker_hours_per_quarter
        premium *= c.wage_usd_per_hour
        for t in c.quarters:
            b.var(
                ("built", s, t),
                cost=c.line_fixed_usd,
                lower=site.lines_installed,
                upper=site.max_lines,
                integer=True,
            )
            b.var(("new", s, t), cost=c.line_open_usd)
            b.var(("active", s, t), upper=1, integer=True)
            b.var(
                ("staffed", s, t),
                cost=c.line_running_usd - premium,
                upper=site.max_lines,
                integer=True,
            )
            b.var(
                ("shifts", s, t), cost=premium, upper=site.max_lines * site.max_shifts, integer=True
            )
            for rack in c.racks:
                if _active(c, rack, t):
                    b.var(("alloc", s, rack, t))
                    b.var(("builds", s, rack, t), upper=1, integer=True)
                    b.var(("make", s, rack, t))


def _flow_variables(b: _Builder, c: RampCoefficients) -> None:
    for rack in c.racks:
        for t in c.quarters:
            if _active(c, rack, t):
                carry = c.carrying_rate * c.rack_price_usd[rack]
                b.var(("carry", rack, t), cost=carry)
                b.var(("short", rack, t), cost=c.shortfall_usd)
    for site in c.sites:
        wage = c.wage_usd_per_hour * site.worker_hours_per_quarter
        for t in c.quarters:
            b.var(("staff", site.site_id, t), cost=wage)
            b.var(("hire", site.site_id, t), cost=c.hire_usd)
            b.var(("leave", site.site_id, t), cost=c.leave_usd)


def _line_rows(b: _Builder, c: RampCoefficients) -> None:
    col = b.index.cols
    for site in c.sites:
        s = site.site_id
        for n, t in enumerate(c.quarters):
            staffed, shifts = col[("staffed", s, t)], col[("shifts", s, t)]
            racks = [r for r in c.racks if _active(c, r, t)]
            loss = c.changeover[(s, t)]
            b.row(
                ("line-shifts", s, t),
                [(col[("alloc", s, r, t)], 1.0) for r in racks]
                + [(col[("builds", s, r, t)], loss) for r in racks]
                + [(shifts, -1.0)],
                upper=loss,
            )
            b.row(("shifts>=lines", s, t), [(staffed, 1.0), (shifts, -1.0)], upper=0.0)
            b.row(
                ("shifts<=max", s, t),
                [(shifts, 1.0), (staffed, -float(site.max_shifts))],
                upper=0.0,
            )
            b.row(
                ("staffed<=built", s, t), [(staffed, 1.0), (col[("built", s, t)], -1.0)], upper=0.0
            )
            b.row(
                ("active", s, t),
                [(staffed, 1.0), (col[("active", s, t)], -float(site.max_lines))],
                upper=0.0,
            )
            previous = [(col[("built", s, c.quarters[n - 1])], -1.0)] if n else []
            b.row(
                ("new-lines", s, t),
                [(col["built", s, t], 1.0), (col["new", s, t], -1.0), *previous],
                upper=0.0 if n else float(site.lines_installed),
            )


def _output_rows(b: _Builder, c: RampCoefficients) -> None:
    col = b.index.cols
    for site in c.sites:
        s = site.site_id
        for t in c.quarters:
            racks = [r for r in c.racks if _active(c, r, t)]
            for r in racks:
                per = c.rates[(s, r, t)].racks_per_line_shift
                b.row(
                    ("line-output", s, r, t),
                    [
                        (col[("make", s, r, t)], 1.0),
                        (col[("alloc", s, r, t)], -per),
                    ],
                    upper=0.0,
                )
                b.row(
                    ("builds", s, r, t),
                    [
                        (col[("make", s, r, t)], 1.0),
                        (col[("builds", s, r, t)], -site.share_per_quarter),
                    ],
                    upper=0.0,
                )
            makes = [col[("make", s, r, t)] for r in racks]
            b.row(("site-share", s, t), [(j, 1.0) for j in makes], upper=site.share_per_quarter)
            b.row(
                ("test-bay-power", s, t),
                [(col[("make", s, r, t)], c.rates[(s, r, t)].pool_ws_per_rack) for r in racks],
                upper=site.pool_capacity_ws,
            )
            for station, capacity in site.shared_capacity_s.items():
                b.row(
                    ("shared-station", s, station, t),
                    [
                        (col[("make", s, r, t)], c.rates[(s, r, t)].shared_s_per_rack[station])
                        for r in racks
                    ],
                    upper=capacity,
                )


def _demand_rows(b: _Builder, c: RampCoefficients) -> None:
    col = b.index.cols
    for rack in c.racks:
        for n, t in enumerate(c.quarters):
            if not _active(c, rack, t):
                continue
            terms = [(col[("make", s.site_id, rack, t)], 1.0) for s in c.sites]
            terms += [(col[("carry", rack, t)], -1.0), (col[("short", rack, t)], 1.0)]
            if n and _active(c, rack, c.quarters[n - 1]):
                terms.append((col[("carry", rack, c.quarters[n - 1])], 1.0))
            need = c.demand.get((rack, t), 0.0)
            b.row(("demand", rack, t), terms, lower=need, upper=need)


def _staff_rows(b: _Builder, c: RampCoefficients) -> None:
    col = b.index.cols
    keep = 1.0 - c.attrition
    for site in c.sites:
        s = site.site_id
        for n, t in enumerate(c.quarters):
            crews = [
                (col[("shifts", s, t)], site.crew_per_line_shift),
                (col[("active", s, t)], site.test_bay_crew),
                (col[("staff", s, t)], -1.0),
            ]
            b.row(("crews", s, t), crews, upper=0.0)
            terms = [
                (col[("staff", s, t)], 1.0),
                (col[("hire", s, t)], -1.0),
                (col[("leave", s, t)], 1.0),
            ]
            if n:
                terms.append((col[("staff", s, c.quarters[n - 1])], -keep))
                b.row(("staff-balance", s, t), terms, lower=0.0, upper=0.0)
            else:
                start = c.initial_staff[s]
                b.row(("staff-balance", s, t), terms, lower=start, upper=start)


def build_ramp_model(c: RampCoefficients) -> tuple[SparseModel, RampIndex]:
    """The MILP and the index that names its columns and rows."""
    b = _Builder()
    _line_variables(b, c)
    _flow_variables(b, c)
    _line_rows(b, c)
    _output_rows(b, c)
    _demand_rows(b, c)
    _staff_rows(b, c)
    shorts = [j for key, j in b.index.cols.items() if key[0] == "short"]
    b.row(("total-short",), [(j, 1.0) for j in shorts])  # bounded in the second phase
    return b.model.build(), b.index
