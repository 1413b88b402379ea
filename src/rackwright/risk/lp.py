"""The disruption LP of the exchange format, built once and re-solved per scenario.

The README states the LP over a window of length t in totals (u_j output, y_ij shipments, l_j
unmet demand). Every row is linear in t, so dividing by t > 0 gives the same LP in rates
(v = u/t, z = y/t, m = l/t) with one variable ``s = 1/t``:

- capacity      0 <= v_j <= capacity_j                       (a column bound; 0 when down)
- bill of mat.  v_j - sum_{i in S(j,k)} z_ij / ratio_ij <= 0   (per node j, input material k)
- shipments     sum_j z_ij - v_i - inventory_i s <= 0          (nodes that supply others)
- demand        v_j + m_j + inventory_j s >= demand_j          (nodes with demand > 0)

Time to recover: fix ``s = 1/TTR`` and minimise sum loss_weight_j m_j; the loss is TTR times
that. Time to survive: fix ``m = 0`` and minimise ``s`` over ``s >= 1/horizon``; TTS = 1/s (0
when no window is feasible). So one model answers both with bound and cost changes only, and a
failed node is one column bound: capacity enters as bounds rather than rows, and a scenario's
basis differs from the last one only near the failed node, which keeps re-solves short. A node
down for the first d periods of a window t (Monte Carlo) gets ``v_j <= capacity_j (1 - d/t)``.

Edges in a supply pool (``risk.pools``: suppliers of one material that all serve the same
customers at ratios set by the customer) need no shipment columns: one row per pool,
``sum_j ratio_j v_j - sum_i (v_i + inventory_i s) <= 0``, is the exact projection of their
shipment and BOM rows, and keeps every re-solve small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import INF, ModelBuilder, SparseModel
from rackwright.optim.model import FloatArray, IntArray
from rackwright.risk.network import SupplyNetwork
from rackwright.risk.pools import Pools, find_pools


@dataclass(frozen=True)
class DisruptionLp:
    """The built model and where each variable block sits."""

    model: SparseModel
    v: IntArray  # output rate column, per node
    z: IntArray  # shipment rate column, per edge outside pools whose pair has several suppliers
    m: IntArray  # unmet-demand rate column, per demand node
    s: int  # 1 / window length
    demand_nodes: IntArray  # node index of each m column
    loss_weight: FloatArray  # per demand node
    capacity: FloatArray  # per node, inf when unlimited
    horizon: float
    extra: IntArray  # extra-supply rate column per node (fixed at 0), empty unless asked for


def _node_arrays(net: SupplyNetwork) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    cap = np.array([INF if n.capacity is None else n.capacity for n in net.nodes], np.float64)
    inventory = np.array([n.inventory for n in net.nodes], np.float64)
    demand = np.array([n.demand for n in net.nodes], np.float64)
    weight = np.array([n.loss_weight for n in net.nodes], np.float64)
    return cap, inventory, demand, weight


@dataclass(frozen=True)
class _Edges:
    """Edge endpoints and ratios, each edge's (customer, input material) pair, and the pools.

    An edge outside pools that is the only supplier of its pair needs no shipment column:
    shipping more than ``ratio x v_customer`` never helps, so ``z = ratio v_customer`` is
    substituted into the supplier's shipment row and the pair's BOM row disappears (an exact
    reduction that keeps the model, and every re-solve, smaller).
    """

    src: IntArray
    dst: IntArray
    ratio: FloatArray
    pair: IntArray
    single: NDArray[np.bool_]  # outside pools, the only supplier of its pair
    pools: Pools

    @staticmethod
    def of(net: SupplyNetwork) -> _Edges:
        src = np.array([net.index(e.supplier) for e in net.edges], np.int64)
        dst = np.array([net.index(e.customer) for e in net.edges], np.int64)
        ratio = np.array([e.ratio for e in net.edges], np.float64)
        materials = {m: k for k, m in enumerate(sorted({n.material for n in net.nodes}))}
        mat = np.array([materials[net.node(e.supplier).material] for e in net.edges], np.int64)
        _, pair = np.unique(dst * max(len(materials), 1) + mat, return_inverse=True)
        pair = pair.astype(np.int64).ravel()
        single = np.bincount(pair, minlength=1)[pair] == 1 if pair.size else pair.astype(bool)
        pools = find_pools(src, pair, ratio, len(net.nodes))
        return _Edges(src, dst, ratio, pair, single & ~pools.pooled, pools)

    @property
    def per_edge(self) -> NDArray[np.bool_]:
        """Edges outside pools whose pair has several suppliers: one shipment column each."""
        mask: NDArray[np.bool_] = ~self.single & ~self.pools.pooled
        return mask


def _add_bom_rows(b: ModelBuilder, v: IntArray, z: IntArray, edges: _Edges) -> None:
    """One row per (customer, input material) pair outside pools with several suppliers."""
    multi = edges.per_edge
    if not multi.any():
        return
    _, pair = np.unique(edges.pair[multi], return_inverse=True)
    rows = b.add_rows(int(pair.max()) + 1, upper=0.0)
    customer = np.zeros(rows.size, dtype=np.int64)
    customer[pair] = edges.dst[multi]  # every edge of a pair has the same customer
    b.add_coeffs(rows, v[customer], 1.0)
    b.add_coeffs(rows[pair], z, -1.0 / edges.ratio[multi])


def _add_shipment_rows(
    b: ModelBuilder,
    cols: tuple[IntArray, IntArray, IntArray | None, int],
    edges: _Edges,
    inventory: FloatArray,
) -> None:
    """One row per supplier outside pools: what it ships <= what it makes and holds."""
    v, z, extra, s = cols
    suppliers = np.unique(edges.src[~edges.pools.pooled])
    rows = b.add_rows(suppliers.size, upper=0.0)
    row_of = np.full(v.size, -1, dtype=np.int64)
    row_of[suppliers] = rows
    multi, single = edges.per_edge, edges.single
    b.add_coeffs(row_of[edges.src[multi]], z, 1.0)
    b.add_coeffs(row_of[edges.src[single]], v[edges.dst[single]], edges.ratio[single])
    b.add_coeffs(rows, v[suppliers], -1.0)
    b.add_coeffs(rows, s, -inventory[suppliers])
    if extra is not None:
        b.add_coeffs(rows, extra[suppliers], -1.0)


def _add_pool_rows(
    b: ModelBuilder,
    cols: tuple[IntArray, IntArray | None, int],
    edges: _Edges,
    inventory: FloatArray,
) -> None:
    """One row per pool: its customers' needs <= its suppliers' output and inventory."""
    v, extra, s = cols
    pool = edges.pools.pool
    if not edges.pools.count:
        return
    rows = b.add_rows(edges.pools.count, upper=0.0)
    inside = pool >= 0
    # each pair appears once per supplier with one ratio: take one edge per pair
    first = np.unique(edges.pair[inside], return_index=True)[1]
    b.add_coeffs(rows[pool[inside][first]], v[edges.dst[inside][first]], edges.ratio[inside][first])
    suppliers, first = np.unique(edges.src[inside], return_index=True)
    row = rows[pool[inside][first]]
    b.add_coeffs(row, v[suppliers], -1.0)
    b.add_coeffs(row, s, -inventory[suppliers])
    if extra is not None:
        b.add_coeffs(row, extra[suppliers], -1.0)


def _add_demand_rows(
    b: ModelBuilder,
    cols: tuple[IntArray, IntArray, IntArray | None, int],
    demand_nodes: IntArray,
    demand: FloatArray,
    inventory: FloatArray,
) -> None:
    v, m, extra, s = cols
    rows = b.add_rows(demand_nodes.size, lower=demand[demand_nodes])
    b.add_coeffs(rows, v[demand_nodes], 1.0)
    b.add_coeffs(rows, m, 1.0)
    b.add_coeffs(rows, s, inventory[demand_nodes])
    if extra is not None:
        b.add_coeffs(rows, extra[demand_nodes], 1.0)


def build_disruption_lp(net: SupplyNetwork, *, extra_supply: bool = False) -> DisruptionLp:
    """Assemble the LP with every node up, in time-to-recover form (``s`` fixed at 0).

    ``extra_supply`` adds, per node, a column of extra units of its material per period
    (fixed at 0 until ``DisruptionSolver.extra_needed`` opens it): the rate a buffer or a
    second source would have to supply.
    """
    cap, inventory, demand, weight = _node_arrays(net)
    b = ModelBuilder()
    edges = _Edges.of(net)
    v = b.add_vars(len(net.nodes), upper=cap)
    z = b.add_vars(int(edges.per_edge.sum()))
    demand_nodes = np.flatnonzero(demand > 0).astype(np.int64)
    m = b.add_vars(demand_nodes.size, cost=weight[demand_nodes])
    s = int(b.add_vars(1, lower=0.0, upper=0.0)[0])
    extra = b.add_vars(len(net.nodes), upper=0.0) if extra_supply else None
    _add_bom_rows(b, v, z, edges)
    _add_shipment_rows(b, (v, z, extra, s), edges, inventory)
    _add_pool_rows(b, (v, extra, s), edges, inventory)
    _add_demand_rows(b, (v, m, extra, s), demand_nodes, demand, inventory)
    return DisruptionLp(
        model=b.build(),
        v=v,
        z=z,
        m=m,
        s=s,
        demand_nodes=demand_nodes,
        loss_weight=weight[demand_nodes],
        capacity=cap,
        horizon=float(net.horizon),
        extra=np.zeros(0, dtype=np.int64) if extra is None else extra,
    )
