"""Report section ``demand``: the lab's demand cases as racks, GPUs and MW per generation per
quarter, and the build plan the factory and sourcing stages plan.

Presents the demand stage (``rackwright.demand.stage``): the growth of each case through the
performance model's rates (workloads stage) into racks (rack stage: GPUs per rack, typical
power); with ``build = "explicit"`` the gap of the [[build]] lots to the build case, with
``build = "from-demand"`` the build case's racks as the plan.
"""

from __future__ import annotations

from rackwright.chain import ChainRun, PlanInputs
from rackwright.demand.models import BuildGap, CaseResult, DemandResult
from rackwright.demand.stage import DEMAND, DemandStageResult
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, Section, Table, summary_only


def _periods(case: CaseResult) -> list[str]:
    return list(dict.fromkeys(g.period for g in case.generations))


def _racks_named(case: CaseResult) -> list[str]:
    return list(dict.fromkeys(g.rack for g in case.generations))


def _case_line(case: CaseResult) -> str:
    c, last = case.case, _periods(case)[-1]
    racks, gpus = case.total(last, "racks_installed"), case.total(last, "gpus")
    return (
        f"case {c.name} (training {c.training_growth_per_year:+.0%}/yr, inference "
        f"{c.inference_growth_per_year:+.0%}/yr): {racks:,.0f} racks, {gpus:,.0f} GPUs, "
        f"{case.total(last, 'power_mw'):,.0f} MW installed by {last}"
    )


def _gap_line(result: DemandStageResult, projection: DemandResult) -> str:
    implied = sum(g.from_demand_racks for g in projection.gap)
    if result.from_demand:
        return (
            f'build = "from-demand": the factory and sourcing plan the {projection.build_case} '
            f"case's {implied:,} racks ({len(result.builds)} quarterly lots)"
        )
    explicit = sum(g.explicit_racks for g in projection.gap)
    return (
        f"the explicit [[build]] plan builds {explicit:,} racks, the {projection.build_case} case "
        f'implies {implied:,} ({explicit - implied:+,}); the plan stands (build = "explicit")'
    )


def _summary(result: DemandStageResult, projection: DemandResult) -> list[str]:
    lines = [_case_line(c) for c in projection.cases]
    lines.append(_gap_line(result, projection))
    lines += [f"cannot run: {p}" for p in result.problems]
    return lines


def _quarter_table(projection: DemandResult) -> Table:
    rows: list[list[str | float | int | None]] = [
        [c.case.name, g.period, g.rack, g.racks_installed, g.racks_built, g.racks_retired, g.gpus,
         round(g.power_mw, 1)]
        for c in projection.cases
        for g in c.generations
        if g.racks_installed or g.racks_retired
    ]  # fmt: skip
    return Table(
        title="Racks, GPUs and MW per generation per quarter, per demand case",
        columns=["case", "quarter", "rack", "racks", "built", "retired", "GPUs", "MW"],
        rows=rows,
        group_columns=2,
        visible_rows=24,
        note=f"MW = racks x typical rack power (rack engineering) x PUE {projection.pue_ratio:g}.",
    )


def _gap_table(gap: tuple[BuildGap, ...], case: str) -> Table:
    return Table(
        title=f"Explicit [[build]] plan against the {case} case's racks built",
        columns=["quarter", "rack", "explicit", "from demand", "gap"],
        rows=[
            [g.period, g.rack, g.explicit_racks, g.from_demand_racks, g.gap]
            for g in gap
            if g.explicit_racks or g.from_demand_racks
        ],
        note="Gap = explicit minus from-demand (positive: the plan builds more than demand needs).",
    )


def _rates_table(result: DemandStageResult) -> Table:
    return Table(
        title="Work rates the demand turns into racks (performance model)",
        columns=["workload", "kind", "rack", "tokens/s per GPU", "basis"],
        rows=[
            [r.workload, r.kind, r.rack, round(r.tokens_per_s_per_gpu, 1), r.basis]
            for r in result.rates
        ],
    )


def _racks_chart(case: CaseResult) -> Figure:
    periods = _periods(case)
    by = {(g.period, g.rack): g.racks_installed for g in case.generations}
    return bar(
        f"Case {case.case.name}: racks installed per generation per quarter",
        periods,
        {rack: [by[(p, rack)] for p in periods] for rack in _racks_named(case)},
        x_title="quarter",
        y_title="racks installed",
        stacked=True,
    )


def _totals_chart(projection: DemandResult, field: str, title: str, unit: str) -> Figure:
    periods = _periods(projection.cases[0])
    return line(
        title,
        periods,
        {c.case.name: [c.total(p, field) for p in periods] for c in projection.cases},
        x_title="quarter",
        y_title=unit,
    )


def _gap_chart(gap: tuple[BuildGap, ...], case: str) -> Figure:
    periods = list(dict.fromkeys(g.period for g in gap))

    def per_quarter(attr: str) -> list[float]:
        return [float(sum(getattr(g, attr) for g in gap if g.period == p)) for p in periods]

    return bar(
        f"Racks built per quarter: explicit plan and the {case} case",
        periods,
        {"explicit [[build]]": per_quarter("explicit_racks"),
         f"{case} case": per_quarter("from_demand_racks")},
        x_title="quarter",
        y_title="racks built",
    )  # fmt: skip


def _figures(projection: DemandResult) -> list[Figure]:
    return [
        *(_racks_chart(c) for c in projection.cases),
        _totals_chart(projection, "gpus", "GPUs installed per quarter, per demand case", "GPUs"),
        _totals_chart(
            projection, "power_mw", "Facility power per quarter, per demand case", "MW (at PUE)"
        ),
        _gap_chart(projection.gap, projection.build_case),
    ]


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The demand section (a short note when the scenario has no [demand] block)."""
    result: DemandStageResult = run.result(DEMAND)
    projection = result.projection
    if projection is None:
        return summary_only(
            DEMAND,
            "the scenario has no [demand] block: the explicit [[build]] plan stands",
            result.to_json(),
        )
    return Section(
        key=DEMAND.key,
        title=DEMAND.title,
        summary=_summary(result, projection),
        data=result.to_json(),
        tables=[
            _gap_table(projection.gap, projection.build_case),
            _quarter_table(projection),
            _rates_table(result),
        ],
        figures=_figures(projection),
        notes=[
            f"Mix rule {projection.mix.value} (ramp {projection.ramp_quarters} quarters); racks "
            f"serve {projection.service_life_quarters} quarters, then retire.",
            "Demand starts from the scenario's workloads times the [demand] start multiples and "
            "grows by each case's yearly rates; the growth rates cite their sources in the "
            "scenario file.",
        ],
    )
