"""Which disruptions to evaluate: every node with a TTR, every group, and country groups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from rackwright.errors import InputError
from rackwright.risk.network import Group, SupplyNetwork


class ScenarioKind(StrEnum):
    """Where a scenario comes from."""

    NODE = "node"
    GROUP = "group"
    COUNTRY = "country"


@dataclass(frozen=True)
class Scenario:
    """A set of nodes down together for ``ttr`` periods; ``id`` is the node's or group's id."""

    id: str
    kind: ScenarioKind
    nodes: tuple[str, ...]
    ttr: float


COUNTRY_PREFIX = "country:"


def network_scenarios(net: SupplyNetwork) -> tuple[Scenario, ...]:
    """The README's scenarios: every node that has a ``ttr`` (file order), then every group."""
    nodes = tuple(
        Scenario(n.id, ScenarioKind.NODE, (n.id,), n.ttr) for n in net.nodes if n.ttr is not None
    )
    groups = tuple(
        Scenario(g.id, ScenarioKind.GROUP, tuple(dict.fromkeys(g.nodes)), net.group_ttr(g))
        for g in net.groups
    )
    return nodes + groups


def country_groups(
    net: SupplyNetwork, ttr_by_country: Mapping[str, float] | None = None
) -> tuple[Group, ...]:
    """One group per country label (id ``country:XX``), every site there down together.

    A country's TTR is ``ttr_by_country[XX]`` when given, else its sites' longest ``ttr``;
    countries with neither are left out. Unknown countries in ``ttr_by_country`` are errors.
    """
    given = dict(ttr_by_country or {})
    for code, ttr in given.items():
        if code not in net.countries:
            raise InputError(
                f"no node is in country '{code}'; countries: {', '.join(net.countries)}",
                field="country",
                value=code,
            )
        if not ttr > 0:
            raise InputError("a country's ttr must be greater than 0", field=code, value=ttr)
    groups: list[Group] = []
    for code in net.countries:
        members = tuple(n.id for n in net.nodes if n.country == code)
        ttrs = [t for t in (net.node(m).ttr for m in members) if t is not None]
        chosen = given.get(code, max(ttrs) if ttrs else None)
        if chosen is not None:
            groups.append(Group(f"{COUNTRY_PREFIX}{code}", members, chosen))
    return tuple(groups)


def country_scenarios(
    net: SupplyNetwork, ttr_by_country: Mapping[str, float] | None = None
) -> tuple[Scenario, ...]:
    """``country_groups`` as scenarios."""
    return tuple(
        Scenario(g.id, ScenarioKind.COUNTRY, g.nodes, net.group_ttr(g))
        for g in country_groups(net, ttr_by_country)
    )
