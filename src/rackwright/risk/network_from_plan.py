"""The plan's supply network: one run's BOM and sourcing plan as a ``SupplyNetwork`` (pure).

Rates are those of one build quarter, the window (assumption ARISK09): the quarter the program
builds the most racks, or ``[scenario.risk] window``; a period is a week. Nodes, with their ids:

- ``PART@SITE``: a site making a part, for every site the plan orders from or qualified (its
  second sources); capacity = the chosen offers' quarterly capacity in the window's year / 13;
  TTR = the catalog site's (``catalog_defaults.site_ttr_weeks``). The final-assembly part (rack
  integration) at a site is that site's integration line; at the scenario's own [[site]]s its
  capacity is the scenario's racks_per_week (read as integration units, one per NVL72-class
  rack), and those lines are always in the network;
- ``stock:PART``: the integrator's stock of a part at the window's start (ARISK08); units
  already shipped from overseas count as inventory at their supplier node;
- ``rack:RACK``: one product per generation built in the window, with demand = its racks in the
  window / 13 a week, loss weight = ``rack_loss_weight_usd`` (ARISK06) or
  ``[scenario.risk] loss_weight_usd``.

Every source of a part supplies every product whose BOM holds it, ratio = quantity per rack
(attrition included). The supply data stops at parts (an offer is a part from a site), so the
network has two tiers. Without a sourcing plan (infeasible, or no solution within the time
limit) the sources are the offers the BOM stage's cheapest and U.S.-first roll-ups chose, with
no inventory, and the result says so. A node's unit cost (which prices mitigation buffers) is what
the plan paid there, else the BOM stage's price at that site, else its price of the part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rackwright.bom.expand import PartDemand
from rackwright.bom.stage import BomStageResult, GenerationBom
from rackwright.chain.inputs import PlanInputs
from rackwright.errors import ScenarioError
from rackwright.risk import plan_sources as ps
from rackwright.risk.catalog_defaults import rack_loss_weight_usd, site_ttr_weeks
from rackwright.risk.network import Edge, Node, SupplyNetwork
from rackwright.risk.plan_groups import ShockGroup, plan_groups
from rackwright.risk.plan_sources import WEEKS_PER_QUARTER, SiteSource
from rackwright.scenario import Scenario
from rackwright.sourcing.result import OrderLine, SourcingResult

HORIZON_WEEKS = 104.0  # time to survive is capped at two years (ARISK09)
PRODUCT_PREFIX = "rack:"
STOCK_PREFIX = "stock:"


class NoNetworkError(ScenarioError):
    """No generation the BOM stage priced is built in the window: there is nothing to analyse."""


class NodeRole(StrEnum):
    """What a node of the plan's network stands for."""

    SUPPLIER = "supplier"
    INTEGRATION = "integration"
    STOCK = "stock"
    PRODUCT = "product"


@dataclass(frozen=True)
class NodeInfo:
    """Where a node comes from: part, site, subsystem, and the basis of its figures."""

    id: str
    role: NodeRole
    part: str
    site: str
    subsystem: str
    country: str
    region: str
    bought: bool
    capacity_basis: str
    ttr_basis: str
    on_hand: float = 0.0
    in_transit: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "role": self.role.value}


@dataclass(frozen=True)
class ProductInfo:
    """One rack product: its window volume, rate and the loss weight with its basis."""

    rack: str
    node: str
    racks_in_window: int
    racks_per_week: float
    loss_weight_usd: float
    loss_weight_basis: str
    unit_cost_usd: float

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class PlanNetwork:
    """The network, the window it describes, and where every node and figure comes from."""

    network: SupplyNetwork
    window: str
    window_basis: str
    from_plan: bool
    basis: str
    nodes: tuple[NodeInfo, ...]
    products: tuple[ProductInfo, ...]
    shocks: tuple[ShockGroup, ...]
    single_source_parts: tuple[str, ...]
    scheduled_in_window: float
    notes: tuple[str, ...] = ()
    _info: dict[str, NodeInfo] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_info", {n.id: n for n in self.nodes})

    def info(self, node_id: str) -> NodeInfo:
        """Where node ``node_id`` comes from."""
        return self._info[node_id]

    def to_json(self) -> dict[str, Any]:
        """JSON form (the network itself is the exchange format: ``risk export``)."""
        net = self.network
        return {
            "window": self.window,
            "window_basis": self.window_basis,
            "from_plan": self.from_plan,
            "basis": self.basis,
            "period": net.period,
            "horizon": net.horizon,
            "size": {"nodes": len(net.nodes), "edges": len(net.edges), "groups": len(net.groups)},
            "products": [p.to_json() for p in self.products],
            "nodes": [n.to_json() for n in self.nodes],
            "shocks": [s.to_json() for s in self.shocks],
            "single_source_parts": list(self.single_source_parts),
            "scheduled_in_window_units": self.scheduled_in_window,
            "notes": list(self.notes),
        }


def choose_window(scenario: Scenario) -> tuple[str, str]:
    """The window quarter and why: ``[scenario.risk] window``, else the peak build quarter."""
    if scenario.risk.window is not None:
        return scenario.risk.window, "[scenario.risk] window"
    totals: dict[str, int] = defaultdict(int)
    for lot in scenario.builds:
        totals[lot.period] += lot.racks
    if not totals:
        raise ScenarioError(
            "the scenario has no [[build]] lots: the risk network needs a build plan",
            field="build",
        )
    peak = max(totals.values())
    window = min(p for p, n in totals.items() if n == peak)
    return window, f"the quarter the program builds the most racks ({peak:,}; ARISK09)"


@dataclass(frozen=True)
class _Context:
    """Everything the node builders read, gathered once."""

    inputs: PlanInputs
    window: str
    year: int
    parts: Mapping[str, PartDemand]
    final_assembly: frozenset[str]
    orders: tuple[OrderLine, ...]
    per_rack: Mapping[str, Mapping[str, float]]  # every generation's qty per rack by part
    paid: Mapping[tuple[str, str], float]  # the plan's USD per unit by (part, site)
    bom_prices: Mapping[tuple[str, str], float]  # the BOM stage's USD per unit by (part, site)
    part_prices: Mapping[str, float]  # the BOM stage's USD per unit by part


def network_from_plan(
    inputs: PlanInputs, boms: BomStageResult, plan: SourcingResult | None
) -> PlanNetwork:
    """The supply network of the plan's window, from the run's BOM and sourcing results.

    ``plan`` None or without a plan: sources from the BOM stage's roll-ups (said in ``basis``).
    """
    window, window_basis = choose_window(inputs.scenario)
    generations = _window_generations(inputs.scenario, boms, window)
    if not generations:
        failed = f" (the BOM could not price: {'; '.join(boms.failures)})" if boms.failures else ""
        raise NoNetworkError(
            f"no generation the BOM priced is built in the risk window {window}{failed}",
            field="scenario.risk.window",
            value=window,
        )
    products = tuple(_product(inputs, boms, g, racks) for g, racks in generations)
    usable = plan if plan is not None and plan.has_plan else None
    ctx = _context(inputs, boms, window, generations, usable.orders if usable else ())
    chosen, bought, basis = _chosen_offers(plan, generations)
    sources = ps.site_sources(chosen, bought, ps.offer_index(inputs.supply), ctx.parts)
    nodes, infos, dropped = _source_nodes(ctx, sources)
    nodes += [_product_node(p) for p in products]
    infos += [_product_info(p) for p in products]
    edges = _edges(generations, nodes)
    base = SupplyNetwork(tuple(nodes), tuple(edges), (), HORIZON_WEEKS, "week")
    groups, shocks = plan_groups(base, infos, inputs.scenario)
    return PlanNetwork(
        network=base.with_groups(groups),
        window=window,
        window_basis=window_basis,
        from_plan=usable is not None,
        basis=basis,
        nodes=tuple(infos),
        products=products,
        shocks=shocks,
        single_source_parts=_single_source(infos),
        scheduled_in_window=ps.scheduled_in_window(ctx.orders, window),
        notes=tuple(_notes(inputs, boms, generations, dropped, _unsourced(ctx, infos))),
    )


def _chosen_offers(
    plan: SourcingResult | None, generations: Sequence[tuple[GenerationBom, int]]
) -> tuple[set[str], set[str], str]:
    """(offers in the network, offers bought from, the basis in words)."""
    if plan is not None and plan.has_plan:
        bought, qualified = ps.plan_offer_ids(plan)
        basis = f"sourcing plan ({plan.status.value}): the sites it orders from and qualified"
        return bought | qualified, bought, basis
    chosen = ps.bom_offer_ids(g for g, _ in generations)
    why = "no sourcing stage" if plan is None else f"sourcing {plan.status.value}, no plan"
    basis = f"BOM offers ({why}): the cheapest and U.S.-first roll-ups' sites, no inventory"
    return chosen, chosen, basis


def _window_generations(
    scenario: Scenario, boms: BomStageResult, window: str
) -> list[tuple[GenerationBom, int]]:
    racks: dict[str, int] = defaultdict(int)
    for lot in scenario.builds:
        if lot.period == window:
            racks[lot.rack] += lot.racks
    return [(g, racks[g.rack]) for g in boms.generations if racks.get(g.rack, 0) > 0]


def _context(
    inputs: PlanInputs,
    boms: BomStageResult,
    window: str,
    generations: Sequence[tuple[GenerationBom, int]],
    orders: Sequence[OrderLine],
) -> _Context:
    parts: dict[str, PartDemand] = {}
    for g, _ in generations:
        for row in g.parts:
            parts.setdefault(row.part_id, row)
    bom_sites, bom_parts = ps.bom_unit_costs(g for g, _ in generations)
    return _Context(
        inputs=inputs,
        window=window,
        year=int(window[:4]),
        parts=parts,
        final_assembly=frozenset(inputs.rules.final_assembly.categories),
        orders=tuple(orders),
        per_rack={g.rack: {r.part_id: r.qty_per_rack for r in g.parts} for g in boms.generations},
        paid=ps.order_unit_costs(orders),
        bom_prices=bom_sites,
        part_prices=bom_parts,
    )


def _product(inputs: PlanInputs, boms: BomStageResult, g: GenerationBom, racks: int) -> ProductInfo:
    override = inputs.scenario.risk.loss_weight_usd.get(g.rack)
    if override is not None:
        weight, basis = override, "[scenario.risk] loss_weight_usd"
    else:
        weight, provenance = rack_loss_weight_usd(inputs.catalog.rack(g.rack))
        basis = f"{provenance.note} ({', '.join(provenance.sources)})"
    return ProductInfo(
        rack=g.rack,
        node=f"{PRODUCT_PREFIX}{g.rack}",
        racks_in_window=racks,
        racks_per_week=racks / WEEKS_PER_QUARTER,
        loss_weight_usd=weight,
        loss_weight_basis=basis,
        unit_cost_usd=boms.price(g.rack).usd,
    )


def _product_node(p: ProductInfo) -> Node:
    return Node(
        id=p.node,
        material=p.node,
        demand=p.racks_per_week,
        loss_weight=p.loss_weight_usd,
        unit_cost=p.unit_cost_usd,
    )


def _product_info(p: ProductInfo) -> NodeInfo:
    return NodeInfo(
        id=p.node,
        role=NodeRole.PRODUCT,
        part=p.rack,
        site="",
        subsystem="rack",
        country="",
        region="",
        bought=True,
        capacity_basis="unlimited (its parts and lines bound it)",
        ttr_basis="",
    )


def _with_scenario_lines(ctx: _Context, sources: dict[str, list[SiteSource]]) -> None:
    """Every scenario integration site has a line for each final-assembly part."""
    for part, row in ctx.parts.items():
        if row.category not in ctx.final_assembly:
            continue
        have = {s.site for s in sources.get(part, [])}
        for use in ctx.inputs.scenario.sites:
            if use.site not in have:
                country = ctx.inputs.catalog.site(use.site).country
                sources.setdefault(part, []).append(SiteSource(part, use.site, country, (), False))


def _source_nodes(
    ctx: _Context, sources: dict[str, list[SiteSource]]
) -> tuple[list[Node], list[NodeInfo], int]:
    """Supplier, integration-line and stock nodes; and how many empty sources were left out."""
    _with_scenario_lines(ctx, sources)
    transit = ps.in_transit(ctx.orders, ctx.window, ctx.parts)
    nodes: list[Node] = []
    infos: list[NodeInfo] = []
    dropped = 0
    for part in ctx.parts:
        for source in sources.get(part, []):
            node, info = _site_node(ctx, source, transit)
            if not (node.capacity or node.inventory):
                dropped += 1
                continue
            nodes.append(node)
            infos.append(info)
    stock = ps.on_hand(ctx.orders, ctx.inputs.scenario.builds, ctx.per_rack, ctx.window, ctx.parts)
    for part, units in stock.items():
        if part in ctx.parts:
            nodes.append(_stock_node(ctx, part, units))
            infos.append(_stock_info(ctx, part, units))
    return nodes, infos, dropped


def _site_node(
    ctx: _Context,
    source: SiteSource,
    transit: Mapping[tuple[str, str], float],
) -> tuple[Node, NodeInfo]:
    row = ctx.parts[source.part]
    site = ctx.inputs.catalog.site(source.site)
    ttr, provenance = site_ttr_weeks(site)
    line = row.category in ctx.final_assembly
    scenario_rate = {s.site: s.racks_per_week for s in ctx.inputs.scenario.sites}.get(source.site)
    if line and scenario_rate is not None:
        capacity, capacity_basis = scenario_rate, "scenario [[site]] racks_per_week"
    else:
        capacity = ps.weekly_capacity(source, ctx.year)
        capacity_basis = f"offer capacity in {ctx.year} / 13"
    key = (source.part, source.site)
    # what the plan paid, else what the BOM stage priced: never a price worked out here
    price = ctx.paid.get(key, ctx.bom_prices.get(key, ctx.part_prices.get(source.part)))
    units = transit.get(key, 0.0)
    node = Node(
        id=f"{source.part}@{source.site}",
        material=source.part,
        country=site.country,
        capacity=capacity,
        inventory=units,
        ttr=ttr,
        unit_cost=price,
    )
    info = NodeInfo(
        id=node.id,
        role=NodeRole.INTEGRATION if line else NodeRole.SUPPLIER,
        part=source.part,
        site=source.site,
        subsystem=row.subsystem.value,
        country=site.country,
        region=f"{site.country}-{site.region}" if site.region else "",
        bought=source.bought,
        capacity_basis=capacity_basis,
        ttr_basis=f"{provenance.note or 'catalog ttr_weeks'} ({', '.join(provenance.sources)})",
        in_transit=units,
    )
    return node, info


def _stock_node(ctx: _Context, part: str, units: float) -> Node:
    paid = [v for (p, _), v in ctx.paid.items() if p == part]
    return Node(
        id=f"{STOCK_PREFIX}{part}",
        material=part,
        country="US",
        capacity=0.0,
        inventory=units,
        unit_cost=sum(paid) / len(paid) if paid else ctx.part_prices.get(part),
    )


def _stock_info(ctx: _Context, part: str, units: float) -> NodeInfo:
    return NodeInfo(
        id=f"{STOCK_PREFIX}{part}",
        role=NodeRole.STOCK,
        part=part,
        site="",
        subsystem=ctx.parts[part].subsystem.value,
        country="US",
        region="",
        bought=True,
        capacity_basis="stock only (ARISK08)",
        ttr_basis="",
        on_hand=units,
    )


def _edges(generations: Sequence[tuple[GenerationBom, int]], nodes: Sequence[Node]) -> list[Edge]:
    """Every source of a part supplies every product whose BOM holds it, ratio = qty per rack."""
    by_material: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        by_material[node.material].append(node.id)
    edges: list[Edge] = []
    for g, _ in generations:
        product = f"{PRODUCT_PREFIX}{g.rack}"
        for row in g.parts:
            for supplier in by_material.get(row.part_id, []):
                edges.append(Edge(supplier, product, row.qty_per_rack))
    return edges


def _single_source(infos: Sequence[NodeInfo]) -> tuple[str, ...]:
    count: dict[str, int] = defaultdict(int)
    for info in infos:
        if info.role in (NodeRole.SUPPLIER, NodeRole.INTEGRATION):
            count[info.part] += 1
    return tuple(sorted(p for p, n in count.items() if n == 1))


def _unsourced(ctx: _Context, infos: Sequence[NodeInfo]) -> list[str]:
    """Parts of the window's BOMs that no node supplies (the products cannot be built)."""
    supplied = {i.part for i in infos if i.role is not NodeRole.PRODUCT}
    return [p for p in ctx.parts if p not in supplied]


def _notes(
    inputs: PlanInputs,
    boms: BomStageResult,
    generations: Sequence[tuple[GenerationBom, int]],
    dropped: int,
    unsourced: Sequence[str],
) -> list[str]:
    built = {g.rack for g, _ in generations}
    idle = [g.rack for g in inputs.scenario.generations if g.rack not in built]
    notes = []
    if idle:
        notes.append(f"not built in the window, left out: {', '.join(idle)}")
    if boms.failures:
        notes.append(f"generations the BOM could not price: {'; '.join(boms.failures)}")
    if dropped:
        notes.append(f"{dropped} chosen source(s) ship nothing in the window's year: left out")
    if unsourced:
        notes.append(
            "no source in the network (the LP leaves these parts out of the BOM): "
            + ", ".join(unsourced)
        )
    return notes


__all__ = [
    "NoNetworkError",
    "NodeInfo",
    "NodeRole",
    "PlanNetwork",
    "ProductInfo",
    "choose_window",
    "network_from_plan",
]
