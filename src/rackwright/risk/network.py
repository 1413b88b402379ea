"""The supply network the risk engine analyses: sites, BOM edges, failure groups.

This is the typed form of the exchange format in ``shared/data/risk/README.md``: a node is a site
that makes one material, an edge says one node supplies another with a BOM ratio, a group is a
set of nodes that fail together. The loader builds it from TOML; the chain adapter builds it in
code from the BOM and the sourcing plan. Construction checks every rule the format states and
raises ``NetworkError`` naming the entry (``edge[3].to``) and the bad value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rackwright.catalog.tomlpos import path_name
from rackwright.errors import InputError

DEFAULT_HORIZON = 999.0
"""Periods a time-to-survive is capped at when a file gives no horizon (README's example)."""


class NetworkError(InputError):
    """A supply network breaks a rule; ``entry`` is the TOML path of the offending value."""

    def __init__(self, message: str, *, entry: tuple[str | int, ...], value: Any) -> None:
        self.entry = entry
        super().__init__(message, field=path_name(entry), value=value, has_value=True)


@dataclass(frozen=True)
class Node:
    """A site that makes one material.

    ``capacity`` None is unlimited; ``ttr`` None means the node never fails alone (it still
    fails with a group). ``demand`` and ``loss_weight`` matter for product nodes: loss per unit
    of unmet external demand (1 when omitted, so the loss counts units). ``unit_cost`` is a
    rackwright extension outside the LP: the value of one unit of the material, which prices
    mitigation buffers (None when unknown).
    """

    id: str
    material: str
    country: str = ""
    capacity: float | None = None
    inventory: float = 0.0
    ttr: float | None = None
    demand: float = 0.0
    loss_weight: float = 1.0
    unit_cost: float | None = None


@dataclass(frozen=True)
class Edge:
    """``supplier`` ships ``ratio`` units of its material per unit of ``customer``'s output."""

    supplier: str
    customer: str
    ratio: float = 1.0


@dataclass(frozen=True)
class Group:
    """Nodes that fail together (a country, a region, a port, one owner) for ``ttr`` periods.

    ``ttr`` None takes the longest ``ttr`` among the members (an error when none has one).
    """

    id: str
    nodes: tuple[str, ...]
    ttr: float | None = None


@dataclass(frozen=True)
class SupplyNetwork:
    """Nodes, edges and groups, checked on construction (see ``check_network``)."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...] = ()
    groups: tuple[Group, ...] = ()
    horizon: float = DEFAULT_HORIZON
    period: str = "week"
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(self.nodes))
        object.__setattr__(self, "edges", tuple(self.edges))
        object.__setattr__(self, "groups", tuple(self.groups))
        object.__setattr__(self, "_index", {n.id: i for i, n in enumerate(self.nodes)})
        check_network(self)

    def index(self, node_id: str) -> int:
        """Position of ``node_id`` in ``nodes``."""
        return self._index[node_id]

    def node(self, node_id: str) -> Node:
        """The node ``node_id``."""
        return self.nodes[self._index[node_id]]

    def has_node(self, node_id: str) -> bool:
        """True when a node is called ``node_id``."""
        return node_id in self._index

    def group_ttr(self, group: Group) -> float:
        """The group's own ``ttr``, or its members' longest."""
        if group.ttr is not None:
            return group.ttr
        return max(t for t in (self.node(n).ttr for n in group.nodes) if t is not None)

    @cached_property
    def countries(self) -> tuple[str, ...]:
        """Every country label the nodes carry, sorted."""
        return tuple(sorted({n.country for n in self.nodes if n.country}))

    def replace_nodes(self, changed: Mapping[str, Node]) -> SupplyNetwork:
        """A copy with the nodes named in ``changed`` replaced (ids must stay the same)."""
        nodes = tuple(changed.get(n.id, n) for n in self.nodes)
        return SupplyNetwork(nodes, self.edges, self.groups, self.horizon, self.period)

    def with_groups(self, extra: Iterable[Group]) -> SupplyNetwork:
        """A copy with ``extra`` groups appended."""
        groups = (*self.groups, *extra)
        return SupplyNetwork(self.nodes, self.edges, groups, self.horizon, self.period)


def _number(value: object, entry: tuple[str | int, ...], *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise NetworkError("must be a number", entry=entry, value=value)
    if positive and not value > 0:
        raise NetworkError("must be greater than 0", entry=entry, value=value)
    if value < 0:
        raise NetworkError("must not be negative", entry=entry, value=value)
    if math.isinf(value):
        raise NetworkError("must be finite", entry=entry, value=value)


def _check_nodes(net: SupplyNetwork) -> None:
    seen: set[str] = set()
    for i, node in enumerate(net.nodes):
        if not isinstance(node.id, str) or not node.id:
            raise NetworkError(
                "node id must be a non-empty string", entry=("node", i, "id"), value=node.id
            )
        if node.id in seen:
            raise NetworkError("duplicate node id", entry=("node", i, "id"), value=node.id)
        seen.add(node.id)
        if not isinstance(node.country, str):
            raise NetworkError(
                "country must be a string", entry=("node", i, "country"), value=node.country
            )
        if not isinstance(node.material, str) or not node.material:
            raise NetworkError(
                "material must be a non-empty string",
                entry=("node", i, "material"),
                value=node.material,
            )
        for key in ("capacity", "inventory", "demand", "loss_weight", "unit_cost"):
            value = getattr(node, key)
            if value is not None:
                _number(value, ("node", i, key))
        if node.ttr is not None:
            _number(node.ttr, ("node", i, "ttr"), positive=True)


def _check_edges(net: SupplyNetwork) -> None:
    pairs: set[tuple[str, str]] = set()
    for i, edge in enumerate(net.edges):
        for key, node_id in (("from", edge.supplier), ("to", edge.customer)):
            if not net.has_node(node_id):
                raise NetworkError(
                    f"edge names an unknown node in '{key}'", entry=("edge", i, key), value=node_id
                )
        if (
            isinstance(edge.ratio, bool)
            or not isinstance(edge.ratio, int | float)
            or not (edge.ratio > 0 and math.isfinite(edge.ratio))
        ):
            raise NetworkError(
                "ratio must be a number greater than 0",
                entry=("edge", i, "ratio"),
                value=edge.ratio,
            )
        if (edge.supplier, edge.customer) in pairs:
            raise NetworkError(
                "duplicate edge (the same supplier and customer twice)",
                entry=("edge", i, "to"),
                value=f"{edge.supplier} -> {edge.customer}",
            )
        pairs.add((edge.supplier, edge.customer))


def _check_acyclic(net: SupplyNetwork) -> None:
    """Kahn's algorithm; on a cycle, name its first edge and the cycle's path."""
    n = len(net.nodes)
    succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    indegree = [0] * n
    for k, edge in enumerate(net.edges):
        a, b = net.index(edge.supplier), net.index(edge.customer)
        succ[a].append((b, k))
        indegree[b] += 1
    ready = [i for i in range(n) if indegree[i] == 0]
    while ready:
        i = ready.pop()
        for j, _ in succ[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    stuck = {i for i in range(n) if indegree[i] > 0}
    if not stuck:
        return
    cycle, edges = _walk_cycle(succ, stuck)
    first = edges.index(min(edges))  # start the path at the first edge in file order
    path = cycle[first:] + cycle[:first]
    names = " -> ".join(net.nodes[i].id for i in [*path, path[0]])
    raise NetworkError("edges form a cycle", entry=("edge", min(edges)), value=names)


def _walk_cycle(succ: list[list[tuple[int, int]]], stuck: set[int]) -> tuple[list[int], list[int]]:
    """A cycle among ``stuck`` nodes (each has a stuck predecessor) and its edges, in order."""
    pred: dict[int, tuple[int, int]] = {}
    for i in stuck:
        for j, k in succ[i]:
            if j in stuck:
                pred.setdefault(j, (i, k))
    start = min(stuck)
    order: list[int] = []
    position: dict[int, int] = {}
    node = start
    while node not in position:
        position[node] = len(order)
        order.append(node)
        node = pred[node][0]
    cycle = order[position[node] :]
    cycle.reverse()  # predecessors were followed: reverse to supplier -> customer order
    # edge k of the cycle goes from cycle[k] to cycle[k + 1]
    edges = [pred[cycle[(k + 1) % len(cycle)]][1] for k in range(len(cycle))]
    return cycle, edges


def _check_groups(net: SupplyNetwork) -> None:
    seen: set[str] = set()
    for i, group in enumerate(net.groups):
        if not isinstance(group.id, str) or not group.id:
            raise NetworkError(
                "group id must be a non-empty string", entry=("group", i, "id"), value=group.id
            )
        if group.id in seen or net.has_node(group.id):
            raise NetworkError(
                "group id repeats a node or group id (scenario ids must be unique)",
                entry=("group", i, "id"),
                value=group.id,
            )
        seen.add(group.id)
        if not group.nodes:
            raise NetworkError("group names no nodes", entry=("group", i, "nodes"), value=[])
        for j, node_id in enumerate(group.nodes):
            if not net.has_node(node_id):
                raise NetworkError(
                    "group names an unknown node", entry=("group", i, "nodes", j), value=node_id
                )
        if group.ttr is not None:
            _number(group.ttr, ("group", i, "ttr"), positive=True)
        elif all(net.node(n).ttr is None for n in group.nodes):
            raise NetworkError(
                "group has no ttr and none of its nodes has one",
                entry=("group", i, "ttr"),
                value=group.id,
            )


def check_network(net: SupplyNetwork) -> None:
    """Raise ``NetworkError`` on the first broken rule: ids, numbers, edges, cycles, groups."""
    _number(net.horizon, ("horizon",), positive=True)
    _check_nodes(net)
    _check_edges(net)
    _check_acyclic(net)
    _check_groups(net)
