"""The sourcing rules of a plan (dual sourcing, stock, soft floor, country caps) read from TOML.

``load_rules(None)`` reads the package file (``sourcing/data/policy.toml``); a user's file with
the same shape replaces it. Every bad entry is a one-line ``InputError`` naming the file, line
and key. ``SourcingRules.policy`` combines the rules with a plan's domestic floors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError
from rackwright.sourcing.problem import DualSourceScope, SourcingPolicy
from rackwright.sourcing.tariffs import _country, _number, _read


@dataclass(frozen=True)
class SourcingRules:
    """Every rule of ``SourcingPolicy`` except the domestic floors, with its sources."""

    dual_source_min_sites: int = 2
    dual_source_min_share: float = 0.2
    dual_source_scope: DualSourceScope = DualSourceScope.OPEN_QUARTERS
    holding_rate_per_period: float = 0.02
    order_lead_in_periods: int = 4
    shortfall_penalty_per_usd: float = 0.5
    max_foreign_share: float = 1.0
    country_caps: Mapping[str, float] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    file: str = ""

    def policy(self, floors: tuple[float, ...], *, soft_floor: bool = False) -> SourcingPolicy:
        """The policy of a plan with these rules and ``floors`` (one share per period)."""
        return SourcingPolicy(
            domestic_floor=floors,
            soft_domestic_floor=soft_floor,
            shortfall_penalty_per_usd=self.shortfall_penalty_per_usd,
            max_foreign_share=self.max_foreign_share,
            country_caps=dict(self.country_caps),
            dual_source_min_sites=self.dual_source_min_sites,
            dual_source_min_share=self.dual_source_min_share,
            dual_source_scope=self.dual_source_scope,
            holding_rate_per_period=self.holding_rate_per_period,
            order_lead_in_periods=self.order_lead_in_periods,
        )

    def with_dual_source(
        self, *, min_sites: int | None = None, min_share: float | None = None
    ) -> SourcingRules:
        """These rules with the dual-source figures that are given replaced."""
        return dataclasses.replace(
            self,
            dual_source_min_sites=self.dual_source_min_sites if min_sites is None else min_sites,
            dual_source_min_share=self.dual_source_min_share if min_share is None else min_share,
        )


def load_rules(path: Path | None = None) -> SourcingRules:
    """The package sourcing rules, or a user's file in their place."""
    data, text, name = _read(path, "policy.toml")
    return parse_rules(data, text, name)


def parse_rules(data: dict[str, Any], text: str, name: str) -> SourcingRules:
    """``SourcingRules`` from parsed TOML; errors name the file, line and key."""

    def number(section: str, key: str, default: float, *, most: float | None = None) -> float:
        table = data.get(section, {})
        where = locate(text, (section, key))
        value = _number(table.get(key, default), key, name, where, f"{section}.{key}")
        if most is not None and value > most:
            raise InputError(
                f"{key} must be at most {most:g}",
                file=name,
                line=where,
                field=f"{section}.{key}",
                value=value,
            )
        return value

    def whole(section: str, key: str, default: int) -> int:
        value = number(section, key, default)
        if value != int(value):
            raise InputError(
                f"{key} must be a whole number",
                file=name,
                line=locate(text, (section, key)),
                field=f"{section}.{key}",
                value=value,
            )
        return int(value)

    caps = {
        _country(code, name, locate(text, ("country_share", "caps", code)), "country_share.caps"): (
            number_at(data, text, name, ("country_share", "caps", code))
        )
        for code in data.get("country_share", {}).get("caps", {})
    }
    sources = tuple(
        str(s)
        for section in ("dual_source", "inventory", "domestic_floor", "country_share")
        for s in data.get(section, {}).get("sources", [])
    )
    return SourcingRules(
        dual_source_min_sites=whole("dual_source", "min_sites", 2),
        dual_source_min_share=number("dual_source", "min_share", 0.2, most=0.5),
        dual_source_scope=_scope(data, text, name),
        holding_rate_per_period=number("inventory", "holding_rate_per_quarter", 0.02, most=1.0),
        order_lead_in_periods=whole("inventory", "order_lead_in_quarters", 4),
        shortfall_penalty_per_usd=number("domestic_floor", "shortfall_penalty_per_usd", 0.5),
        max_foreign_share=number("country_share", "max_foreign_share", 1.0, most=1.0),
        country_caps=caps,
        sources=sources,
        file=name,
    )


def number_at(data: dict[str, Any], text: str, name: str, path: tuple[str, ...]) -> float:
    """The share at ``path`` (a country cap), between 0 and 1."""
    value: Any = data
    for key in path:
        value = value[key]
    share = _number(value, "a country cap", name, locate(text, path), ".".join(path))
    if share > 1.0:
        raise InputError(
            "a country cap is a share between 0 and 1",
            file=name,
            line=locate(text, path),
            field=".".join(path),
            value=value,
        )
    return share


def _scope(data: dict[str, Any], text: str, name: str) -> DualSourceScope:
    raw = data.get("dual_source", {}).get("applies", DualSourceScope.OPEN_QUARTERS.value)
    try:
        return DualSourceScope(raw)
    except ValueError:
        raise InputError(
            f"dual_source.applies must be one of {', '.join(s.value for s in DualSourceScope)}",
            file=name,
            line=locate(text, ("dual_source", "applies")),
            field="dual_source.applies",
            value=raw,
        ) from None
