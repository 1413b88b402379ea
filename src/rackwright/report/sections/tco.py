"""Report section ``tco``: what each rack design costs to own, what its work costs, and which
assumptions move it most (tornado).

Presents the TCO stage (``rackwright.finance.stage``): rack capex from the BOM stage (never the
list price), power from rack engineering, rates from the workloads stage, facility economics from
the scenario's facility, every other term from the sourced finance defaults.
"""

from __future__ import annotations

from rackwright.chain import ChainRun, PlanInputs
from rackwright.finance.sensitivity import Tornado
from rackwright.finance.stage import TCO, TcoStageResult
from rackwright.finance.study import TcoStudy
from rackwright.finance.tco import RackTco
from rackwright.report.charts import bar, tornado
from rackwright.report.section import Figure, Section, Table

TORNADO_BARS = 8


def _rack_line(r: RackTco) -> str:
    return (
        f"{r.rack}: ${r.tco_usd_per_rack_year / 1e6:,.2f}M per rack-year, "
        f"${r.tco_usd_per_gpu_hour:,.2f} per GPU-hour; capex ${r.capex_usd / 1e6:,.2f}M "
        f"(rack ${r.rack_capex_usd / 1e6:,.2f}M: {r.capex_detail})"
    )


def _summary(result: TcoStageResult) -> list[str]:
    study = result.study
    lines = [_rack_line(r) for r in study.racks]
    lines += [
        f"{w.workload} on {w.rack}: ${w.usd_per_million_tokens:,.4f} per million tokens"
        + (f", ${w.run_cost_usd / 1e6:,.1f}M per run" if w.run_racks else "")
        for w in study.workloads
    ]
    for t in study.tornados[: len(study.racks)]:
        if t.bars:
            top = t.bars[0]
            lines.append(
                f"{t.subject}: most sensitive to {top.label} "
                f"(${top.result_at_low / 1e6:,.2f}M..${top.result_at_high / 1e6:,.2f}M a year)"
            )
    return lines + [f"cannot run: {p}" for p in result.problems]


def _rack_table(study: TcoStudy) -> Table:
    return Table(
        title="TCO per rack (USD)",
        columns=[
            "rack",
            "capex",
            "of which rack",
            "capex source",
            "energy kWh/yr",
            "opex/yr",
            "TCO/rack-yr",
            "TCO/GPU-h",
        ],
        rows=[
            [
                r.rack,
                round(r.capex_usd),
                round(r.rack_capex_usd),
                r.capex_detail,
                round(r.energy_kwh_per_year),
                round(r.opex_usd_per_year),
                round(r.tco_usd_per_rack_year),
                round(r.tco_usd_per_gpu_hour, 2),
            ]
            for r in study.racks
        ],
        note="Energy = typical rack power x 8,760 h x PUE (network energy is separate).",
    )


def _work_table(study: TcoStudy) -> Table:
    return Table(
        title="Cost of work",
        columns=[
            "workload",
            "rack",
            "USD per M tokens",
            "run cost (USD)",
            "tokens/s per kW",
            "tokens per USD",
            "basis",
        ],
        rows=[
            [
                w.workload,
                w.rack,
                round(w.usd_per_million_tokens, 4),
                round(w.run_cost_usd) if w.run_racks else None,
                round(w.tokens_per_s_per_kw),
                round(w.tokens_per_usd),
                w.basis,
            ]
            for w in study.workloads
        ],
    )


def _assumption_table(study: TcoStudy) -> Table:
    a = study.assumptions
    rows: list[list[str | float | int | None]] = [
        [name, value["value"], ", ".join(value["sources"]) or "labelled assumption"]
        for name, value in a.to_json().items()
    ]
    f = study.facility
    rows += [
        [f"facility {f.facility_id}: PUE", f.pue_ratio, "catalog facility entry"],
        [f"facility {f.facility_id}: electricity USD/kWh", f.electricity_usd_per_kwh,
         "catalog facility entry"],
        [f"facility {f.facility_id}: build cost USD/W", f.build_cost_usd_per_w,
         "catalog facility entry"],
    ]  # fmt: skip
    return Table(title="Finance assumptions", columns=["assumption", "value", "sources"], rows=rows)


def _breakdown(study: TcoStudy) -> Figure:
    racks = [r.rack for r in study.racks]
    parts = {
        "rack, spares and network capital": [r.capital_usd_per_year for r in study.racks],
        "facility capital": [r.facility_usd_per_year for r in study.racks],
        "energy": [r.energy_usd_per_year for r in study.racks],
        "maintenance": [r.maintenance_usd_per_year for r in study.racks],
        "staff": [r.staff_usd_per_year for r in study.racks],
    }
    return bar(
        "TCO per rack-year by part",
        racks,
        parts,
        x_title="rack design",
        y_title="USD per rack-year",
        stacked=True,
        note="Capital parts are yearly charges at the cost of capital over each life.",
    )


def tornado_figure(t: Tornado, x_title: str) -> Figure:
    """A tornado of ``t`` (widest bars first, at most ``TORNADO_BARS``)."""
    bars = t.bars[:TORNADO_BARS]
    return tornado(
        f"Sensitivity of {t.subject}: {t.metric}",
        [f"{b.label} ({b.low:g}..{b.high:g} {b.unit})".replace(" )", ")") for b in bars],
        t.base,
        [b.result_at_low for b in bars],
        [b.result_at_high for b in bars],
        x_title=x_title,
        note="Each bar: the figure with one assumption at its low and its high, the rest at base.",
    )


def _tornado_table(study: TcoStudy) -> Table:
    return Table(
        title="Sensitivity: each assumption at its low and high",
        columns=["subject", "metric", "base", "assumption", "low", "high", "at low", "at high"],
        rows=[
            [t.subject, t.metric, t.base, b.label, b.low, b.high, b.result_at_low, b.result_at_high]
            for t in study.tornados
            for b in t.bars
        ],
        group_columns=3,
        visible_rows=16,
    )


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The TCO section."""
    result: TcoStageResult = run.result(TCO)
    study = result.study
    racks = len(study.racks)
    return Section(
        key=TCO.key,
        title=TCO.title,
        summary=_summary(result),
        data=result.to_json(),
        tables=[
            _rack_table(study),
            _work_table(study),
            _tornado_table(study),
            _assumption_table(study),
        ],
        figures=[
            _breakdown(study),
            *(tornado_figure(t, "USD per rack-year") for t in study.tornados[:racks]),
        ],
        notes=[
            "Rack capex is the BOM stage's roll-up (the list price only where a BOM cannot be "
            "priced, labelled so); every other default cites its source in finance/data/"
            "defaults.toml or the catalog's facility entry.",
        ],
    )
