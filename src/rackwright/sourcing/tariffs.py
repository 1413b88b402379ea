"""Logistics terms (freight, qualification) read from TOML.

``load_logistics(None)`` reads the package table (``sourcing/data/logistics.toml``); a user's file
with the same shape replaces it. Every bad entry is a one-line ``InputError`` naming the file,
line and key. Import duties live in ``rackwright.tariffs`` (dated rules by HTS line).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rackwright.bom.countries import is_country
from rackwright.catalog.loader import read_toml
from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError

DATA_PACKAGE = "rackwright.sourcing.data"


@dataclass(frozen=True)
class Logistics:
    """Freight per kg by origin country and per destination site, and qualification costs."""

    freight_usd_per_kg: Mapping[str, float]
    default_usd_per_kg: float
    min_usd_per_unit: float
    default_kg_per_unit: float
    site_factor: Mapping[str, float]
    qualification_default_usd: float
    qualification_by_subsystem: Mapping[str, float]

    def freight_usd_per_unit(
        self, country: str, weight_kg: float, destinations: Mapping[str, float]
    ) -> float:
        """Freight for one unit, averaged over destination sites weighted by their share."""
        rate = self.freight_usd_per_kg.get(country, self.default_usd_per_kg)
        total = sum(destinations.values())
        factor = (
            sum(self.site_factor.get(site, 1.0) * w for site, w in destinations.items()) / total
            if total > 0
            else 1.0
        )
        kg = weight_kg if weight_kg > 0 else self.default_kg_per_unit
        return max(rate * factor * kg, self.min_usd_per_unit)

    def qualification_usd(self, subsystem: str) -> float:
        """One-time cost of qualifying a part of ``subsystem`` at a new site."""
        return self.qualification_by_subsystem.get(subsystem, self.qualification_default_usd)


def _read(path: Path | None, resource: str) -> tuple[dict[str, Any], str, str]:
    if path is None:
        name = f"<sourcing>/{resource}"
        text = resources.files(DATA_PACKAGE).joinpath(resource).read_text(encoding="utf-8")
        return tomllib.loads(text), text, name
    data, text = read_toml(path)  # one reader: the same messages as every other input file
    return data, text, str(path)


def _number(value: Any, what: str, file: str, line: int | None, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{what} must be a number", file=file, line=line, field=field, value=value)
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise InputError(
            f"{what} must not be negative", file=file, line=line, field=field, value=value
        )
    return number


def _country(code: str, file: str, line: int | None, field: str) -> str:
    if not is_country(code):
        raise InputError(
            "unknown country code (use ISO 3166-1 alpha-2, e.g. TW)",
            file=file,
            line=line,
            field=field,
            value=code,
        )
    return code


def load_logistics(path: Path | None = None) -> Logistics:
    """Freight and qualification terms (package defaults unless ``path`` is given)."""
    data, text, name = _read(path, "logistics.toml")
    unknown = sorted(set(data) - {"freight", "qualification", "source", "sources"})
    if unknown or not data:
        raise InputError(
            "a logistics file has [freight] and [qualification] tables only",
            file=name,
            line=locate(text, (unknown[0],)) if unknown else None,
            field=unknown[0] if unknown else "freight",
            value=unknown[0] if unknown else None,
        )
    freight = data.get("freight", {})
    qual = data.get("qualification", {})

    def num(table: dict[str, Any], key: str, section: str, default: float) -> float:
        return _number(
            table.get(key, default),
            key,
            name,
            locate(text, (section, key)),
            f"{section}.{key}",
        )

    def entries(body: dict[str, Any], section: str, key: str, what: str) -> dict[str, float]:
        """Each entry of ``[section.key]`` as a non-negative number, errors at its own line."""
        return {
            str(k): _number(v, what, name, locate(text, (section, key, k)), f"{section}.{key}.{k}")
            for k, v in body.get(key, {}).items()
        }

    per_kg = {
        _country(code, name, locate(text, ("freight", "usd_per_kg", code)), "freight.usd_per_kg"): (
            rate
        )
        for code, rate in entries(freight, "freight", "usd_per_kg", "freight rate").items()
    }
    factors = entries(freight, "freight", "site_factor", "site factor")
    by_subsystem = entries(qual, "qualification", "by_subsystem", "qualification cost")
    return Logistics(
        freight_usd_per_kg=per_kg,
        default_usd_per_kg=num(freight, "default_usd_per_kg", "freight", 6.0),
        min_usd_per_unit=num(freight, "min_usd_per_unit", "freight", 0.0),
        default_kg_per_unit=num(freight, "default_kg_per_unit", "freight", 0.5),
        site_factor=factors,
        qualification_default_usd=num(qual, "default_usd", "qualification", 0.0),
        qualification_by_subsystem=by_subsystem,
    )
