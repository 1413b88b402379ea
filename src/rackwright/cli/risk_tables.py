"""Tables of ``rackwright risk``: scenarios ranked by REI, Monte Carlo, mitigations, shocks
(presentation only)."""

from __future__ import annotations

from rich.table import Table

from rackwright.cli.common import console
from rackwright.risk import MitigationPlan, MonteCarloResult, RiskAnalysis
from rackwright.risk.stage import RiskAssessment


def _fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def print_analysis(analysis: RiskAnalysis, title: str, limit: int | None = None) -> None:
    """Scenarios ranked by REI (the first ``limit``), red flags with their shortfall window and
    what is lost."""
    table = Table(title=title)
    for column in ("scenario", "kind", "TTR", "loss", "REI", "TTS", "red flag", "products losing"):
        table.add_column(column, justify="left" if column in ("scenario", "kind") else "right")
    ranked = analysis.ranking()
    for s in ranked[:limit]:
        flag = f"yes ({_fmt(s.tts)}-{_fmt(s.ttr)})" if s.red_flag else "no"
        losing = ", ".join(f"{p.node} {_fmt(p.lost_units)}" for p in s.products)
        table.add_row(
            s.id,
            s.kind.value,
            _fmt(s.ttr),
            _fmt(s.loss),
            f"{s.rei:.3f}",
            _fmt(s.tts),
            flag,
            losing or "-",
        )
    console.print(table)
    if limit is not None and len(ranked) > limit:
        console.print(f"... {len(ranked) - limit} more scenarios (--top, or --json for all)")
    console.print(
        f"{len(analysis.scenarios)} scenarios, {len(analysis.red_flags())} red flags; "
        f"undisrupted network survives {_fmt(analysis.baseline_tts)} {analysis.period}s "
        f"(horizon {_fmt(analysis.horizon)}); {analysis.lp_solves} LP solves",
        markup=False,
    )


def print_montecarlo(result: MonteCarloResult, period: str) -> None:
    """Mean, VaR and CVaR of lost units and value, and the events that cost the most."""
    table = Table(title=f"Monte Carlo: {result.trials:,} trials, seed {result.seed}")
    for column in ("measure", "lost value", "lost units"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    value, units = result.loss, result.lost_units
    table.add_row("mean", _fmt(value.mean), _fmt(units.mean))
    table.add_row(
        "P(loss > 0)", f"{value.probability_positive:.4f}", f"{units.probability_positive:.4f}"
    )
    for tail_value, tail_units in zip(value.tails, units.tails, strict=True):
        table.add_row(f"VaR {tail_value.level:g}", _fmt(tail_value.var), _fmt(tail_units.var))
        table.add_row(f"CVaR {tail_value.level:g}", _fmt(tail_value.cvar), _fmt(tail_units.cvar))
    table.add_row("max", _fmt(value.maximum), _fmt(units.maximum))
    console.print(table)
    events = Table(title="events by mean loss of the trials they hit")
    for column in ("event", "nodes", "P per trial", f"duration ({period}s)", "hits", "mean loss"):
        events.add_column(column, justify="left" if column in ("event", "nodes") else "right")
    for e in sorted(result.events, key=lambda e: (-e.mean_trial_loss, e.id))[:15]:
        events.add_row(
            e.id,
            ", ".join(e.nodes[:4]) + (" ..." if len(e.nodes) > 4 else ""),
            f"{e.probability:.4g}",
            e.duration,
            f"{e.occurrences:,}",
            _fmt(e.mean_trial_loss),
        )
    console.print(events)
    console.print(
        f"{result.multi_event_trials:,} trials with several events; {result.lp_solves:,} LP solves",
        markup=False,
    )


def print_mitigations(plan: MitigationPlan) -> None:
    """Mitigations ranked by exposure removed per dollar."""
    table = Table(title="mitigations, ranked by exposure removed per dollar a year")
    for column in ("red flag", "mitigation", "what", "exposure removed", "cost / year", "per $"):
        table.add_column(
            column, justify="left" if column in ("red flag", "mitigation", "what") else "right"
        )
    for m in plan.mitigations:
        what = "; ".join(
            f"{n.node}: {_fmt(n.buffer_units)} units"
            if m.kind.value == "buffer"
            else f"{n.node}: {_fmt(n.rate)}/{plan.period}"
            for n in m.nodes
        )
        cost = "unknown (no unit_cost)" if m.annual_cost is None else _fmt(m.annual_cost)
        per = "-" if m.per_dollar is None else f"{m.per_dollar:,.3g}"
        table.add_row(
            m.scenario, m.kind.value.replace("_", " "), what, _fmt(m.exposure_removed), cost, per
        )
    console.print(table)
    if plan.unmitigable:
        console.print(
            "no buffer or second source at the failed nodes clears: " + ", ".join(plan.unmitigable),
            markup=False,
        )


def print_shocks(result: RiskAssessment) -> None:
    """The named country and policy shocks of the plan's network."""
    table = Table(title="country and policy shocks")
    for column in ("shock", "what", "weeks", "loss", "REI", "TTS", "red flag"):
        table.add_column(column, justify="left" if column in ("shock", "what") else "right")
    for shock in result.plan_network.shocks:
        s = result.analysis.scenario(shock.scenario)
        table.add_row(
            shock.label,
            shock.title,
            _fmt(s.ttr),
            _fmt(s.loss),
            f"{s.rei:.3f}",
            _fmt(s.tts),
            "yes" if s.red_flag else "no",
        )
    console.print(table)


def print_plan_risk(result: RiskAssessment, summary: list[str], top: int) -> None:
    """The plan's risk stage: its summary, ranking, shocks, Monte Carlo and mitigations."""
    for line in summary:
        console.print(line, markup=False, soft_wrap=True)
    print_analysis(
        result.analysis,
        f"plan's disruption scenarios, window {result.plan_network.window} (ranked by REI)",
        limit=top,
    )
    print_shocks(result)
    print_montecarlo(result.montecarlo, result.plan_network.network.period)
    print_mitigations(result.mitigations)
