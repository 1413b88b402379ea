"""Country and policy shocks the plan's risk stage always evaluates (assumption ARISK07).

Each shock takes every node in its countries down together for a stated number of weeks; the
plan's network carries them as groups (ids ``policy:...``), so an exported network reproduces
them. The U.S. site fire is not a country shock: the stage builds it from the scenario's largest
U.S. integration site (``us_site_fire``).
"""

from __future__ import annotations

from dataclasses import dataclass

POLICY_PREFIX = "policy:"


@dataclass(frozen=True)
class CountryShock:
    """Every site in ``countries`` cut off for ``weeks``."""

    id: str
    title: str
    countries: tuple[str, ...]
    weeks: float
    sources: tuple[str, ...]


COUNTRY_SHOCKS: tuple[CountryShock, ...] = (
    CountryShock(
        f"{POLICY_PREFIX}taiwan-26w",
        "every Taiwan site down 26 weeks (blockade or quarantine)",
        ("TW",),
        26.0,
        ("ARISK07",),
    ),
    CountryShock(
        f"{POLICY_PREFIX}mexico-border-4w",
        "Mexico border closed 4 weeks (every Mexican site cut off)",
        ("MX",),
        4.0,
        ("ARISK07", "XRISK05"),
    ),
    CountryShock(
        f"{POLICY_PREFIX}china-tariff-52w",
        "prohibitive tariff or export control on China-origin parts for 52 weeks "
        "(supply re-routed to the other qualified sites)",
        ("CN",),
        52.0,
        ("ARISK07",),
    ),
)

US_SITE_FIRE_ID = f"{POLICY_PREFIX}us-site-fire"
US_SITE_FIRE_SOURCES = ("ARISK07", "ARISK01")
