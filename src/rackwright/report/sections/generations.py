"""Report section ``generations``: the scenario's rack generations compared.

Presents the generations stage (``rackwright.rack.generations``): dense compute, HBM, power
(rack engineering), rack cost (the BOM stage, list price beside it) and cost and watts per dense
FP8 PFLOP/s.
"""

from __future__ import annotations

from rackwright.chain import ChainRun, PlanInputs
from rackwright.rack.generations import GENERATIONS, PFLOPS, GenerationFigures, GenerationsResult
from rackwright.report.charts import bar
from rackwright.report.section import Figure, Section, Table


def _scaled(value: float | None, factor: float, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value / factor) if digits == 0 else round(value / factor, digits)


# (row label, attribute, display factor, digits)
_ROWS: tuple[tuple[str, str, float, int], ...] = (
    ("GPUs (packages)", "gpus_count", 1.0, 0),
    ("BF16 dense (PFLOP/s)", "bf16_flops_per_s", PFLOPS, 0),
    ("FP8 dense (PFLOP/s)", "fp8_flops_per_s", PFLOPS, 0),
    ("FP4 dense (PFLOP/s)", "fp4_flops_per_s", PFLOPS, 0),
    ("HBM (TB)", "hbm_bytes", 1e12, 1),
    ("Power typical (kW)", "power_typical_w", 1e3, 1),
    ("Power max (kW)", "power_max_w", 1e3, 1),
    ("kW per rack unit", "power_per_rack_unit_w", 1e3, 2),
    ("kW per m2 of floor", "power_per_floor_area_w_per_m2", 1e3, 0),
    ("Rack cost (kUSD)", "cost_usd", 1e3, 0),
    ("Catalog list price (kUSD)", "list_price_usd", 1e3, 0),
    ("USD per FP8 PFLOP/s", "usd_per_fp8_pflops", 1.0, 0),
    ("W per FP8 PFLOP/s", "w_per_fp8_pflops", 1.0, 0),
)


def _table(figures: list[GenerationFigures]) -> Table:
    rows: list[list[str | float | int | None]] = [
        ["First year in plan", *(f.first_year for f in figures)],
        ["System", *(f.system for f in figures)],
    ]
    for label, attr, factor, digits in _ROWS:
        rows.append([label, *(_scaled(getattr(f, attr), factor, digits) for f in figures)])
    return Table(
        title="Rack generations compared",
        columns=["figure", *(f.rack for f in figures)],
        rows=rows,
        note="Dense (no sparsity) compute per rack; power from rack engineering (sum of "
        "components at max and typical load); rack cost from the BOM stage's roll-up (the "
        "catalog list price beside it for comparison).",
    )


def _figures(figures: list[GenerationFigures]) -> list[Figure]:
    racks = [f.rack for f in figures]

    def series(attr: str, factor: float) -> list[float]:
        return [(getattr(f, attr) or 0.0) / factor for f in figures]

    def per_rack(title: str, values: dict[str, list[float]], y_title: str) -> Figure:
        return bar(title, racks, values, x_title="rack generation", y_title=y_title)

    # Price and power per PFLOP/s have different units: one chart each, never one shared axis.
    return [
        per_rack(
            "Dense compute per rack",
            {
                "BF16": series("bf16_flops_per_s", PFLOPS),
                "FP8": series("fp8_flops_per_s", PFLOPS),
                "FP4": series("fp4_flops_per_s", PFLOPS),
            },
            "dense compute (PFLOP/s per rack)",
        ),
        per_rack(
            "Power per rack",
            {"typical": series("power_typical_w", 1e3), "max": series("power_max_w", 1e3)},
            "power (kW per rack)",
        ),
        per_rack(
            "Rack cost per dense FP8 PFLOP/s",
            {"rack cost per PFLOP/s": series("usd_per_fp8_pflops", 1e3)},
            "rack cost (kUSD per PFLOP/s)",
        ),
        per_rack(
            "Max power per dense FP8 PFLOP/s",
            {"max power per PFLOP/s": series("w_per_fp8_pflops", 1.0)},
            "max power (W per PFLOP/s)",
        ),
    ]


def _summary(figures: list[GenerationFigures]) -> list[str]:
    lines: list[str] = []
    first = figures[0]
    for f in figures:
        fp8 = f"{f.fp8_flops_per_s / PFLOPS:,.0f} PF FP8" if f.fp8_flops_per_s else "no FP8"
        line = (
            f"{f.rack} (gen {f.generation}, from {f.first_year}): {f.gpus_count} GPUs, {fp8}, "
            f"{f.hbm_bytes / 1e12:,.1f} TB HBM, {f.power_max_w / 1e3:,.0f} kW max, "
            f"${f.cost_usd / 1e6:,.2f}M ({f.cost_basis})"
        )
        if f is not first and f.fp8_flops_per_s and first.fp8_flops_per_s:
            line += f"; x{f.fp8_flops_per_s / first.fp8_flops_per_s:.1f} FP8 vs {first.rack}"
        lines.append(line)
    return lines


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The generations comparison section."""
    result: GenerationsResult = run.result(GENERATIONS)
    figures = list(result.figures)
    return Section(
        key=GENERATIONS.key,
        title=GENERATIONS.title,
        summary=_summary(figures),
        data=result.to_json(),
        tables=[_table(figures)],
        figures=_figures(figures),
        notes=[
            "Next-generation figures (Vera Rubin, Rubin Ultra) are roadmap estimates labelled "
            "confidence E in the catalog; see `rackwright catalog show ID` for their sources."
        ],
    )
