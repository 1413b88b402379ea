"""Plan section: every rack engineering rule on every generation of the scenario."""

from __future__ import annotations

import plotly.graph_objects as go

from rackwright.chain import ChainRun, PlanInputs
from rackwright.rack import WARN_FRACTION, RackReport, Status, display, rule_ids
from rackwright.rack.stage import RACK, RackStageResult
from rackwright.report.charts import Guide, figure_from
from rackwright.report.section import Figure, Section, Table


def _cell(report: RackReport, rule: str) -> str:
    r = report.result(rule)
    if r.status is Status.NOT_APPLICABLE or r.limit is None:
        return r.status.value
    use = f" {r.utilisation:.0%}" if r.utilisation is not None else ""
    return f"{r.status.value}{use} ({display(r.computed, r.unit)} / {display(r.limit, r.unit)})"


def _matrix(reports: list[RackReport]) -> Table:
    titles = {r.rule: r.title for r in reports[0].results}
    rows: list[list[str | float | int | None]] = [
        [titles[rule], *(_cell(report, rule) for report in reports)] for rule in rule_ids()
    ]
    return Table(
        title="Rack rules by generation: status, use of the limit (computed / limit)",
        columns=["rule", *(r.rack_id for r in reports)],
        rows=rows,
        note=f"warn above {WARN_FRACTION:.0%} of a rating; counts (GPUs, rack units, cables, "
        "ports) only pass or fail.",
    )


def _details(reports: list[RackReport]) -> Table:
    rows: list[list[str | float | int | None]] = []
    for report in reports:
        for r in report.results:
            rows.append(
                [
                    report.rack_id,
                    r.title,
                    r.status.value,
                    r.computed,
                    r.limit,
                    r.unit,
                    None if r.utilisation is None else round(r.utilisation, 3),
                    r.explanation,
                ]
            )
    return Table(
        title="Rack rule details (SI units)",
        columns=["rack", "rule", "status", "computed", "limit", "unit", "use", "why"],
        rows=rows,
    )


def _supplies(reports: list[RackReport]) -> Table:
    rows: list[list[str | float | int | None]] = []
    for report in reports:
        a = report.analysis
        rows.append(
            [
                report.rack_id,
                round(a.dc_load_max_w / 1e3, 1),
                a.power_shelves_count,
                a.shelves_needed_n_count,
                a.shelves_needed_n_plus_1_count,
                a.shelves_needed_n_plus_n_count,
                a.psus_count,
                a.psus_needed_n_count,
                a.psus_needed_n_plus_1_count,
                a.psus_needed_n_plus_n_count,
            ]
        )
    return Table(
        title="Power supplies installed vs needed at N, N+1 and N+N",
        columns=[
            "rack",
            "max DC load (kW)",
            "shelves",
            "N",
            "N+1",
            "N+N",
            "PSUs",
            "N",
            "N+1",
            "N+N",
        ],
        rows=rows,
    )


def _utilisation_chart(reports: list[RackReport]) -> Figure:
    """Use of each rated limit, one horizontal bar per generation (the rules' names are long)."""
    fig = go.Figure()
    for report in reports:
        rated = [r for r in report.results if r.utilisation is not None]
        fig.add_trace(
            go.Bar(
                name=report.rack_id,
                orientation="h",
                y=[r.title for r in rated],
                x=[100.0 * (r.utilisation or 0.0) for r in rated],
                text=[r.status.value for r in rated],
                textposition="none",  # the status reads in the hover, not squeezed into bars
                hovertext=[r.explanation for r in rated],
            )
        )
    rules = len({r.title for report in reports for r in report.results})
    fig.update_layout(
        barmode="group",
        xaxis_title="use of the limit (% of rating)",
        yaxis_title="engineering rule",
        yaxis_autorange="reversed",  # first rule on top, as in the table
        height=max(420, 120 + rules * 12 * len(reports)),
    )
    guides = [
        Guide("x", 100.0, "limit", dash="solid", color="firebrick"),
        Guide(
            "x", 100.0 * WARN_FRACTION, "warn", dash="dot", color="darkorange", label_before=True
        ),
    ]
    return figure_from(fig, "Use of each engineering limit per generation", guides=guides)


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The rack engineering section."""
    result: RackStageResult = run.result(RACK)
    reports = list(result.reports)
    summary = [report.summary_line() for report in reports]
    for report in reports:
        for r in report.results:
            if r.status in (Status.WARN, Status.FAIL):
                summary.append(f"{report.rack_id} {r.status.value}: {r.title}: {r.explanation}")
    return Section(
        key=RACK.key,
        title=RACK.title,
        summary=summary,
        data=result.to_json(),
        tables=[_matrix(reports), _supplies(reports), _details(reports)],
        figures=[_utilisation_chart(reports)],
        notes=[
            "Every figure is summed from the rack's components (qty x component), so a "
            "component override in a user catalog flows into these checks.",
            "Coolant flow from Q = m·cp·ΔT with the rack's coolant and temperature rise.",
        ],
    )
