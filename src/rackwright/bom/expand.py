"""Expand a catalog rack design into a multi-level BOM, and flatten it into part demand.

rack -> catalog components (trays, shelves, manifolds, spine, ...) -> assemblies (boards) ->
parts. Each component breaks down by its ``component_kind`` using its own catalog figures, so
changing the rack design (tray count, GPUs per tray, PSUs per shelf) changes the BOM.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from rackwright.bom.models import (
    SUBSYSTEM_OF_KIND,
    Expansion,
    Family,
    Line,
    Part,
    PartKind,
    Subsystem,
)
from rackwright.bom.qtyexpr import QtyExprError, evaluate
from rackwright.bom.supply import SupplyData
from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import Component, RackDesign
from rackwright.errors import CatalogError, InputError

Level = Literal["rack", "component", "assembly", "part"]

# Catalog component figures a quantity expression may read.
_COMPONENT_FIGURES = (
    "power_typical_w",
    "power_max_w",
    "weight_kg",
    "rack_units_u",
    "unit_cost_usd",
    "liquid_fraction",
    "gpus_count",
    "capacity_w",
    "psus_count",
    "voltage_v",
    "current_rating_a",
    "flow_capacity_m3_per_s",
    "ports_count",
    "port_bits_per_s",
)
_RACK_FIGURES = (
    "systems_count",
    "rack_units_total_u",
    "spine_cables_per_link_count",
    "nvlink_links_per_gpu_count",
    "racks_per_cdu_count",
)


@dataclass(frozen=True)
class BomNode:
    """One node of the BOM tree.

    ``qty`` is per parent; ``qty_per_rack`` multiplies quantities and attrition down the path.
    ``weight_kg`` and ``power_*_w`` are per single unit of this node.
    """

    item_id: str
    name: str
    level: Level
    qty: float
    attrition_pct: float
    qty_per_rack: float
    subsystem: Subsystem | None
    weight_kg: float
    power_typical_w: float
    power_max_w: float
    alternates: tuple[str, ...] = ()
    children: tuple[BomNode, ...] = ()
    part: Part | None = None

    def walk(self, depth: int = 0) -> Iterator[tuple[int, BomNode]]:
        """(depth, node) for this node and every node below, depth first."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True)
class Bom:
    """A rack's expanded BOM."""

    rack_id: str
    rack_name: str
    generation: int
    year_available: int
    family_id: str
    root: BomNode

    def parts(self) -> Iterator[BomNode]:
        """Every part (leaf) node."""
        return (node for _, node in self.root.walk() if node.level == "part")


@dataclass(frozen=True)
class PartDemand:
    """How much of one part a rack needs (attrition included), for sourcing."""

    part_id: str
    name: str
    qty_per_rack: float
    subsystem: Subsystem
    category: str
    kind: PartKind
    critical: bool
    alternates: tuple[str, ...]


def family_for(rack: RackDesign, catalog: Catalog, supply: SupplyData) -> Family:
    """The part family of ``rack``: one listing the rack id, else its system's accelerator."""
    for family in supply.families.values():
        if rack.id in family.racks:
            return family
    accelerator = ""
    system = catalog.entries["system"].get(rack.system)
    if system is not None:
        accelerator = str(getattr(system, "accelerator", ""))
    for family in supply.families.values():
        if accelerator and accelerator in family.accelerators:
            return family
    raise InputError(
        f"rack '{rack.id}' (accelerator '{accelerator}') matches no BOM part family; "
        "add its id to a [[family]] racks or accelerators list",
        field="family",
        value=rack.id,
    )


def expand_bom(rack: RackDesign, catalog: Catalog, supply: SupplyData) -> Bom:
    """Expand ``rack`` into its multi-level BOM."""
    family = family_for(rack, catalog, supply)
    rack_env = {
        f"rack_{name}": float(getattr(rack, name))
        for name in _RACK_FIGURES
        if getattr(rack, name, None) is not None
    }
    children: list[BomNode] = []
    for index, item in enumerate(rack.components):
        component = catalog.component(item.component)
        node = _component_node(component, item.qty, rack, rack_env, family, supply, index)
        children.append(node)
    env = {**family.figures, **rack_env}
    where = f"rack '{rack.id}'"
    children += _lines(family.rack_lines, env, family, supply, 1.0, where, (family.id,))
    root = BomNode(
        item_id=rack.id,
        name=rack.name,
        level="rack",
        qty=1.0,
        attrition_pct=0.0,
        qty_per_rack=1.0,
        subsystem=None,
        weight_kg=sum(c.qty * c.weight_kg for c in children),
        power_typical_w=sum(c.qty * c.power_typical_w for c in children),
        power_max_w=sum(c.qty * c.power_max_w for c in children),
        children=tuple(children),
    )
    return Bom(
        rack_id=rack.id,
        rack_name=rack.name,
        generation=rack.generation,
        year_available=rack.year_available,
        family_id=family.id,
        root=root,
    )


def flatten(bom: Bom) -> list[PartDemand]:
    """Part demand per rack, one row per part (quantities summed over the tree)."""
    totals: dict[str, float] = {}
    parts: dict[str, Part] = {}
    alternates: dict[str, set[str]] = {}
    for node in bom.parts():
        assert node.part is not None
        totals[node.item_id] = totals.get(node.item_id, 0.0) + node.qty_per_rack
        parts[node.item_id] = node.part
        alternates.setdefault(node.item_id, set()).update(node.alternates)
    rows = [
        PartDemand(
            part_id=part_id,
            name=parts[part_id].name,
            qty_per_rack=qty,
            subsystem=parts[part_id].subsystem,
            category=parts[part_id].category,
            kind=parts[part_id].kind,
            critical=parts[part_id].critical,
            alternates=tuple(sorted(alternates[part_id])),
        )
        for part_id, qty in totals.items()
    ]
    return sorted(rows, key=lambda r: (list(Subsystem).index(r.subsystem), r.part_id))


def _expansion_for(component: Component, family: Family, supply: SupplyData) -> Expansion:
    by_family: Expansion | None = None
    generic: Expansion | None = None
    for expansion in supply.expansions:
        if expansion.component_kind != component.component_kind:
            continue
        if component.id in expansion.components:
            return expansion
        if expansion.components:
            continue
        if expansion.family == family.id:
            by_family = expansion
        elif expansion.family is None:
            generic = expansion
    found = by_family or generic
    if found is None:
        raise InputError(
            f"component '{component.id}' is a {component.component_kind.value}, which has no "
            f"BOM expansion for family '{family.id}'",
            field="component_kind",
            value=component.component_kind.value,
        )
    return found


def _component_node(
    component: Component,
    qty: float,
    rack: RackDesign,
    rack_env: Mapping[str, float],
    family: Family,
    supply: SupplyData,
    index: int,
) -> BomNode:
    env: dict[str, float] = dict(family.figures)
    env.update(rack_env)
    for name in _COMPONENT_FIGURES:
        value = getattr(component, name, None)
        if value is not None:
            env[name] = float(value)
    expansion = _expansion_for(component, family, supply)
    where = f"rack '{rack.id}' component '{component.id}'"
    children = _lines(expansion.lines, env, family, supply, qty, where, (expansion.id,))
    weight = component.weight_kg or sum(c.qty * c.weight_kg for c in children)
    typical = component.power_typical_w or sum(c.qty * c.power_typical_w for c in children)
    peak = component.power_max_w or typical
    return BomNode(
        item_id=component.id,
        name=component.name,
        level="component",
        qty=qty,
        attrition_pct=0.0,
        qty_per_rack=qty,
        subsystem=SUBSYSTEM_OF_KIND[component.component_kind],
        weight_kg=weight,
        power_typical_w=typical,
        power_max_w=peak,
        children=tuple(children),
    )


def resolve(item: str, family: Family, *, where: str) -> str:
    """The part or assembly id a line item names (``@role`` looks up the family's roles)."""
    if not item.startswith("@"):
        return item
    role = item[1:]
    target = family.roles.get(role)
    if target is None:
        raise InputError(
            f"{where}: family '{family.id}' does not fill role '{role}'",
            field=f"family.{family.id}.roles",
            value=item,
        )
    return target


def _lines(
    lines: list[Line],
    env: Mapping[str, float],
    family: Family,
    supply: SupplyData,
    parent_per_rack: float,
    where: str,
    path: tuple[str, ...],
) -> list[BomNode]:
    nodes: list[BomNode] = []
    for line in lines:
        item = resolve(line.item, family, where=where)
        try:
            qty = evaluate(line.qty, env)
        except QtyExprError as exc:
            raise InputError(
                f"{where}, line '{line.item}' in {path[-1]}: {exc}", field="qty", value=line.qty
            ) from None
        if qty < 0:
            raise InputError(
                f"{where}, line '{line.item}' in {path[-1]}: negative quantity",
                field="qty",
                value=qty,
            )
        if qty == 0:
            continue
        per_rack = parent_per_rack * qty * (1.0 + line.attrition_pct / 100.0)
        alternates = tuple(resolve(a, family, where=where) for a in line.alternates)
        if item in supply.parts:
            part = supply.parts[item]
            nodes.append(
                BomNode(
                    item_id=item,
                    name=part.name,
                    level="part",
                    qty=qty,
                    attrition_pct=line.attrition_pct,
                    qty_per_rack=per_rack,
                    subsystem=part.subsystem,
                    weight_kg=part.weight_kg,
                    power_typical_w=part.power_w,
                    power_max_w=part.power_w,
                    alternates=alternates,
                    part=part,
                )
            )
            continue
        assembly = supply.assemblies.get(item)
        if assembly is None:
            raise InputError(
                f"{where}: line names '{item}', which is neither a part nor an assembly",
                field="item",
                value=item,
            )
        if item in path:
            cycle = " -> ".join([*path[path.index(item) :], item])
            raise CatalogError(f"BOM cycle: {cycle}", field="item", value=item)
        children = _lines(assembly.lines, env, family, supply, per_rack, where, (*path, item))
        power = sum(c.qty * c.power_typical_w for c in children)
        nodes.append(
            BomNode(
                item_id=item,
                name=assembly.name,
                level="assembly",
                qty=qty,
                attrition_pct=line.attrition_pct,
                qty_per_rack=per_rack,
                subsystem=None,
                weight_kg=sum(c.qty * c.weight_kg for c in children),
                power_typical_w=power,
                power_max_w=sum(c.qty * c.power_max_w for c in children),
                alternates=alternates,
                children=tuple(children),
            )
        )
    return nodes
