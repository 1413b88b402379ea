"""The BOM explorer's model: each rack design's tree (from the BOM stage's data) with cost and
countries of origin per node, its subsystems' cost and domestic share, and a country filter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rackwright.report.section import Table


@dataclass(frozen=True)
class Node:
    """One node of a rack's BOM tree as the explorer shows it."""

    id: str
    name: str
    level: str
    subsystem: str | None
    qty_per_rack: float
    cost_usd: float
    countries: tuple[str, ...]
    sites: tuple[str, ...] = ()
    unit_cost_usd: float | None = None
    children: tuple[Node, ...] = field(default_factory=tuple)

    @property
    def is_part(self) -> bool:
        return self.level == "part"


def node_from(data: dict[str, Any]) -> Node:
    """A tree node from ``bom.views.tree_json`` output."""
    return Node(
        id=str(data.get("id", "")),
        name=str(data.get("name", "")),
        level=str(data.get("level", "")),
        subsystem=data.get("subsystem"),
        qty_per_rack=float(data.get("qty_per_rack") or 0.0),
        cost_usd=float(data.get("extended_cost_usd") or 0.0),
        countries=tuple(data.get("countries", [])),
        sites=tuple(data.get("sites", [])),
        unit_cost_usd=data.get("unit_cost_usd"),
        children=tuple(node_from(c) for c in data.get("children", [])),
    )


def only_country(node: Node, country: str) -> Node | None:
    """The tree cut to the parts with a source in ``country`` and the nodes above them."""
    if node.is_part:
        return node if country in node.countries else None
    kept = tuple(c for c in (only_country(child, country) for child in node.children) if c)
    if not kept:
        return None
    return Node(
        node.id, node.name, node.level, node.subsystem, node.qty_per_rack, node.cost_usd,
        node.countries, node.sites, node.unit_cost_usd, kept,
    )  # fmt: skip


def parts(node: Node) -> list[Node]:
    """Every part (leaf) below ``node``."""
    if node.is_part:
        return [node]
    return [p for child in node.children for p in parts(child)]


@dataclass(frozen=True)
class RackBom:
    """One generation's BOM: its tree, subsystem table and totals."""

    rack: str
    year: int | None
    target: float | None
    cost_usd: float | None
    domestic_share: float | None
    baseline_share: float | None
    passes: bool | None
    tree: Node | None
    subsystems: Table
    countries: tuple[str, ...]
    matching_parts: int = 0
    matching_cost_usd: float = 0.0


def subsystem_table(generation: dict[str, Any]) -> Table:
    """Cost and domestic share (baseline and with U.S. offers) per subsystem."""
    costs: dict[str, float] = (generation.get("baseline") or {}).get("by_subsystem_usd", {})
    total = sum(costs.values()) or 1.0
    base = {s["subsystem"]: s for s in (generation.get("baseline_domestic") or {}).get(
        "by_subsystem", [])}  # fmt: skip
    best = {s["subsystem"]: s for s in (generation.get("domestic") or {}).get("by_subsystem", [])}
    rows: list[list[str | float | int | None]] = []
    for name, usd in costs.items():
        rows.append(
            [
                name,
                round(usd),
                f"{usd / total:.1%}",
                _share(base.get(name)),
                _share(best.get(name)),
                _share(best.get(name), "target"),
            ]
        )
    return Table(
        title=f"Cost and domestic share by subsystem: {generation.get('rack')}",
        columns=[
            "subsystem",
            "cost per rack (USD)",
            "share of cost",
            "domestic (baseline)",
            "domestic (U.S. offers)",
            "target",
        ],
        rows=rows,
        note="Baseline = cheapest offers; U.S. offers = domestic offers first where they ship.",
    )


def _share(item: dict[str, Any] | None, key: str = "share") -> str:
    value = (item or {}).get(key)
    return f"{value:.1%}" if isinstance(value, int | float) else "-"


def rack_bom(generation: dict[str, Any], country: str | None) -> RackBom:
    """The explorer's view of one generation, cut to ``country`` when given."""
    full = node_from(generation["tree"]) if generation.get("tree") else None
    tree = only_country(full, country) if full is not None and country else full
    matching = parts(tree) if tree is not None and country else []
    domestic = generation.get("domestic") or {}
    return RackBom(
        rack=str(generation.get("rack")),
        year=generation.get("year"),
        target=generation.get("target"),
        cost_usd=(generation.get("baseline") or {}).get("total_cost_usd"),
        domestic_share=domestic.get("share"),
        baseline_share=(generation.get("baseline_domestic") or {}).get("share"),
        passes=domestic.get("passes"),
        tree=tree,
        subsystems=subsystem_table(generation),
        countries=full.countries if full is not None else (),
        matching_parts=len(matching),
        matching_cost_usd=sum(p.cost_usd for p in matching),
    )
