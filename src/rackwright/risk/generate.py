"""Seeded multi-tier supply networks for benchmarks and property tests.

Tier 0 makes raw materials, the last tier makes products with external demand. Every material
of a tier has one to three alternative nodes (sites) in random countries; every node of tier
k > 0 needs one to three materials of tier k - 1 at BOM ratios 1-4, and every material is
needed by some material above it (so every node has a path to demand). Capacities are sized from
the flow the demand needs (1.1-1.6 x each material's requirement, split over its sites), so the
undisrupted network meets demand and single failures cost something only where the slack or
the inventory is short.
"""

from __future__ import annotations

import numpy as np

from rackwright.risk.network import Edge, Group, Node, SupplyNetwork

COUNTRIES = ("US", "TW", "KR", "JP", "CN", "MX", "MY", "TH", "VN", "DE")


def _tier_sizes(nodes: int, tiers: int) -> list[int]:
    """Nodes per tier, growing toward the raw end (products are the fewest)."""
    weights = np.linspace(1.0, 3.0, tiers)[::-1]
    sizes = np.maximum(1, np.floor(nodes * weights / weights.sum())).astype(int)
    sizes[0] += nodes - int(sizes.sum())
    return [int(s) for s in sizes]


def _materials(rng: np.random.Generator, tier: int, count: int) -> list[tuple[str, int]]:
    """(material, sites) for a tier holding ``count`` nodes, 1-3 sites per material."""
    out: list[tuple[str, int]] = []
    left = count
    while left > 0:
        sites = min(left, int(rng.integers(1, 4)))
        out.append((f"t{tier}m{len(out)}", sites))
        left -= sites
    return out


def _pick_inputs(rng: np.random.Generator, below: int, count: int) -> list[list[tuple[int, float]]]:
    """1-3 input materials (index below, ratio) per material; every material below is used."""
    per: list[list[tuple[int, float]]] = []
    for _ in range(count):
        picks = rng.choice(below, size=min(below, int(rng.integers(1, 4))), replace=False)
        per.append([(int(p), float(rng.integers(1, 5))) for p in picks])
    used = {p for ins in per for p, _ in ins}
    for p in range(below):
        if p not in used:  # every part is in some product's bill of materials
            per[int(rng.integers(0, count))].append((p, float(rng.integers(1, 5))))
    return per


def generate_network(
    nodes: int = 5000, tiers: int = 5, *, seed: int = 2026, groups: bool = True
) -> SupplyNetwork:
    """A ``tiers``-tier network of about ``nodes`` nodes (exactly ``nodes`` when feasible)."""
    rng = np.random.default_rng(seed)
    sizes = _tier_sizes(nodes, tiers)
    tier_materials = [_materials(rng, k, size) for k, size in enumerate(sizes)]
    # inputs[k][m] = [(material index in tier k-1, ratio)], then requirement top-down
    inputs: list[list[list[tuple[int, float]]]] = [[[] for _ in tier_materials[0]]]
    for k in range(1, tiers):
        inputs.append(_pick_inputs(rng, len(tier_materials[k - 1]), len(tier_materials[k])))
    product_demand = rng.uniform(5.0, 50.0, len(tier_materials[-1])).round(1)
    need = [np.zeros(len(ms)) for ms in tier_materials]
    need[-1] = product_demand.copy()
    for k in range(tiers - 1, 0, -1):
        for m, ins in enumerate(inputs[k]):
            for p, ratio in ins:
                need[k - 1][p] += need[k][m] * ratio
    return _assemble(rng, tier_materials, inputs, need, product_demand, groups)


def _assemble(
    rng: np.random.Generator,
    tier_materials: list[list[tuple[str, int]]],
    inputs: list[list[list[tuple[int, float]]]],
    need: list[np.ndarray],
    product_demand: np.ndarray,
    groups: bool,
) -> SupplyNetwork:
    """Nodes with sized capacity and inventory, edges from every input site, country groups."""
    node_list: list[Node] = []
    sites_of: list[list[list[str]]] = []
    last = len(tier_materials) - 1
    for k, materials in enumerate(tier_materials):
        sites_of.append([])
        for m, (material, count) in enumerate(materials):
            flow = need[k][m]
            ids: list[str] = []
            for s in range(count):
                node_id = f"{material}s{s}"
                share = flow * float(rng.uniform(1.1, 1.6)) / count
                node_list.append(
                    Node(
                        id=node_id,
                        material=material,
                        country=str(rng.choice(COUNTRIES)),
                        capacity=round(share * (1.0 if k < last else 1.5), 2),
                        inventory=round(flow / count * float(rng.uniform(0.0, 4.0)), 1),
                        ttr=float(rng.integers(2, 27)),
                        demand=float(product_demand[m]) / count if k == last else 0.0,
                        loss_weight=float(rng.integers(1, 10)) * 1000.0 if k == last else 1.0,
                        unit_cost=round(float(rng.uniform(10.0, 5000.0)), 2),
                    )
                )
                ids.append(node_id)
            sites_of[k].append(ids)
    edges = [
        Edge(supplier, customer, ratio)
        for k in range(1, len(tier_materials))
        for m, ins in enumerate(inputs[k])
        for customer in sites_of[k][m]
        for p, ratio in ins
        for supplier in sites_of[k - 1][p]
    ]
    group_list: list[Group] = []
    if groups:
        for country in COUNTRIES:
            members = tuple(n.id for n in node_list if n.country == country)
            if members:
                group_list.append(Group(id=f"country-{country}", nodes=members, ttr=26.0))
    return SupplyNetwork(tuple(node_list), tuple(edges), tuple(group_list))
