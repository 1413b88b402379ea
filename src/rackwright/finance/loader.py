"""Read the finance defaults (``finance/data/defaults.toml``) into typed assumptions.

Each ``[[assumption]]`` names a field of ``FinanceAssumptions`` or ``Uncertainty`` (or a facility
figure, which has only a sweep range) and cites its sources; every cited id must be a catalog
source, so the report can list it. A user's finance file (``--finance``, scenario
``finance_file``) has the same shape: each of its rows replaces the keys it gives in the packaged
row of that name, and must cite the sources of what it sets (a user's own source can be added
with a ``--catalog`` file's ``[[source]]``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import read_toml
from rackwright.catalog.tomlpos import locate
from rackwright.errors import CatalogError, InputError
from rackwright.finance.assumptions import (
    AssumptionRange,
    FinanceAssumptions,
    FinanceDefaults,
    Uncertainty,
)

DEFAULTS_FILE = "defaults.toml"
FACILITY_FIGURES = ("pue_ratio", "electricity_usd_per_kwh", "build_cost_usd_per_w")
_ORIGIN = "<finance>/defaults.toml"
_NUMBERS = ("value", "low", "high")
_KEYS = {"name", "label", "unit", "sources", "note", *_NUMBERS}


def _names(cls: type[Any]) -> set[str]:
    return {f.name for f in fields(cls)} - {"sources", "demand_volatility_basis"}


KNOWN = _names(FinanceAssumptions) | _names(Uncertainty) | set(FACILITY_FIGURES)


@dataclass(frozen=True)
class _Rows:
    """One finance file's rows, with what an error about one of them must name."""

    file: str
    text: str
    rows: tuple[Mapping[str, Any], ...]
    error: type[CatalogError] | type[InputError]

    def fail(self, index: int, key: str, message: str, value: object) -> Exception:
        line = locate(self.text, ("assumption", index, key))
        return self.error(message, file=self.file, line=line, field=key, value=value)


def load_finance_defaults(catalog: Catalog, user_file: Path | None = None) -> FinanceDefaults:
    """The packaged finance defaults with ``user_file``'s rows over them, checked against
    ``catalog``'s sources."""
    text = resources.files("rackwright.finance.data").joinpath(DEFAULTS_FILE).read_text("utf-8")
    package = _Rows(_ORIGIN, text, tuple(tomllib.loads(text).get("assumption", [])), CatalogError)
    merged = {str(row.get("name", "")): dict(row) for row in _checked(package, catalog)}
    if user_file is not None:
        data, user_text = read_toml(user_file)
        user = _Rows(str(user_file), user_text, _user_rows(data, user_file), InputError)
        for row in _checked(user, catalog, own_sources=True):
            name = str(row["name"])
            merged[name] = _overlay(merged.get(name, {}), row)
    try:
        return _defaults(merged.values())
    except InputError as exc:  # a value out of range: only a user's file can have set it
        if user_file is None:
            raise
        raise InputError(exc.message, file=user_file, field=exc.field, value=exc.value) from None


def _overlay(packaged: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    """``user``'s keys over ``packaged``'s; its sources cite the value or range it sets, so the
    part it leaves keeps the packaged sources."""
    row = {**packaged, **user}
    old = packaged.get("sources", [])
    row["value_sources"] = user["sources"] if "value" in user else old
    row["range_sources"] = user["sources"] if {"low", "high"} & set(user) else old
    return row


def _user_rows(data: Mapping[str, Any], path: Path) -> tuple[Mapping[str, Any], ...]:
    extra = sorted(set(data) - {"assumption"})
    if extra:
        raise InputError("unknown table in a finance file", file=path, field=extra[0])
    rows = data.get("assumption", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError("write each assumption as an [[assumption]] table", file=path)
    return tuple(rows)


def _checked(
    rows: _Rows, catalog: Catalog, *, own_sources: bool = False
) -> list[Mapping[str, Any]]:
    """``rows`` after checking names, keys, numbers and cited sources."""
    for index, row in enumerate(rows.rows):
        name = row.get("name", "")
        if name not in KNOWN:
            raise rows.fail(index, "name", "unknown finance assumption", name)
        unknown = sorted(set(row) - _KEYS)
        if unknown:
            raise rows.fail(
                index, unknown[0], f"unknown key in finance assumption '{name}'", unknown[0]
            )
        for key in _NUMBERS:
            _number(rows, index, key, row.get(key))
        _check_sources(rows, index, row, catalog, required=own_sources)
    return list(rows.rows)


def _number(rows: _Rows, index: int, key: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise rows.fail(index, key, f"{key} must be a finite number", value)


def _check_sources(
    rows: _Rows, index: int, row: Mapping[str, Any], catalog: Catalog, *, required: bool
) -> None:
    name, cited = row["name"], row.get("sources", [])
    if not isinstance(cited, list):
        raise rows.fail(index, "sources", "sources must be a list of source ids", cited)
    if required and not cited:
        raise rows.fail(
            index, "name", f"finance assumption '{name}' needs the sources of what it sets", name
        )
    for source_id in cited:
        if source_id not in catalog.sources:
            raise rows.fail(
                index, "sources", f"finance assumption '{name}' cites unknown source", source_id
            )


def _defaults(rows: Any) -> FinanceDefaults:
    values: dict[str, float] = {}
    sources: dict[str, tuple[str, ...]] = {}
    ranges: list[AssumptionRange] = []
    for row in rows:
        name = str(row["name"])
        sources[name] = _cited(row, "value_sources")
        if "value" in row:
            values[name] = float(row["value"])
        if "low" in row and "high" in row:
            ranges.append(_range(name, row, _cited(row, "range_sources")))
    return FinanceDefaults(
        assumptions=_build(FinanceAssumptions, values, sources),
        uncertainty=_build(Uncertainty, values, sources),
        ranges=tuple(ranges),
    )


def _cited(row: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(s) for s in row.get(key, row.get("sources", ())))


def _range(name: str, row: Mapping[str, Any], cited: tuple[str, ...]) -> AssumptionRange:
    low, high = float(row["low"]), float(row["high"])
    if low > high:
        raise InputError(f"finance assumption '{name}' has low above high", field=name, value=low)
    return AssumptionRange(
        name=name,
        label=str(row.get("label", name)),
        unit=str(row.get("unit", "")),
        low=low,
        high=high,
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
