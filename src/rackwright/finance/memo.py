"""The one-page purchase decision memo: verdict, figures, what drives it, what would flip it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rackwright.finance.assumptions import AssumptionRange
from rackwright.finance.decision import DecisionFigures, DecisionInputs, Verdict, evaluate
from rackwright.finance.drivers import Flip, FlipPoint, decision_drivers, flip_point
from rackwright.finance.sensitivity import Tornado, tornado
from rackwright.finance.tco import with_facility_value

MEMO_DRIVERS = 5
_FACILITY = {"pue_ratio", "electricity_usd_per_kwh", "build_cost_usd_per_w"}


@dataclass(frozen=True)
class PurchaseDecision:
    """The decision with its figures, flip points (closest first) and NPV tornado."""

    inputs: DecisionInputs
    figures: DecisionFigures
    flips: tuple[FlipPoint, ...]
    tornado: Tornado

    @property
    def verdict(self) -> Verdict:
        """What the memo recommends."""
        return self.figures.verdict

    def memo(self) -> list[str]:
        """The memo as short paragraphs."""
        return memo_lines(self)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        t = self.inputs.terms
        return {
            "verdict": self.verdict.value,
            "terms": {
                "rack": t.rack,
                "racks": t.racks,
                "price_usd_per_rack": t.price_usd_per_rack,
                "delivery": t.delivery,
                "deadline": t.deadline,
                "years_to_deadline": t.years_to_deadline,
            },
            "throughput_ratio": self.inputs.option.throughput_ratio,
            "throughput_basis": self.inputs.option.ratio_basis,
            "figures": self.figures.to_json(),
            "exercise_npv_usd_total": self.figures.exercise_npv_usd * t.racks,
            "option_value_usd_total": self.figures.option_value_usd * t.racks,
            "flips": [f.to_json() for f in self.flips],
            "tornado": self.tornado.to_json(),
            "memo": self.memo(),
        }


def decide(inputs: DecisionInputs, ranges: Sequence[AssumptionRange] = ()) -> PurchaseDecision:
    """Evaluate the decision, find each driver's flip point and sweep ``ranges`` on its NPV."""
    figures = evaluate(inputs)
    flips = sorted(
        (flip_point(inputs, d) for d in decision_drivers()),
        key=lambda f: abs(f.change) if f.change is not None else float("inf"),
    )
    return PurchaseDecision(inputs, figures, tuple(flips), npv_tornado(inputs, figures, ranges))


def npv_tornado(
    inputs: DecisionInputs, figures: DecisionFigures, ranges: Sequence[AssumptionRange]
) -> Tornado:
    """Exercise NPV per rack with each facility or TCO assumption at its low and high."""
    own = {
        "cost_of_capital",
        "rack_life_years",
        "facility_life_years",
        "utilisation",
        "maintenance_fraction_per_year",
        "spares_fraction",
        "staff_usd_per_mw_year",
    }

    def at(name: str, value: float) -> float | None:
        if name in _FACILITY:
            changed = replace(inputs, facility=with_facility_value(inputs.facility, name, value))
        elif name in own:
            changed = replace(inputs, assumptions=inputs.assumptions.with_value(name, value))
        else:
            return None
        return evaluate(changed).exercise_npv_usd

    subject = f"exercise {inputs.terms.rack} vs {figures.best_alternative.rack}"
    return tornado("exercise_npv_usd_per_rack", subject, figures.exercise_npv_usd, ranges, at)


def _money(usd: float) -> str:
    if abs(usd) >= 1e9:
        return f"${usd / 1e9:,.2f}B"
    if abs(usd) >= 1e6:
        return f"${usd / 1e6:,.2f}M"
    return f"${usd:,.0f}"


def _move_text(f: FlipPoint, flip: Flip) -> str:
    move = f.move(flip) or 0.0
    return f"{move * 100:+.1f} points" if f.additive else f"{move:+.0%}"


def _flip_line(f: FlipPoint) -> str:
    sides = [
        f"{flip.verdict.value} at {flip.value:.4g} ({_move_text(f, flip)})"
        for flip in (f.lower, f.higher)
        if flip is not None
    ]
    if not sides:
        return f"{f.label} ({f.base:.4g}): no flip within the searched range"
    return f"{f.label} ({f.base:.4g}): " + ", ".join(sides)


def memo_lines(decision: PurchaseDecision) -> list[str]:
    """Verdict, cost comparison, value of waiting, throughput basis and the closest flips."""
    d, t, f = decision.inputs, decision.inputs.terms, decision.figures
    best, own = f.best_alternative, f.own
    action = {
        Verdict.EXERCISE: "exercise the option now",
        Verdict.WAIT: "hold the option and decide by the deadline",
        Verdict.DECLINE: "let the option lapse and buy the best alternative",
    }[f.verdict]
    u = d.uncertainty
    lines = [
        f"Decision: {action} ({t.racks:,} x {t.rack} at {_money(t.price_usd_per_rack)} per rack, "
        f"units delivered {t.delivery}, deadline {t.deadline}).",
        f"Useful work: {own.workload} ({own.kind}). Exercising costs "
        f"${own.usd_per_million_tokens:,.4f} per million tokens against "
        f"${best.usd_per_million_tokens:,.4f} on the best alternative, {best.rack} at its market "
        f"price: exercise NPV {_money(f.exercise_npv_usd)} per rack, "
        f"{_money(f.exercise_npv_usd * t.racks)} in all, over a {d.assumptions.rack_life_years:g}"
        f"-year life at {d.assumptions.cost_of_capital:.0%} cost of capital.",
        f"Value of waiting: the option is worth {_money(f.option_value_usd)} per rack "
        f"(American call on the lattice, {d.steps} steps, {t.years_to_deadline:.2f} years to the "
        f"deadline, volatility {f.volatility:.0%} from price {u.price_volatility_per_year:.0%} "
        f"and demand {u.demand_volatility_per_year:.0%} ({u.demand_volatility_basis}), yield "
        f"{f.dividend_yield:.1%} = cost of capital - price trend {u.price_trend_per_year:+.1%} a "
        f"year); waiting adds {_money(f.value_of_waiting_usd)} per rack over acting today.",
        f"Throughput counted at {d.option.throughput_ratio:.1%} of the model's prediction "
        f"({d.option.ratio_basis}).",
        "What would flip it (closest first): "
        + "; ".join(_flip_line(x) for x in decision.flips[:MEMO_DRIVERS])
        + ".",
    ]
    return lines
