"""Read the finance defaults (``finance/data/defaults.toml``) into typed assumptions.

Each ``[[assumption]]`` names a field of ``FinanceAssumptions`` or ``Uncertainty`` (or a facility
figure, which has only a sweep range) and cites its sources; every cited id must be a catalog
source, so the report can list it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields
from importlib import resources
from typing import Any

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.tomlpos import locate
from rackwright.errors import CatalogError
from rackwright.finance.assumptions import (
    AssumptionRange,
    FinanceAssumptions,
    FinanceDefaults,
    Uncertainty,
)

DEFAULTS_FILE = "defaults.toml"
FACILITY_FIGURES = ("pue_ratio", "electricity_usd_per_kwh", "build_cost_usd_per_w")
_ORIGIN = "<finance>/defaults.toml"


def _names(cls: type[Any]) -> set[str]:
    return {f.name for f in fields(cls)} - {"sources", "demand_volatility_basis"}


def load_finance_defaults(catalog: Catalog) -> FinanceDefaults:
    """The packaged finance defaults, checked against ``catalog``'s sources."""
    text = resources.files("rackwright.finance.data").joinpath(DEFAULTS_FILE).read_text("utf-8")
    rows = tomllib.loads(text).get("assumption", [])
    known = _names(FinanceAssumptions) | _names(Uncertainty) | set(FACILITY_FIGURES)
    values: dict[str, float] = {}
    sources: dict[str, tuple[str, ...]] = {}
    ranges: list[AssumptionRange] = []
    for index, row in enumerate(rows):
        name = str(row.get("name", ""))
        where = locate(text, ("assumption", index, "name"))
        if name not in known:
            raise CatalogError(
                "unknown finance assumption", file=_ORIGIN, line=where, field="name", value=name
            )
        cited = tuple(str(s) for s in row.get("sources", ()))
        for source_id in cited:
            if source_id not in catalog.sources:
                raise CatalogError(
                    f"finance assumption '{name}' cites unknown source",
                    file=_ORIGIN,
                    line=locate(text, ("assumption", index, "sources")),
                    field="sources",
                    value=source_id,
                )
        sources[name] = cited
        if "value" in row:
            values[name] = float(row["value"])
        if "low" in row and "high" in row:
            ranges.append(_range(name, row, cited))
    return FinanceDefaults(
        assumptions=_build(FinanceAssumptions, values, sources),
        uncertainty=_build(Uncertainty, values, sources),
        ranges=tuple(ranges),
    )


def _range(name: str, row: Mapping[str, Any], cited: tuple[str, ...]) -> AssumptionRange:
    return AssumptionRange(
        name=name,
        label=str(row.get("label", name)),
        unit=str(row.get("unit", "")),
        low=float(row["low"]),
        high=float(row["high"]),
        sources=cited,
        note=str(row.get("note", "")),
    )


def _build(cls: Any, values: Mapping[str, float], sources: Mapping[str, tuple[str, ...]]) -> Any:
    own = _names(cls)
    kwargs: dict[str, Any] = {k: v for k, v in values.items() if k in own}
    if "cluster_gpus" in kwargs:
        kwargs["cluster_gpus"] = int(kwargs["cluster_gpus"])
    cited = tuple((k, v) for k, v in sorted(sources.items()) if k in own)
    return cls(**kwargs, sources=cited)
