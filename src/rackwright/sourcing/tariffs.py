"""Tariff tables and logistics terms (freight, qualification) read from TOML.

``load_tariffs(None)`` reads the package table (``sourcing/data/tariffs.toml``); a user's file
with the same shape replaces it. Every bad entry is a one-line ``InputError`` naming the file,
line and key: an unknown country code, a negative or absurd rate, an unknown policy.
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
MAX_RATE = 5.0  # 500 %: anything above is a typo (a percent written as a number)


@dataclass(frozen=True)
class TariffPolicy:
    """One named policy scenario: rates by country and HS-like heading."""

    name: str
    description: str
    sources: tuple[str, ...]
    default_rate: float
    rates: Mapping[str, Mapping[str, float]]  # country -> heading (or "default") -> rate

    def rate(self, country: str, heading: str) -> float:
        """Ad-valorem rate for goods of ``heading`` from ``country``."""
        by_country = self.rates.get(country)
        if by_country is None:
            return 0.0 if country == "US" else self.default_rate
        if heading in by_country:
            return by_country[heading]
        return by_country.get("default", self.default_rate)


@dataclass(frozen=True)
class TariffTable:
    """Every policy scenario and the BOM-category -> heading map."""

    file: str
    classes: Mapping[str, str]
    policies: Mapping[str, TariffPolicy]

    def heading(self, category: str) -> str:
        """The HS-like heading of a BOM part category."""
        return self.classes.get(category, self.classes.get("default", "default"))

    def policy(self, name: str) -> TariffPolicy:
        """The policy ``name``; an unknown name lists the known ones."""
        found = self.policies.get(name)
        if found is None:
            raise InputError(
                f"unknown tariff policy '{name}'; known: {', '.join(sorted(self.policies))}",
                file=self.file,
                field="policy",
                value=name,
            )
        return found


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


def _rate(value: Any, file: str, line: int | None, field: str) -> float:
    rate = _number(value, "a tariff rate", file, line, field)
    if rate > MAX_RATE:
        raise InputError(
            f"tariff rate above {MAX_RATE:g} (write 25% as 0.25)",
            file=file,
            line=line,
            field=field,
            value=value,
        )
    return rate


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


def parse_tariffs(data: dict[str, Any], text: str, file: str) -> TariffTable:
    """Validate a parsed tariff TOML."""
    classes_raw = data.get("classes", {})
    if not isinstance(classes_raw, dict):
        raise InputError("[classes] must be a table", file=file, line=locate(text, ("classes",)))
    classes = {str(k): str(v) for k, v in classes_raw.items()}
    policies_raw = data.get("policy")
    if not isinstance(policies_raw, dict) or not policies_raw:
        raise InputError("a tariff file needs at least one [policy.<name>] table", file=file)
    policies: dict[str, TariffPolicy] = {}
    for name, body in policies_raw.items():
        where = ("policy", name)
        if not isinstance(body, dict):
            raise InputError("policy must be a table", file=file, line=locate(text, where))
        unknown = set(body) - {"description", "sources", "confidence", "default_rate", "countries"}
        if unknown:
            key = sorted(unknown)[0]
            raise InputError(
                "unknown key; use description, sources, confidence, default_rate, countries",
                file=file,
                line=locate(text, (*where, key)),
                field=f"policy.{name}.{key}",
                value=key,
            )
        default = _rate(
            body.get("default_rate", 0.0),
            file,
            locate(text, (*where, "default_rate")),
            f"policy.{name}.default_rate",
        )
        rates: dict[str, dict[str, float]] = {}
        countries = body.get("countries", {})
        for code, table in countries.items():
            path = (*where, "countries", code)
            _country(code, file, locate(text, path), f"policy.{name}.countries.{code}")
            if not isinstance(table, dict):
                raise InputError(
                    "country entry must be a table of heading = rate",
                    file=file,
                    line=locate(text, path),
                    field=f"policy.{name}.countries.{code}",
                )
            rates[code] = {
                str(heading): _rate(
                    value,
                    file,
                    locate(text, (*path, heading)),
                    f"policy.{name}.countries.{code}.{heading}",
                )
                for heading, value in table.items()
            }
        policies[name] = TariffPolicy(
            name=name,
            description=str(body.get("description", "")),
            sources=tuple(str(s) for s in body.get("sources", [])),
            default_rate=default,
            rates=rates,
        )
    return TariffTable(file=file, classes=classes, policies=policies)


def load_tariffs(path: Path | None = None) -> TariffTable:
    """The package tariff table, or a user's file in its place."""
    data, text, name = _read(path, "tariffs.toml")
    return parse_tariffs(data, text, name)


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
