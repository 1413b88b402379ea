"""Report section ``decision``: the one-page purchase decision memo.

Presents the decision stage (``rackwright.finance.stage``): the verdict on the [purchase_option]
(exercise, wait, decline), the cost of the option's work against the best alternative bought on
the market, the value of waiting (binomial lattice), the assumptions that drive it with how far
each would have to move to flip it, and the early-access evaluation it counts.
"""

from __future__ import annotations

from rackwright.chain import ChainRun, PlanInputs
from rackwright.evaluation import EvaluationReport
from rackwright.finance.drivers import Flip, FlipPoint
from rackwright.finance.memo import PurchaseDecision
from rackwright.finance.stage import DECISION, DecisionStageResult
from rackwright.report.charts import bar
from rackwright.report.section import Figure, Section, Table, summary_only
from rackwright.report.sections.tco import tornado_figure


def _side(point: FlipPoint, flip: Flip | None) -> list[str | float | int | None]:
    if flip is None:
        return [None, None, None]
    move = point.move(flip) or 0.0
    shown = f"{move * 100:+.1f} points" if point.additive else f"{move:+.0%}"
    return [flip.verdict.value, round(flip.value, 4), shown]


def _flip_table(decision: PurchaseDecision) -> Table:
    return Table(
        title="What would flip the decision (closest first)",
        columns=[
            "assumption",
            "unit",
            "base",
            "below: verdict",
            "at",
            "move",
            "above: verdict",
            "at",
            "move",
        ],
        rows=[
            [f.label, f.unit, round(f.base, 4), *_side(f, f.lower), *_side(f, f.higher)]
            for f in decision.flips
        ],
        note="Each assumption moved alone, the others at base; '-' where no flip lies in the "
        "searched range.",
    )


def _offers_table(decision: PurchaseDecision) -> Table:
    f = decision.figures
    offers = [("option", f.own), *(("alternative", a) for a in f.alternatives)]
    return Table(
        title=f"Cost of the option's work ({f.own.workload}) on each way to buy it",
        columns=[
            "offer",
            "rack",
            "USD per M tokens",
            "tokens/s per kW",
            "tokens per USD",
            "basis",
        ],
        rows=[
            [
                kind,
                w.rack,
                round(w.usd_per_million_tokens, 4),
                round(w.tokens_per_s_per_kw),
                round(w.tokens_per_usd),
                w.basis,
            ]
            for kind, w in offers
        ],
    )


def _evaluation_table(report: EvaluationReport) -> Table:
    return Table(
        title=f"Early-access evaluation {report.program} ({report.system}): acceptance criteria",
        columns=["criterion", "rule", "figure", "limit", "unit", "outcome"],
        rows=[
            [c.id, c.rule, c.figure, f"{c.bound} {c.limit:g}", c.unit, c.outcome.value]
            for c in report.criteria
        ],
    )


def _cost_chart(decision: PurchaseDecision) -> Figure:
    f = decision.figures
    offers = [f.own, *f.alternatives]
    return bar(
        f"Cost per million tokens of {f.own.workload}: the option and the alternatives",
        [f"{w.rack} ({'option' if w is f.own else 'market'})" for w in offers],
        {"USD per million tokens": [w.usd_per_million_tokens for w in offers]},
        x_title="rack design",
        y_title="USD per million tokens",
    )


def _verdict_line(decision: PurchaseDecision) -> str:
    f, t = decision.figures, decision.inputs.terms
    return (
        f"verdict: {f.verdict.value} ({t.racks:,} x {t.rack}); exercise NPV "
        f"${f.exercise_npv_usd * t.racks / 1e6:,.0f}M in all, option worth "
        f"${f.option_value_usd * t.racks / 1e6:,.0f}M"
    )


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The decision memo (a short note when the scenario has no [purchase_option])."""
    result: DecisionStageResult = run.result(DECISION)
    decision = result.decision
    if decision is None:
        return summary_only(
            DECISION,
            "the scenario has no [purchase_option]: there is no decision to value",
            result.to_json(),
        )
    tables = [_flip_table(decision), _offers_table(decision)]
    if result.evaluation is not None:
        tables.append(_evaluation_table(result.evaluation))
    return Section(
        key=DECISION.key,
        title=DECISION.title,
        summary=[_verdict_line(decision), *result.memo()],
        data=result.to_json(),
        tables=tables,
        figures=[
            _cost_chart(decision),
            tornado_figure(decision.tornado, "exercise NPV, USD per rack"),
        ],
        notes=[
            "The memo above is the one-page decision: the verdict, the figures behind it, the "
            "value of waiting and the closest flip points.",
            *(f"cannot run: {p}" for p in result.problems),
        ],
    )
