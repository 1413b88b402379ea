"""Report section ``risk``: what a disruption costs the plan, and what clears it.

Presents the risk stage (``rackwright.risk.stage``): the risk exposure index (REI) ranking, a
heat map of exposure by country and subsystem, the red flags (time to survive shorter than time
to recover) with their shortfall windows, the named country and policy shocks, the Monte Carlo
loss distribution and the mitigation table.
"""

from __future__ import annotations

import itertools

import plotly.graph_objects as go

from rackwright.chain import ChainRun, PlanInputs
from rackwright.report.charts import figure_from
from rackwright.report.section import Figure, Section, Table
from rackwright.risk.compare import PlanComparison
from rackwright.risk.mitigation import MitigationKind
from rackwright.risk.montecarlo import MonteCarloResult
from rackwright.risk.results import RiskAnalysis, ScenarioResult
from rackwright.risk.stage import RISK, HeatCell, RiskAssessment, RiskStageResult

RANKING_VISIBLE = 15
RANKING_COLUMNS = [
    "rank", "scenario", "kind", "TTR (weeks)", "loss (MUSD)", "of it, lost undisrupted (MUSD)",
    "REI", "TTS (weeks)", "red flag",
]  # fmt: skip
RED_FLAG_COLUMNS = [
    "scenario", "TTR (weeks)", "TTS (weeks)", "shortfall window", "loss (MUSD)",
    "racks lost over the TTR",
]  # fmt: skip
SHOCK_COLUMNS = [
    "shock", "what", "sites-parts", "weeks", "loss (MUSD)", "REI", "TTS (weeks)", "red flag",
    "sources",
]  # fmt: skip
MITIGATION_COLUMNS = [
    "red flag", "mitigation", "what", "exposure removed (MUSD)", "cost (MUSD a year)",
    "exposure removed per USD",
]  # fmt: skip
COMPARISON_COLUMNS = ["measure", "current plan", "domestic-leaning plan", "change"]
Row = list[str | float | int | None]


def _musd(usd: float) -> float:
    return round(usd / 1e6, 2)


def _weeks(value: float) -> float:
    return round(value, 2)


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """REI ranking, exposure heat map, red flags, shocks, Monte Carlo and mitigations."""
    stage: RiskStageResult = run.result(RISK)
    result = stage.assessment
    if result is None:
        return Section(RISK.key, RISK.title, [f"not assessed: {stage.skipped}"], stage.to_json())
    return Section(
        key=RISK.key,
        title=RISK.title,
        summary=_summary(result),
        data=stage.to_json(),
        tables=[
            _ranking(result),
            _red_flags(result.analysis),
            _shocks(result),
            _montecarlo(result.montecarlo),
            _mitigations(result),
            *([_comparison(result.comparison)] if result.comparison is not None else []),
            _products(result),
        ],
        figures=[f for f in (_heat_map(result.heat), _loss_histogram(result.montecarlo)) if f],
        notes=_notes(result),
    )


def _summary(result: RiskAssessment) -> list[str]:
    plan, analysis, mc = result.plan_network, result.analysis, result.montecarlo
    net = plan.network
    lines = [
        f"network of {plan.window} ({plan.window_basis}): {len(net.nodes)} nodes, "
        f"{len(net.edges)} edges, {len(net.groups)} groups; sources: {plan.basis}",
    ]
    ranked = analysis.ranking()
    if ranked and ranked[0].loss > 0:
        lines.append(
            "largest exposure: "
            + "; ".join(
                f"{s.id} {_musd(s.loss):,.0f} MUSD over {s.ttr:g} weeks (REI {s.rei:.2f})"
                for s in ranked[:3]
            )
        )
    lines += _baseline_lines(result)
    lines.append(
        f"{len(analysis.red_flags())} of {len(analysis.scenarios)} scenarios are red flags "
        "(the network runs dry before the failed sites are back)"
    )
    tails = ", ".join(
        f"VaR{t.level:.0%} {_musd(t.var):,.0f} / CVaR {_musd(t.cvar):,.0f}" for t in mc.loss.tails
    )
    lines.append(
        f"Monte Carlo {mc.trials:,} years (seed {mc.seed}): mean loss "
        f"{_musd(mc.loss.mean):,.1f} MUSD a year, {tails} MUSD; P(any loss) "
        f"{mc.loss.probability_positive:.1%}"
    )
    if result.comparison is not None:
        lines.append(_comparison_line(result.comparison))
    best = next((m for m in result.mitigations.mitigations if m.annual_cost is not None), None)
    if best is not None and best.annual_cost is not None:
        lines.append(
            f"best mitigation per dollar: {best.kind.value.replace('_', ' ')} for "
            f"{best.scenario}, {_musd(best.annual_cost):,.2f} MUSD a year removes "
            f"{_musd(best.exposure_removed):,.0f} MUSD of exposure"
        )
    return lines


def _baseline_lines(result: RiskAssessment) -> list[str]:
    """Say so when the plan runs dry at the window's rate with nothing down."""
    baseline, horizon = result.baseline, result.plan_network.network.horizon
    if baseline.tts >= horizon:
        return []
    short = "; ".join(
        f"{s.part} ships {s.capacity_per_week:,.0f} a week for {s.need_per_week:,.0f} needed, "
        f"stock covers {s.weeks_covered:,.1f} weeks"
        for s in baseline.shortfalls
    )
    return [
        f"undisrupted, the network at the window's rate runs dry after {baseline.tts:,.1f} "
        f"weeks ({short or 'see the shortfall parts'}): the plan builds stock ahead for its peak, "
        "and a longer scenario's loss includes what would be lost anyway (ranking column)"
    ]


def _products_losing(s: ScenarioResult) -> str:
    return ", ".join(f"{p.node} {p.lost_units:,.0f}" for p in s.products) or "-"


def _ranking(result: RiskAssessment) -> Table:
    undisrupted = result.baseline.loss_by_ttr
    rows: list[Row] = [
        [
            rank,
            s.id,
            s.kind.value,
            _weeks(s.ttr),
            _musd(s.loss),
            _musd(undisrupted.get(s.ttr, 0.0)),
            round(s.rei, 3),
            _weeks(s.tts),
            "yes" if s.red_flag else "no",
        ]
        for rank, s in enumerate(result.analysis.ranking(), start=1)
    ]
    return Table(
        title="Risk exposure index: scenarios ranked by loss over their time to recover",
        columns=RANKING_COLUMNS,
        rows=rows,
        note="REI = a scenario's loss over the largest loss; PART@SITE is one site's part, "
        "policy: a named shock, country:/region:/site: every site there down together.",
        visible_rows=RANKING_VISIBLE,
    )


def _red_flags(analysis: RiskAnalysis) -> Table:
    rows: list[Row] = [
        [
            s.id,
            _weeks(s.ttr),
            _weeks(s.tts),
            f"weeks {s.tts:,.1f}-{s.ttr:,.1f}",
            _musd(s.loss),
            _products_losing(s),
        ]
        for s in analysis.red_flags()
    ]
    return Table(
        title="Red flags: time to survive shorter than time to recover",
        columns=RED_FLAG_COLUMNS,
        rows=rows,
        note="Demand goes unmet from the TTS until the failed sites are back (the TTR).",
        visible_rows=RANKING_VISIBLE,
    )


def _shocks(result: RiskAssessment) -> Table:
    rows: list[Row] = []
    for shock in result.plan_network.shocks:
        s = result.analysis.scenario(shock.scenario)
        rows.append(
            [
                shock.label,
                shock.title,
                shock.nodes,
                _weeks(s.ttr),
                _musd(s.loss),
                round(s.rei, 3),
                _weeks(s.tts),
                "yes" if s.red_flag else "no",
                ", ".join(shock.sources),
            ]
        )
    return Table(
        title="Country and policy shocks",
        columns=SHOCK_COLUMNS,
        rows=rows,
        note="A shock whose countries hold no site of this network is not listed.",
    )


def _montecarlo(mc: MonteCarloResult) -> Table:
    value, racks = mc.loss, mc.lost_units
    rows: list[Row] = [
        ["mean", _musd(value.mean), round(racks.mean, 1)],
        ["standard deviation", _musd(value.std), round(racks.std, 1)],
        ["P(any loss)", f"{value.probability_positive:.2%}", f"{racks.probability_positive:.2%}"],
    ]
    for v, r in zip(value.tails, racks.tails, strict=True):
        rows.append([f"VaR {v.level:.0%}", _musd(v.var), round(r.var, 1)])
        rows.append([f"CVaR {v.level:.0%}", _musd(v.cvar), round(r.cvar, 1)])
    rows.append(["worst trial", _musd(value.maximum), round(racks.maximum, 1)])
    return Table(
        title=f"Monte Carlo: loss in a year over {mc.trials:,} seeded trials (seed {mc.seed})",
        columns=["measure", "loss (MUSD)", "racks lost"],
        rows=rows,
        note=f"{mc.multi_event_trials:,} trials had several events at once; each site and group "
        "fails as an independent yearly event sharing one network-wide rate (ARISK02), for a "
        "triangular duration around its TTR (ARISK03).",
    )


def _mitigations(result: RiskAssessment) -> Table:
    plan = result.mitigations
    rows: list[Row] = []
    for m in plan.mitigations:
        if m.kind is MitigationKind.BUFFER:
            what = "; ".join(f"{n.node}: {n.buffer_units:,.0f} units" for n in m.nodes)
        else:
            what = "; ".join(f"{n.node}: {n.rate:,.1f} a week" for n in m.nodes)
        per = m.per_dollar
        rows.append(
            [
                m.scenario,
                m.kind.value.replace("_", " "),
                what,
                _musd(m.exposure_removed),
                None if m.annual_cost is None else _musd(m.annual_cost),
                None if per is None else round(per, 1),
            ]
        )
    return Table(
        title="Mitigations ranked by exposure removed per dollar a year",
        columns=MITIGATION_COLUMNS,
        rows=rows,
        note=f"Buffer: the missing supply held as stock, carried at "
        f"{plan.costs.holding_rate_per_year:.0%} of its value a year (ARISK04); second source: a "
        "qualified site kept ready for the missing rate at a "
        f"{plan.costs.second_source_premium:.0%} premium (ARISK05). For an integration line a "
        "buffer means racks built ahead.",
        visible_rows=RANKING_VISIBLE,
    )


def _raise_text(c: PlanComparison) -> str:
    tried = ", ".join(f"+{u * 100:g}" for u in c.tried_without_plan)
    return f"every quarter's floor +{c.uplift * 100:g} points" + (
        f"; {tried} had no plan" if tried else ""
    )


def _comparison_line(c: PlanComparison) -> str:
    per = c.removed_per_extra_usd
    top = next((e for e in c.exposures if e.current_loss), None)
    topline = (
        f"; {top.id} {_musd(top.current_loss or 0.0):,.0f} -> "
        f"{_musd(top.domestic_loss or 0.0):,.0f} MUSD"
        if top is not None
        else ""
    )
    return (
        f"domestic-leaning plan ({_raise_text(c)}): {_musd(c.extra_cost_usd):+,.0f} MUSD landed "
        f"({c.extra_per_rack_usd:+,.0f} USD a rack); Monte Carlo mean loss "
        f"{_musd(c.current.mc_mean):,.1f} -> {_musd(c.domestic.mc_mean):,.1f} MUSD a year, red "
        f"flags {c.current.red_flags} -> {c.domestic.red_flags}{topline}"
        + ("" if per is None else f"; {per:,.3f} USD of expected loss removed per extra USD")
    )


def _plan_rows(c: PlanComparison) -> list[Row]:
    a, b = c.current, c.domestic
    low_a, low_b = min(a.domestic_share.values()), min(b.domestic_share.values())
    rows: list[Row] = [
        ["landed cost, sourcing objective (MUSD)", _musd(a.cost_usd), _musd(b.cost_usd),
         _musd(c.extra_cost_usd)],
        ["landed cost per rack (USD)", round(a.cost_usd / c.racks), round(b.cost_usd / c.racks),
         round(c.extra_per_rack_usd)],
        ["proven gap to the cheapest plan (MUSD)", _musd(a.gap_usd), _musd(b.gap_usd), None],
        ["U.S. share of spend, lowest quarter", f"{low_a:.1%}", f"{low_b:.1%}",
         f"{(low_b - low_a) * 100:+.1f} points"],
        [f"red flags (of {a.scenarios} / {b.scenarios} scenarios)", a.red_flags, b.red_flags,
         b.red_flags - a.red_flags],
        ["Monte Carlo mean loss (MUSD a year)", _musd(a.mc_mean), _musd(b.mc_mean),
         _musd(b.mc_mean - a.mc_mean)],
    ]  # fmt: skip
    for (level, var_a, cvar_a), (_, var_b, cvar_b) in zip(a.mc_tails, b.mc_tails, strict=True):
        rows.append([f"VaR {level:.0%} (MUSD)", _musd(var_a), _musd(var_b), _musd(var_b - var_a)])
        rows.append(
            [f"CVaR {level:.0%} (MUSD)", _musd(cvar_a), _musd(cvar_b), _musd(cvar_b - cvar_a)]
        )
    per = c.removed_per_extra_usd
    rows.append(["expected loss removed per extra USD", None, None,
                 None if per is None else round(per, 4)])  # fmt: skip
    return rows


def _comparison(c: PlanComparison) -> Table:
    rows = _plan_rows(c)
    for e in c.exposures:
        rows.append(
            [
                f"loss: {e.id} (MUSD)",
                None if e.current_loss is None else _musd(e.current_loss),
                None if e.domestic_loss is None else _musd(e.domestic_loss),
                _musd(-e.removed),
            ]
        )
    return Table(
        title=f"The plan against the domestic-leaning plan ({_raise_text(c)})",
        columns=COMPARISON_COLUMNS,
        rows=rows,
        note="The domestic-leaning plan: the same sourcing problem with every quarter's domestic "
        "floor raised (ARISK10), solved to the same 1e-3 gap; its network is assessed with the "
        "same scenarios and Monte Carlo seed. Cost change = the two solves' objective "
        f"difference over {c.years:g} years and {c.racks:,} racks; expected loss removed per "
        "extra USD compares a year's Monte Carlo mean loss with a year's share of the extra "
        "cost. A blank loss: no site of that scenario in the plan's network.",
    )


def _products(result: RiskAssessment) -> Table:
    plan = result.plan_network
    rows: list[Row] = [
        [
            p.rack,
            p.racks_in_window,
            round(p.racks_per_week, 2),
            round(p.loss_weight_usd),
            p.loss_weight_basis,
        ]
        for p in plan.products
    ]
    return Table(
        title=f"Rack products in the window {plan.window}",
        columns=["rack", "racks in the quarter", "racks a week", "loss per rack (USD)", "basis"],
        rows=rows,
    )


def _heat_map(cells: tuple[HeatCell, ...]) -> Figure | None:
    if not cells:
        return None
    countries = sorted({c.country for c in cells})
    subsystems = list(dict.fromkeys(c.subsystem for c in sorted(cells, key=lambda c: c.subsystem)))
    by_cell = {(c.country, c.subsystem): c for c in cells}
    z = [
        [_musd(by_cell[(k, s)].loss) if (k, s) in by_cell else None for s in subsystems]
        for k in countries
    ]
    hover = [
        [
            f"{by_cell[(k, s)].nodes} sites-parts, TTR {by_cell[(k, s)].ttr:g} weeks, "
            f"TTS {by_cell[(k, s)].tts:,.1f} weeks"
            if (k, s) in by_cell
            else "no site"
            for s in subsystems
        ]
        for k in countries
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=subsystems,
            y=countries,
            text=hover,
            colorscale="Reds",
            colorbar={"title": {"text": "loss (MUSD)"}},
            hovertemplate="%{y} %{x}: %{z:,.0f} MUSD<br>%{text}<extra></extra>",
        )
    )
    fig.update_layout(xaxis_title="subsystem", yaxis_title="country of the sites")
    return figure_from(
        fig,
        "Exposure by country and subsystem",
        note="Each cell: the loss when every site of that subsystem in that country fails at "
        "once, for their longest TTR; blank: no such site in the network.",
    )


def _loss_histogram(mc: MonteCarloResult) -> Figure | None:
    edges, counts = mc.loss.histogram_edges, mc.loss.histogram_counts
    if not counts or mc.loss.maximum <= 0:
        return None
    mids = [(a + b) / 2 / 1e6 for a, b in itertools.pairwise(edges)]
    fig = go.Figure(go.Bar(x=mids, y=list(counts), name="trials"))
    fig.update_layout(
        xaxis_title="loss in a trial year (M USD)", yaxis_title="trials (log scale)", bargap=0.05
    )
    fig.update_yaxes(type="log", dtick=1)  # a tick per power of ten
    return figure_from(
        fig,
        f"Monte Carlo loss distribution ({mc.trials:,} trial years)",
        note="The first bar holds the years with no loss or a small one.",
    )


def _notes(result: RiskAssessment) -> list[str]:
    plan = result.plan_network
    notes = [
        f"Rates of the window {plan.window}, a week per period; time to survive capped at "
        f"{plan.network.horizon:g} weeks (ARISK09). Sources: {plan.basis}.",
        "Site TTRs: the catalog's ttr_weeks, else 13 weeks for fabs, memory and packaging and 7 "
        "for assembly plants (ARISK01). Inventory: stock at the integrator and one week of "
        "overseas arrivals in transit (ARISK08). Shock durations: ARISK07.",
        "Loss = racks not delivered over the TTR x the loss per rack (the integrator's margin, "
        "ARISK06, unless [scenario.risk] loss_weight_usd sets it).",
        *([result.comparison_skipped] if result.comparison_skipped else []),
        *plan.notes,
    ]
    if plan.single_source_parts:
        notes.append(
            "Single-source parts (one site in the network; its node scenario is the part's): "
            + ", ".join(plan.single_source_parts)
        )
    return notes
