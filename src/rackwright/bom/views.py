"""Plain-data views of BOM results for JSON output, the CLI and the report (no I/O here)."""

from __future__ import annotations

from typing import Any

from rackwright.bom.domestic import DomesticResult
from rackwright.bom.expand import Bom, BomNode
from rackwright.bom.rollup import CostLine, Rollup
from rackwright.bom.supply import Offer
from rackwright.rack.results import RackAnalysis

PartLines = dict[str, list[CostLine]]


def by_part(rollup: Rollup) -> PartLines:
    """A roll-up's cost lines grouped by part (a part split across offers has several)."""
    out: PartLines = {}
    for line in rollup.lines:
        out.setdefault(line.part_id, []).append(line)
    return out


def unit_cost_usd(lines: list[CostLine]) -> float:
    """Quantity-weighted unit cost of a part's lines."""
    qty = sum(line.qty_per_rack for line in lines)
    return sum(line.extended_cost_usd for line in lines) / qty if qty > 0 else 0.0


def node_cost_usd(node: BomNode, lines: PartLines) -> float:
    """Extended cost per rack of ``node`` and everything below it."""
    if node.level == "part":
        return unit_cost_usd(lines[node.item_id]) * node.qty_per_rack
    return sum(node_cost_usd(child, lines) for child in node.children)


def node_countries(node: BomNode, lines: PartLines) -> list[str]:
    """Countries of origin of the parts at or below ``node``."""
    if node.level == "part":
        return sorted({line.country for line in lines[node.item_id]})
    found: set[str] = set()
    for child in node.children:
        found.update(node_countries(child, lines))
    return sorted(found)


def tree_json(node: BomNode, lines: PartLines) -> dict[str, Any]:
    """``node`` and its children as nested JSON with cost and origin."""
    out: dict[str, Any] = {
        "id": node.item_id,
        "name": node.name,
        "level": node.level,
        "qty": node.qty,
        "attrition_pct": node.attrition_pct,
        "qty_per_rack": node.qty_per_rack,
        "extended_cost_usd": node_cost_usd(node, lines),
        "countries": node_countries(node, lines),
    }
    if node.subsystem is not None:
        out["subsystem"] = node.subsystem.value
    if node.level == "part":
        part_lines = lines[node.item_id]
        out["unit_cost_usd"] = unit_cost_usd(part_lines)
        out["offers"] = [line.offer_id for line in part_lines]
        out["sites"] = [line.site_id for line in part_lines]
        if node.alternates:
            out["alternates"] = list(node.alternates)
    else:
        out["children"] = [tree_json(child, lines) for child in node.children]
    return out


def line_json(line: CostLine) -> dict[str, Any]:
    """One cost line as JSON."""
    return {
        "part": line.part_id,
        "name": line.name,
        "subsystem": line.subsystem.value,
        "category": line.category,
        "kind": line.kind.value,
        "qty_per_rack": line.qty_per_rack,
        "unit_cost_usd": line.unit_cost_usd,
        "extended_cost_usd": line.extended_cost_usd,
        "offer": line.offer_id,
        "maker": line.maker,
        "site": line.site_id,
        "country": line.country,
        "capacity_ok": line.capacity_ok,
    }


def bom_json(bom: Bom, rollup: Rollup, analysis: RackAnalysis) -> dict[str, Any]:
    """A rack's BOM and roll-up as JSON, with weight and power from rack engineering."""
    lines = by_part(rollup)
    return {
        "rack": bom.rack_id,
        "family": bom.family_id,
        "year": rollup.year,
        "policy": rollup.policy.value,
        "volume_racks": rollup.volume_racks,
        "total_cost_usd": rollup.total_cost_usd,
        "cost_by_subsystem_usd": {k.value: v for k, v in rollup.cost_by_subsystem().items()},
        "weight_kg": analysis.weight_kg,
        "power_typical_w": analysis.power_typical_w,
        "power_max_w": analysis.power_max_w,
        "lines": [line_json(line) for line in rollup.lines],
        "tree": tree_json(bom.root, lines),
    }


def domestic_json(result: DomesticResult) -> dict[str, Any]:
    """A domestic-content result as JSON."""
    return {
        "rack": result.rack_id,
        "year": result.year,
        "rules": result.rules_name,
        "counted_usd": result.counted_usd,
        "domestic_usd": result.domestic_usd,
        "share": result.share,
        "threshold": result.threshold,
        "passes_value": result.passes_value,
        "final_assembly": {
            "required": result.final_assembly_required,
            "countries": list(result.final_assembly_countries),
            "domestic": result.final_assembly_domestic,
            "passes": result.passes_final_assembly,
        },
        "passes": result.passes,
        "by_subsystem": [
            {
                "subsystem": s.subsystem.value,
                "total_usd": s.total_usd,
                "domestic_usd": s.domestic_usd,
                "share": s.share,
                "target": s.target,
                "passes": s.passes,
            }
            for s in result.by_subsystem
        ],
        "top_foreign": [line_json(line) for line in result.top_foreign],
    }


def offer_json(offer: Offer) -> dict[str, Any]:
    """One offer as JSON (prices already in USD)."""
    return {
        "offer": offer.offer_id,
        "part": offer.part_id,
        "mpart": offer.mpart_id,
        "mpn": offer.mpn,
        "maker": offer.maker,
        "supplier": offer.supplier,
        "site": offer.site_id,
        "country": offer.country,
        "planned_site": offer.planned_site,
        "first_year": offer.first_year,
        "quoted_currency": offer.currency,
        "price_breaks": [
            {"min_qty": b.min_qty, "unit_cost_usd": b.unit_cost_usd} for b in offer.price_breaks
        ],
        "moq": offer.moq,
        "order_multiple": offer.order_multiple,
        "lead_time": offer.lead_time.model_dump(),
        "lead_time_mean_weeks": offer.lead_time_mean_weeks,
        "capacity": [
            {"from_year": c.from_year, "units_per_quarter": c.units_per_quarter}
            for c in offer.capacity
        ],
        "sources": list(offer.sources),
        "confidence": offer.confidence.value,
    }
