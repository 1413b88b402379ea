"""Load BOM supply data (package data, then a user's files) and domestic-content rules.

Everything is cross-checked against the catalog on load, and bad input raises an error whose
one line names the file, line, field and value: an unknown site id, a site with a country that
is not ISO 3166-1 alpha-2, an offer in a currency without a rate, a part with no offer, a
negative quantity, a BOM cycle.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from rackwright.bom.countries import is_country
from rackwright.bom.domestic import DomesticRules
from rackwright.bom.models import (
    Assembly,
    CurrencyRates,
    Expansion,
    Family,
    Line,
    ManufacturerPart,
    OfferSpec,
    Part,
    Sourced,
)
from rackwright.bom.qtyexpr import QtyExprError, names_in
from rackwright.bom.supply import Offer, SupplyData, UsdPriceBreak
from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import read_toml, validation_error
from rackwright.catalog.models import Site, Source
from rackwright.catalog.tomlpos import locate
from rackwright.errors import CatalogError, InputError, UnknownIdError

DATA_PACKAGE = "rackwright.bom.data"
CURRENCY_FILE = "currency.toml"
DEFAULT_RULES = "rules_baa.toml"
_NOT_SUPPLY = {CURRENCY_FILE}

_KINDS: dict[str, type[Sourced]] = {
    "part": Part,
    "mpart": ManufacturerPart,
    "offer": OfferSpec,
    "assembly": Assembly,
    "expansion": Expansion,
    "family": Family,
}


class _Raw:
    """Records by kind and id while loading, with where each came from."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Sourced]] = {kind: {} for kind in _KINDS}
        self.where: dict[str, tuple[str, tuple[str | int, ...]]] = {}
        self.texts: dict[str, str] = {}
        self.sources: dict[str, Source] = {}

    def line(self, record_id: str) -> int | None:
        """The line a record starts at (found only when an error needs it)."""
        file, path = self.where[record_id]
        return locate(self.texts[file], path)

    def add(self, kind: str, record: Sourced, file: str, path: tuple[str | int, ...]) -> None:
        for other_kind, table in self.records.items():
            if record.id not in table:
                continue
            first_file, _ = self.where[record.id]
            if other_kind != kind or first_file == file or not record.override:
                raise CatalogError(
                    f"BOM id '{record.id}' is already used by [[{other_kind}]] in {first_file}; "
                    "ids are unique (set override = true in a later file to replace one)",
                    file=file,
                    line=locate(self.texts[file], path),
                    field="id",
                    value=record.id,
                )
        self.records[kind][record.id] = record
        self.where[record.id] = (file, path)

    def fail(self, record_id: str, message: str, field: str, value: Any) -> InputError:
        file, _ = self.where[record_id]
        return InputError(message, file=file, line=self.line(record_id), field=field, value=value)


def _package_texts() -> list[tuple[str, str]]:
    root = resources.files(DATA_PACKAGE)
    return sorted(
        (f"<bom>/{item.name}", item.read_text(encoding="utf-8"))
        for item in root.iterdir()
        if item.name.endswith(".toml")
        and item.name not in _NOT_SUPPLY
        and not item.name.startswith("rules_")
    )


def _parse(raw: _Raw, data: dict[str, Any], text: str, file: str) -> None:
    raw.texts[file] = text
    for index, row in enumerate(data.pop("source", [])):
        try:
            source = Source.model_validate(row)
        except ValidationError as exc:
            raise validation_error(exc, file=file, text=text, base=("source", index)) from None
        raw.sources[source.id] = source
    for kind, rows in data.items():
        model = _KINDS.get(kind)
        if model is None or not isinstance(rows, list):
            raise InputError(
                f"unknown BOM section; use [[{']], [['.join(['source', *_KINDS])}]]",
                file=file,
                line=locate(text, (kind,)),
                field=kind,
                value=kind,
            )
        for index, row in enumerate(rows):
            try:
                record = model.model_validate(row)
            except ValidationError as exc:
                raise validation_error(exc, file=file, text=text, base=(kind, index)) from None
            raw.add(kind, record, file, (kind, index, "id"))


def _package_or_user_toml(package_file: str, path: Path | None) -> tuple[dict[str, Any], str, str]:
    """(data, text, name for messages) of the user's ``path``, or of the packaged default."""
    if path is None:
        text = resources.files(DATA_PACKAGE).joinpath(package_file).read_text(encoding="utf-8")
        return tomllib.loads(text), text, f"<bom>/{package_file}"
    data, text = read_toml(path)
    return data, text, str(path)


def read_rates(path: Path | None = None) -> CurrencyRates:
    """Currency rates: the package table, or a user's file with a ``[rates]`` table."""
    data, text, name = _package_or_user_toml(CURRENCY_FILE, path)
    try:
        return CurrencyRates.model_validate(data.get("rates", {}))
    except ValidationError as exc:
        raise validation_error(exc, file=name, text=text, base=("rates",)) from None


def load_supply_data(
    catalog: Catalog,
    extra_files: Sequence[Path] = (),
    *,
    rates: CurrencyRates | None = None,
) -> SupplyData:
    """The default BOM supply data with ``extra_files`` merged on top, checked against ``catalog``.

    A later file replaces a record with the same id only when it sets ``override = true``.
    """
    raw = _Raw()
    for name, text in _package_texts():
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"malformed package TOML: {exc}", file=name) from None
        _parse(raw, data, text, name)
    for path in extra_files:
        data, text = read_toml(path)
        _parse(raw, data, text, str(path))
    return _check(raw, catalog, rates or read_rates())


def _records(raw: _Raw, kind: str, model: type[BaseModel]) -> dict[str, Any]:
    table = raw.records[kind]
    assert all(isinstance(r, model) for r in table.values())
    return dict(table)


def _check(raw: _Raw, catalog: Catalog, rates: CurrencyRates) -> SupplyData:
    parts: dict[str, Part] = _records(raw, "part", Part)
    mparts: dict[str, ManufacturerPart] = _records(raw, "mpart", ManufacturerPart)
    specs: dict[str, OfferSpec] = _records(raw, "offer", OfferSpec)
    assemblies: dict[str, Assembly] = _records(raw, "assembly", Assembly)
    expansions: dict[str, Expansion] = _records(raw, "expansion", Expansion)
    families: dict[str, Family] = _records(raw, "family", Family)
    sources = {**catalog.sources, **raw.sources}

    for table in raw.records.values():
        for record in table.values():
            for source_id in record.sources:
                if source_id not in sources:
                    raise raw.fail(record.id, "cites an unknown source", "sources", source_id)

    sites: dict[str, Site] = {}
    for mpart in mparts.values():
        if mpart.part not in parts:
            raise raw.fail(mpart.id, "manufacturer part names an unknown part", "part", mpart.part)
        site = catalog.entries["site"].get(mpart.site)
        if not isinstance(site, Site):
            raise UnknownIdError(
                f"manufacturer part '{mpart.id}' names an unknown catalog site id",
                file=raw.where[mpart.id][0],
                line=raw.line(mpart.id),
                field="site",
                value=mpart.site,
            )
        if not is_country(site.country):
            raise InputError(
                f"site '{site.id}' has a country that is not an ISO 3166-1 alpha-2 code",
                file=catalog.origins.get(("site", site.id)),
                field="country",
                value=site.country,
            )
        sites[site.id] = site

    offers: dict[str, list[Offer]] = {}
    for spec in specs.values():
        mpart_or_none = mparts.get(spec.mpart)
        if mpart_or_none is None:
            raise raw.fail(spec.id, "offer names an unknown manufacturer part", "mpart", spec.mpart)
        rate = rates.usd_per_unit.get(spec.currency)
        if rate is None:
            raise raw.fail(
                spec.id,
                f"offer '{spec.id}' is in a currency without a rate "
                f"(rates known: {', '.join(sorted(rates.usd_per_unit))})",
                "currency",
                spec.currency,
            )
        site = sites[mpart_or_none.site]
        offers.setdefault(mpart_or_none.part, []).append(
            Offer(
                offer_id=spec.id,
                part_id=mpart_or_none.part,
                mpart_id=mpart_or_none.id,
                mpn=mpart_or_none.mpn,
                maker=mpart_or_none.maker,
                supplier=spec.supplier,
                site_id=site.id,
                site_name=site.name,
                country=site.country,
                planned_site=site.planned,
                site_operating_from_year=site.operating_from_year,
                currency=spec.currency,
                price_breaks=tuple(
                    UsdPriceBreak(b.min_qty, b.unit_price * rate) for b in spec.price_breaks
                ),
                moq=spec.moq,
                order_multiple=spec.order_multiple,
                lead_time=spec.lead_time,
                capacity=tuple(spec.capacity),
                sources=tuple(spec.sources),
                confidence=spec.confidence,
            )
        )
    for part in parts.values():
        if part.id not in offers:
            raise raw.fail(part.id, f"part '{part.id}' has no supplier offer", "offer", part.id)

    items = set(parts) | set(assemblies)
    for family in families.values():
        for role, target in family.roles.items():
            if target not in items:
                raise raw.fail(
                    family.id, f"role '{role}' names an unknown part or assembly", "roles", target
                )
    holders: list[tuple[str, list[Line]]] = [(a.id, a.lines) for a in assemblies.values()]
    holders += [(e.id, e.lines) for e in expansions.values()]
    holders += [(f.id, f.rack_lines) for f in families.values()]
    for holder, lines in holders:
        for line in lines:
            _check_line(raw, holder, line, items)
    for expansion in expansions.values():
        if expansion.family is not None and expansion.family not in families:
            raise raw.fail(expansion.id, "unknown family", "family", expansion.family)
    _check_cycles(raw, assemblies, families)

    return SupplyData(
        parts=parts,
        mparts=mparts,
        offer_specs=specs,
        offers={k: tuple(sorted(v, key=lambda o: o.offer_id)) for k, v in offers.items()},
        assemblies=assemblies,
        expansions=tuple(expansions.values()),
        families=families,
        usd_per_unit=dict(rates.usd_per_unit),
        sources=sources,
        origins={k: f for k, (f, _) in raw.where.items()},
    )


def _check_line(raw: _Raw, holder: str, line: Line, items: set[str]) -> None:
    if isinstance(line.qty, float | int):
        if line.qty < 0:
            raise raw.fail(
                holder, f"line '{line.item}' in '{holder}' has a negative quantity", "qty", line.qty
            )
    else:
        try:
            names_in(line.qty)
        except QtyExprError as exc:
            raise raw.fail(
                holder, f"line '{line.item}' in '{holder}': {exc}", "qty", line.qty
            ) from None
    for item in (line.item, *line.alternates):
        if not item.startswith("@") and item not in items:
            raise raw.fail(
                holder, f"line in '{holder}' names an unknown part or assembly", "item", item
            )


def _children(assembly: Assembly, families: dict[str, Family]) -> set[str]:
    found: set[str] = set()
    for line in assembly.lines:
        if line.item.startswith("@"):
            found.update(
                f.roles[line.item[1:]] for f in families.values() if line.item[1:] in f.roles
            )
        else:
            found.add(line.item)
    return found


def _check_cycles(raw: _Raw, assemblies: dict[str, Assembly], families: dict[str, Family]) -> None:
    """An assembly may not contain itself, directly or through others (roles in any family)."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = " -> ".join([*path[path.index(node) :], node])
            raise raw.fail(node, f"BOM cycle: {cycle}", "lines", node)
        if node in done or node not in assemblies:
            return
        for child in sorted(_children(assemblies[node], families)):
            visit(child, [*path, node])
        done.add(node)

    for assembly_id in sorted(assemblies):
        visit(assembly_id, [])


def read_rules(path: Path | None = None) -> DomesticRules:
    """Domestic-content rules from a TOML file, or the Buy-American preset when ``path`` is None."""
    data, text, name = _package_or_user_toml(DEFAULT_RULES, path)
    body = data.get("rules")
    if not isinstance(body, dict):
        raise InputError("rules file needs a [rules] table", file=name, field="rules")
    try:
        return DomesticRules.model_validate(body)
    except ValidationError as exc:
        raise validation_error(exc, file=name, text=text, base=("rules",)) from None
