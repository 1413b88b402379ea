"""The generations stage: the scenario's rack generations compared side by side.

Per generation: dense compute per rack (BF16/FP8/FP4), HBM, power typical and max (from the rack
stage), power density per rack unit and per floor area, the rack's cost (from the BOM stage, the
catalog list price beside it), and cost and watts per dense FP8 PFLOP/s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rackwright.bom.stage import BOM, RackPrice
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.rack.results import RackAnalysis
from rackwright.rack.stage import RACK

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
    cost_usd: float
    cost_basis: str
    list_price_usd: float
    usd_per_fp8_pflops: float | None
    w_per_fp8_pflops: float | None


@dataclass(frozen=True)
class GenerationsResult:
    """The comparison, in the scenario's generation order."""

    figures: tuple[GenerationFigures, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"generations": [asdict(f) for f in self.figures]}


def figures_for(
    inputs: PlanInputs, rack_id: str, first_year: int, analysis: RackAnalysis, price: RackPrice
) -> GenerationFigures:
    """The comparison figures of one scenario generation."""
    rack = inputs.catalog.rack(rack_id)
    accelerator = inputs.catalog.accelerator(analysis.accelerator_id)
    gpus = analysis.gpus_count

    def per_rack(per_gpu: float | None) -> float | None:
        return None if per_gpu is None else per_gpu * gpus

    fp8 = per_rack(accelerator.fp8_flops_per_s)
    fp8_pflops = fp8 / PFLOPS if fp8 else None
    return GenerationFigures(
        rack=rack.id,
        name=rack.name,
        generation=rack.generation,
        first_year=first_year,
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
        cost_usd=price.usd,
        cost_basis=price.basis,
        list_price_usd=price.list_price_usd,
        usd_per_fp8_pflops=price.usd / fp8_pflops if fp8_pflops else None,
        w_per_fp8_pflops=analysis.power_max_w / fp8_pflops if fp8_pflops else None,
    )


def run(inputs: PlanInputs, upstream: Upstream) -> GenerationsResult:
    """Compare every scenario generation from the rack and BOM stages' figures."""
    racks, boms = upstream.of(RACK), upstream.of(BOM)
    return GenerationsResult(
        tuple(
            figures_for(inputs, g.rack, g.first_year, racks.analysis(g.rack), boms.price(g.rack))
            for g in inputs.scenario.generations
        )
    )


GENERATIONS = Stage("generations", "Rack generations", ("rack", "bom"), run, GenerationsResult)
