"""Failure groups of the plan's network: policy shocks, countries, regions, sites.

In this order, so a report lists the named shocks first:

- ``policy:...``: the country shocks of ``risk.shocks`` (ARISK07) whose countries hold a node,
  and ``policy:us-site-fire``, the scenario's largest U.S. integration site with every part it
  makes, down for its own TTR;
- ``country:XX``: every node in a country, for its sites' longest TTR;
- ``region:XX-REGION``: every node in one state or province holding several sites;
- ``site:SITE``: every part one site makes, where it makes several.

A group whose failing members and TTR repeat a node's or an earlier group's scenario is left
out: it would only repeat that scenario's numbers (a named shock then points at that scenario).
A single-source part is its site's node scenario.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rackwright.risk.network import Group, SupplyNetwork
from rackwright.risk.scenarios import country_groups
from rackwright.risk.shocks import COUNTRY_SHOCKS, US_SITE_FIRE_ID, US_SITE_FIRE_SOURCES
from rackwright.scenario import Scenario

if TYPE_CHECKING:
    from rackwright.risk.network_from_plan import NodeInfo

REGION_PREFIX = "region:"
SITE_PREFIX = "site:"


@dataclass(frozen=True)
class ShockGroup:
    """A named shock: what it is, how long, on what basis, and the scenario holding its numbers
    (its own group, or the node or group scenario it repeats)."""

    id: str
    title: str
    weeks: float
    nodes: int
    sources: tuple[str, ...]
    scenario: str = ""

    @property
    def label(self) -> str:
        """The shock's id, with the scenario it repeats when it is not its own."""
        return self.id if self.scenario in ("", self.id) else f"{self.id} (= {self.scenario})"

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "sources": list(self.sources)}


def _ttr(net: SupplyNetwork, members: Sequence[str]) -> float:
    return max(t for t in (net.node(m).ttr for m in members) if t is not None)


def _shocks(
    net: SupplyNetwork, infos: Sequence[NodeInfo], scenario: Scenario
) -> list[tuple[Group, ShockGroup]]:
    out: list[tuple[Group, ShockGroup]] = []
    failing = [i for i in infos if net.node(i.id).ttr is not None]
    for shock in COUNTRY_SHOCKS:
        members = tuple(i.id for i in failing if i.country in shock.countries)
        if members:
            named = ShockGroup(shock.id, shock.title, shock.weeks, len(members), shock.sources)
            out.append((Group(shock.id, members, shock.weeks), named))
    site_country = {i.site: i.country for i in failing if i.site}
    us_sites = [s for s in scenario.sites if site_country.get(s.site) == "US"]
    if us_sites:
        largest = max(us_sites, key=lambda s: (s.racks_per_week, s.site))
        members = tuple(i.id for i in failing if i.site == largest.site)
        weeks = _ttr(net, members)
        title = f"fire at {largest.site}, the largest U.S. integration site, for its TTR"
        out.append(
            (
                Group(US_SITE_FIRE_ID, members, weeks),
                ShockGroup(US_SITE_FIRE_ID, title, weeks, len(members), US_SITE_FIRE_SOURCES),
            )
        )
    return out


def _sets(net: SupplyNetwork, infos: Sequence[NodeInfo], key: str, prefix: str) -> list[Group]:
    """One group per value of ``key`` (region or site) that holds several sites or nodes."""
    members: dict[str, list[str]] = defaultdict(list)
    sites: dict[str, set[str]] = defaultdict(set)
    for info in infos:
        value = getattr(info, key)
        if value and net.node(info.id).ttr is not None:
            members[value].append(info.id)
            sites[value].add(info.site)
    return [
        Group(f"{prefix}{value}", tuple(ids), _ttr(net, ids))
        for value, ids in sorted(members.items())
        if len(sites[value] if key == "region" else ids) > 1
    ]


def plan_groups(
    net: SupplyNetwork, infos: Sequence[NodeInfo], scenario: Scenario
) -> tuple[tuple[Group, ...], tuple[ShockGroup, ...]]:
    """The groups of the plan's network (see the module docstring) and the named shocks."""
    shocks = _shocks(net, infos, scenario)
    candidates = [
        *(g for g, _ in shocks),
        *country_groups(net),
        *_sets(net, infos, "region", REGION_PREFIX),
        *_sets(net, infos, "site", SITE_PREFIX),
    ]
    seen: dict[tuple[frozenset[str], float | None], str] = {
        (frozenset([n.id]), n.ttr): n.id for n in net.nodes if n.ttr is not None
    }
    groups: list[Group] = []
    held_by: dict[str, str] = {}
    for group in candidates:
        failing = frozenset(m for m in group.nodes if net.node(m).ttr is not None)
        key = (failing, group.ttr)
        if key not in seen:
            seen[key] = group.id
            groups.append(group)
        held_by[group.id] = seen[key]
    named = tuple(dataclasses.replace(s, scenario=held_by[g.id]) for g, s in shocks)
    return tuple(groups), named
