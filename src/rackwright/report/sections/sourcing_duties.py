"""The sourcing section's duty tables and chart: what the plan pays by rule family (MFN, 232,
301, surcharges) and quarter, how much of the domestic-content premium the duties offset, the
plan re-priced under each policy scenario, and a rack integrated in Mexico vs imported as parts.

Presents ``SourcingStageResult.duties`` (``rackwright.tariffs.plan_duties``); computes nothing.
"""

from __future__ import annotations

from rackwright.report.charts import bar
from rackwright.report.section import Figure, Table
from rackwright.tariffs.models import FAMILY_ORDER, Family
from rackwright.tariffs.plan_duties import PlanDuties

FAMILY_LABELS = {
    Family.MFN: "MFN",
    Family.S232: "Section 232",
    Family.S301: "Section 301",
    Family.SURCHARGE: "surcharges (IEEPA, Section 122)",
}


def duty_summary(duties: PlanDuties) -> str:
    """One line: total duty and its split by family."""
    split = ", ".join(
        f"{FAMILY_LABELS[f]} {usd / 1e6:,.1f}" for f, usd in duties.by_family.items() if usd > 0
    )
    return f"duties {duties.total_usd / 1e6:,.1f} MUSD over the horizon ({split or 'none'})"


def duty_tables(duties: PlanDuties) -> list[Table]:
    """Duties by family and rule, the premium offset, the scenarios, and the Mexico racks."""
    if duties.total_usd <= 0 and not duties.premium:
        return []
    return [_by_rule(duties), _premium(duties), _scenarios(duties), _mexico(duties)]


def _by_rule(duties: PlanDuties) -> Table:
    total = duties.total_usd or 1.0
    rows: list[list[str | float | int | None]] = [
        [FAMILY_LABELS[r.family], r.rule, r.name, round(r.usd), _pct(r.usd / total)]
        for family in FAMILY_ORDER
        for r in duties.by_rule
        if r.family is family
    ]
    return Table(
        title="Duties of the plan by rule",
        columns=["family", "rule", "name", "duty USD", "share of duties"],
        rows=rows,
        note="Each order pays the rules in force in the quarter it arrives (day-weighted within "
        "the quarter); `rackwright tariffs show` explains any line.",
        group_columns=1,
    )


def _premium(duties: PlanDuties) -> Table:
    rows: list[list[str | float | int | None]] = [
        [
            p.part_id,
            round(p.qty),
            round(p.premium_usd),
            round(p.duty_avoided_usd),
            _pct(p.offset_share),
            p.foreign_offer,
        ]
        for p in duties.premium
    ]
    premium = sum(p.premium_usd for p in duties.premium)
    avoided = sum(p.duty_avoided_usd for p in duties.premium)
    if duties.premium:
        rows.append(
            [
                "all parts bought in the U.S.",
                None,
                round(premium),
                round(avoided),
                _pct(avoided / premium),
                "",
            ]
        )
    return Table(
        title="Domestic-content premium and the duties it avoids",
        columns=["part", "units", "premium USD", "duty avoided USD", "share offset", "vs offer"],
        rows=rows,
        note="Premium = price paid to U.S. sites above the cheapest foreign offer of the same part "
        "for the same units; duty avoided = what that foreign offer would have paid in duties in "
        "the same quarters (freight and qualification not counted).",
    )


def _scenarios(duties: PlanDuties) -> Table:
    rows: list[list[str | float | int | None]] = [
        [
            s.scenario,
            round(s.usd),
            *(round(s.by_family.get(f, 0.0)) for f in FAMILY_ORDER),
            s.description,
        ]
        for s in duties.scenarios
    ]
    return Table(
        title="The plan's orders under each tariff policy scenario",
        columns=["scenario", "duty USD", *(FAMILY_LABELS[f] for f in FAMILY_ORDER), "what changes"],
        rows=rows,
        note="Same orders, re-priced: a scenario that changed the plan would change it further. "
        "Scenario parameters are illustrative alternatives (tariffs/data/scenarios.toml).",
    )


def _mexico(duties: PlanDuties) -> Table:
    rows: list[list[str | float | int | None]] = [
        [
            m.rack,
            m.period,
            round(m.rack_value_usd),
            round(m.parts_duty_usd),
            round(m.mexico_usmca_duty_usd),
            round(m.mexico_non_usmca_duty_usd),
        ]
        for m in duties.mexico
    ]
    return Table(
        title="Duty per rack: parts imported vs the rack integrated in Mexico",
        columns=[
            "rack",
            "quarter",
            "rack value USD",
            "parts imported",
            "Mexico, USMCA-qualifying",
            "Mexico, not qualifying",
        ],
        rows=rows,
        note="A rack integrated in Mexico enters whole as a computer (8471.50, CBP NY N342790) "
        "on the whole rack's value; the optimizer itself prices parts at their origins (T-A8).",
    )


def duty_figures(duties: PlanDuties) -> list[Figure]:
    """Duty per quarter, stacked by family."""
    if duties.total_usd <= 0:
        return []
    return [
        bar(
            "Duties by rule family and arrival quarter",
            list(duties.periods),
            {
                FAMILY_LABELS[f]: [usd / 1e6 for usd in duties.by_family_period[f]]
                for f in FAMILY_ORDER
                if any(duties.by_family_period[f])
            },
            x_title="arrival quarter",
            y_title="duty (M USD per quarter)",
            stacked=True,
        )
    ]


def _pct(share: float) -> str:
    return f"{share:.1%}"
