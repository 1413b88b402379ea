"""Plan section: the scenario's rack generations compared from the catalog.

Per generation: dense compute per rack (BF16/FP8/FP4), HBM, power typical and max, power density
per rack unit and per floor area, rack price, price and watts per dense FP8 PFLOP/s. Rack figures
come from rack engineering (summed from the rack's components); per-GPU figures from the
accelerator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rackwright.catalog.catalog import Catalog
from rackwright.rack import analyze
from rackwright.report.charts import bar
from rackwright.report.section import PlanContext, Section, Table
from rackwright.scenario import Generation

PFLOPS = 1e15


@dataclass(frozen=True)
class GenerationFigures:
    """One generation's comparison figures (SI units; None where a precision is unsupported)."""

    rack: str
    name: str
    generation: int
    first_year: int
    system: str
    accelerator: str
    gpus_count: int
    bf16_flops_per_s: float
    fp8_flops_per_s: float | None
    fp4_flops_per_s: float | None
    hbm_bytes: float
    power_typical_w: float
    power_max_w: float
    rack_units_u: int
    power_per_rack_unit_w: float
    power_per_floor_area_w_per_m2: float
    price_usd: float
    usd_per_fp8_pflops: float | None
    w_per_fp8_pflops: float | None


def figures_for(generation: Generation, catalog: Catalog) -> GenerationFigures:
    """The comparison figures of one scenario generation."""
    rack = catalog.rack(generation.rack)
    analysis = analyze(rack, catalog)
    accelerator = catalog.accelerator(analysis.accelerator_id)
    gpus = analysis.gpus_count

    def per_rack(per_gpu: float | None) -> float | None:
        return None if per_gpu is None else per_gpu * gpus

    fp8 = per_rack(accelerator.fp8_flops_per_s)
    fp8_pflops = fp8 / PFLOPS if fp8 else None
    return GenerationFigures(
        rack=rack.id,
        name=rack.name,
        generation=rack.generation,
        first_year=generation.first_year,
        system=analysis.system_id,
        accelerator=accelerator.id,
        gpus_count=gpus,
        bf16_flops_per_s=accelerator.bf16_flops_per_s * gpus,
        fp8_flops_per_s=fp8,
        fp4_flops_per_s=per_rack(accelerator.fp4_flops_per_s),
        hbm_bytes=accelerator.hbm_bytes * gpus,
        power_typical_w=analysis.power_typical_w,
        power_max_w=analysis.power_max_w,
        rack_units_u=rack.rack_units_total_u,
        power_per_rack_unit_w=analysis.power_max_w / rack.rack_units_total_u,
        power_per_floor_area_w_per_m2=analysis.power_max_w / rack.footprint_m2,
        price_usd=rack.price_usd,
        usd_per_fp8_pflops=rack.price_usd / fp8_pflops if fp8_pflops else None,
        w_per_fp8_pflops=analysis.power_max_w / fp8_pflops if fp8_pflops else None,
    )


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
    ("Rack price (kUSD)", "price_usd", 1e3, 0),
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
        "components at max and typical load); price per rack from the catalog.",
    )


def _figures(figures: list[GenerationFigures]) -> list[Any]:
    racks = [f.rack for f in figures]

    def series(attr: str, factor: float) -> list[float]:
        return [(getattr(f, attr) or 0.0) / factor for f in figures]

    return [
        bar(
            "Dense compute per rack",
            racks,
            {
                "BF16": series("bf16_flops_per_s", PFLOPS),
                "FP8": series("fp8_flops_per_s", PFLOPS),
                "FP4": series("fp4_flops_per_s", PFLOPS),
            },
            y_title="PFLOP/s",
        ),
        bar(
            "Power per rack",
            racks,
            {
                "typical": series("power_typical_w", 1e3),
                "max": series("power_max_w", 1e3),
            },
            y_title="kW",
        ),
        bar(
            "Price and power per dense FP8 PFLOP/s",
            racks,
            {
                "USD per PFLOP/s (thousands)": series("usd_per_fp8_pflops", 1e3),
                "W per PFLOP/s": series("w_per_fp8_pflops", 1.0),
            },
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
            f"${f.price_usd / 1e6:,.2f}M"
        )
        if f is not first and f.fp8_flops_per_s and first.fp8_flops_per_s:
            line += f"; x{f.fp8_flops_per_s / first.fp8_flops_per_s:.1f} FP8 vs {first.rack}"
        lines.append(line)
    return lines


def build(ctx: PlanContext) -> Section:
    """The generations comparison section."""
    figures = [figures_for(g, ctx.catalog) for g in ctx.scenario.generations]
    return Section(
        key="generations",
        title="Rack generations",
        summary=_summary(figures),
        data={"generations": [asdict(f) for f in figures]},
        tables=[_table(figures)],
        figures=_figures(figures),
        notes=[
            "Next-generation figures (Vera Rubin, Rubin Ultra) are roadmap estimates labelled "
            "confidence E in the catalog; see `rackwright catalog show ID` for their sources."
        ],
    )
