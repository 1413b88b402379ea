"""The supply-network exchange format (``shared/data/risk/README.md``): parsed TOML <-> model.

``network_from_toml`` turns a parsed file into a ``SupplyNetwork``; ``network_to_toml`` writes
one back so that a planner can edit it and re-run. Both are pure: files are read and written in
``risk.loader``. A bad value raises ``NetworkError`` whose ``entry`` is the TOML path
(``("edge", 3, "to")``), which the loader turns into a line number.

Fields are exactly the README's, plus one optional rackwright extension on a node:
``unit_cost``, the value of one unit of its material, which prices mitigation buffers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import tomlkit

from rackwright.risk.network import (
    DEFAULT_HORIZON,
    Edge,
    Group,
    NetworkError,
    Node,
    SupplyNetwork,
)

TOP_KEYS = ("horizon", "period", "node", "edge", "group")
NODE_KEYS = (
    "id",
    "material",
    "country",
    "capacity",
    "inventory",
    "ttr",
    "demand",
    "loss_weight",
    "unit_cost",
)
EDGE_KEYS = ("from", "to", "ratio")
GROUP_KEYS = ("id", "nodes", "ttr")

Entry = tuple[str | int, ...]


def _known_keys(table: Mapping[str, Any], allowed: tuple[str, ...], entry: Entry) -> None:
    for key in table:
        if key not in allowed:
            raise NetworkError(
                f"unknown key '{key}'; use {', '.join(allowed)}", entry=(*entry, key), value=key
            )


def _text(table: Mapping[str, Any], key: str, entry: Entry, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise NetworkError(f"'{key}' is required", entry=(*entry, key), value=None)
    if not isinstance(value, str) or not value:
        raise NetworkError(f"'{key}' must be a non-empty string", entry=(*entry, key), value=value)
    return value


def _num(table: Mapping[str, Any], key: str, entry: Entry) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NetworkError(f"'{key}' must be a number", entry=(*entry, key), value=value)
    return float(value)


def _tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise NetworkError(
            f"'{key}' must be an array of tables ([[{key}]])",
            entry=(key,),
            value=type(value).__name__,
        )
    return value


def _node(table: Mapping[str, Any], i: int) -> Node:
    entry: Entry = ("node", i)
    _known_keys(table, NODE_KEYS, entry)
    capacity = _num(table, "capacity", entry)
    return Node(
        id=_text(table, "id", entry),
        material=_text(table, "material", entry),
        country=table.get("country", ""),
        capacity=None if capacity is None or capacity == math.inf else capacity,
        inventory=_num(table, "inventory", entry) or 0.0,
        ttr=_num(table, "ttr", entry),
        demand=_num(table, "demand", entry) or 0.0,
        loss_weight=_or(_num(table, "loss_weight", entry), 1.0),
        unit_cost=_num(table, "unit_cost", entry),
    )


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _edge(table: Mapping[str, Any], i: int) -> Edge:
    entry: Entry = ("edge", i)
    _known_keys(table, EDGE_KEYS, entry)
    return Edge(
        supplier=_text(table, "from", entry),
        customer=_text(table, "to", entry),
        ratio=_or(_num(table, "ratio", entry), 1.0),
    )


def _group(table: Mapping[str, Any], i: int) -> Group:
    entry: Entry = ("group", i)
    _known_keys(table, GROUP_KEYS, entry)
    members = table.get("nodes")
    if not isinstance(members, list):
        raise NetworkError(
            "'nodes' must be a list of node ids", entry=(*entry, "nodes"), value=members
        )
    for j, member in enumerate(members):
        if not isinstance(member, str):
            raise NetworkError(
                "a group member must be a node id", entry=(*entry, "nodes", j), value=member
            )
    return Group(id=_text(table, "id", entry), nodes=tuple(members), ttr=_num(table, "ttr", entry))


def network_from_toml(data: Mapping[str, Any]) -> SupplyNetwork:
    """The network a parsed exchange-format file describes (checked: see ``check_network``)."""
    _known_keys(data, TOP_KEYS, ())
    horizon = data.get("horizon", DEFAULT_HORIZON)
    period = data.get("period", "week")
    if not isinstance(period, str):
        raise NetworkError("'period' must be a string", entry=("period",), value=period)
    if isinstance(horizon, bool) or not isinstance(horizon, int | float):
        raise NetworkError("'horizon' must be a number", entry=("horizon",), value=horizon)
    nodes = tuple(_node(t, i) for i, t in enumerate(_tables(data, "node")))
    if not nodes:
        raise NetworkError("a network needs at least one [[node]]", entry=("node",), value=[])
    return SupplyNetwork(
        nodes=nodes,
        edges=tuple(_edge(t, i) for i, t in enumerate(_tables(data, "edge"))),
        groups=tuple(_group(t, i) for i, t in enumerate(_tables(data, "group"))),
        horizon=float(horizon),
        period=period,
    )


def _plain(value: float) -> int | float:
    """Whole numbers as TOML integers (``ttr = 2``, not ``2.0``), the rest as floats."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def _node_table(node: Node) -> dict[str, Any]:
    table: dict[str, Any] = {"id": node.id, "material": node.material}
    if node.country:
        table["country"] = node.country
    optional = {
        "capacity": node.capacity,
        "inventory": node.inventory or None,
        "ttr": node.ttr,
        "demand": node.demand or None,
        "loss_weight": node.loss_weight if node.demand > 0 or node.loss_weight != 1.0 else None,
        "unit_cost": node.unit_cost,
    }
    table.update({k: _plain(v) for k, v in optional.items() if v is not None})
    return table


def network_to_toml(net: SupplyNetwork, *, header: str = "") -> str:
    """The exchange-format text of ``net`` (``header`` becomes leading comment lines)."""
    doc = tomlkit.document()
    for line in header.splitlines():
        doc.add(tomlkit.comment(line))
    doc["horizon"] = _plain(net.horizon)
    doc["period"] = net.period
    nodes = tomlkit.aot()
    for node in net.nodes:
        nodes.append(tomlkit.item(_node_table(node)))
    doc["node"] = nodes
    if net.edges:
        edges = tomlkit.aot()
        for e in net.edges:
            edges.append(
                tomlkit.item({"from": e.supplier, "to": e.customer, "ratio": _plain(e.ratio)})
            )
        doc["edge"] = edges
    if net.groups:
        groups = tomlkit.aot()
        for g in net.groups:
            table: dict[str, Any] = {"id": g.id, "nodes": list(g.nodes)}
            if g.ttr is not None:
                table["ttr"] = _plain(g.ttr)
            groups.append(tomlkit.item(table))
        doc["group"] = groups
    return tomlkit.dumps(doc)
