"""Load the tariff rules at the edge: the package data, then a user's ``--tariffs`` file over it.

The package data (``rackwright/tariffs/data``) is four files: ``rules.toml`` (dated layers),
``classification.toml`` (HTS code of every BOM part), ``scenarios.toml`` (policy alternatives)
and ``sources.toml`` (what every entry cites). A user file may hold any of those tables: a
``[[rule]]``, ``[[part]]``, ``[[category]]``, ``[[scenario]]`` or ``[[source]]`` with an id already
known replaces it, a new one is added; ``[meta] replace = true`` starts from nothing instead.
The per-country table of the old ``sourcing/data/tariffs.toml`` is refused with a pointer here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from rackwright.catalog.loader import read_toml
from rackwright.catalog.models import Source
from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError
from rackwright.tariffs import entries
from rackwright.tariffs.models import PartClass, PolicyScenario, Rule, TariffRules
from rackwright.tariffs.parse import Ctx, check_keys, country, day, strings

DATA_PACKAGE = "rackwright.tariffs.data"
PACKAGE_FILES = ("sources.toml", "rules.toml", "classification.toml", "scenarios.toml")
TOP_KEYS = {"meta", "groups", "source", "rule", "part", "category", "scenario"}
RETIRED = (
    "this is the retired per-country tariff table ([policy.<name>] / [classes], the old "
    "sourcing/data/tariffs.toml); write dated [[rule]] layers and [[part]] classifications "
    "instead (see rackwright/tariffs/data/rules.toml)"
)


@dataclass
class _Merged:
    """The tables read so far, by id (later files replace earlier entries)."""

    rules: dict[str, Rule] = field(default_factory=dict)
    parts: dict[str, PartClass] = field(default_factory=dict)
    categories: dict[str, PartClass] = field(default_factory=dict)
    scenarios: dict[str, PolicyScenario] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    as_of: date = date(2026, 12, 1)
    where: dict[str, tuple[str, str, tuple[str | int, ...]]] = field(default_factory=dict)


def load_tariff_rules(path: Path | None = None) -> TariffRules:
    """The package rules, with ``path`` (a user's tariff file) merged over them."""
    if path is None:
        return _build(None)
    data, text = read_toml(path)  # one reader: the same messages as every other input file
    return _build((data, text, str(path)))


def parse_tariff_text(text: str, name: str) -> TariffRules:
    """Check a tariff file's text over the package rules (the store validates uploads so)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", file=name) from None
    return _build((data, text, name))


def _build(user: tuple[dict[str, Any], str, str] | None) -> TariffRules:
    merged = _Merged()
    for name in PACKAGE_FILES:
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        _merge(merged, tomllib.loads(text), text, f"<tariffs>/{name}")
    file = "<tariffs>"
    if user is not None:
        data, text, file = user
        _merge(merged, data, text, file)
    rules = TariffRules(
        file=file,
        rules=tuple(merged.rules.values()),
        parts=merged.parts,
        categories=merged.categories,
        scenarios=merged.scenarios,
        sources=merged.sources,
        as_of=merged.as_of,
    )
    _check_citations(rules, merged)
    return rules


def _merge(merged: _Merged, data: dict[str, Any], text: str, file: str) -> None:
    """Add one file's tables to ``merged``."""
    root = Ctx(file, text, (), "tariffs", merged.groups)
    old = [(locate(text, (k,)) or 0, k) for k in ("classes", "policy") if k in data]
    if old:
        line, key = min(old)
        raise InputError(RETIRED, file=file, line=line or None, field=key, value=key)
    if not set(data) & (TOP_KEYS - {"meta", "groups"}):
        raise InputError(
            "a tariff file needs [[rule]], [[part]], [[category]], [[scenario]] or [[source]] "
            "tables",
            file=file,
        )
    check_keys(data, TOP_KEYS, root)
    _meta(merged, data.get("meta", {}), root.at("meta").named("meta"))
    _groups(merged, data.get("groups", {}), root.at("groups").named("groups"))
    root = Ctx(file, text, (), "tariffs", dict(merged.groups))
    for i, body in enumerate(_tables(data, "source", root)):
        src = _source(body, root.at("source", i).named(f"source[{i}]"))
        merged.sources[src.id] = src
    for i, body in enumerate(_tables(data, "rule", root)):
        found = entries.rule(body, root.at("rule", i))
        merged.rules[found.id] = found
        merged.where[f"rule:{found.id}"] = (file, text, ("rule", i))
    for kind, target in (("category", merged.categories), ("part", merged.parts)):
        for i, body in enumerate(_tables(data, kind, root)):
            cls = entries.part_class(body, root.at(kind, i), kind)
            target[cls.key.removeprefix("category:")] = cls
            merged.where[f"{kind}:{cls.key}"] = (file, text, (kind, i))
    for i, body in enumerate(_tables(data, "scenario", root)):
        found_s = entries.scenario(body, root.at("scenario", i))
        merged.scenarios[found_s.name] = found_s


def _tables(data: dict[str, Any], key: str, ctx: Ctx) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ctx.fail(f"'{key}' must be an array of tables ([[{key}]])", key, key)
    return value


def _meta(merged: _Merged, body: Any, ctx: Ctx) -> None:
    if not isinstance(body, dict):
        raise ctx.fail("[meta] must be a table")
    check_keys(body, {"as_of", "replace", "notes"}, ctx)
    if body.get("replace", False) is True:
        merged.rules.clear()
        merged.parts.clear()
        merged.categories.clear()
        merged.scenarios.clear()
    if "as_of" in body:
        merged.as_of = day(body["as_of"], ctx, "as_of")


def _groups(merged: _Merged, body: Any, ctx: Ctx) -> None:
    if not isinstance(body, dict):
        raise ctx.fail("[groups] must be a table of name = [country codes]")
    for name in body:
        members = strings(body, name, ctx)
        merged.groups[name] = frozenset().union(*(country(c, ctx, name) for c in members))


def _source(body: Any, ctx: Ctx) -> Source:
    if not isinstance(body, dict):
        raise ctx.fail("a source must be a table")
    check_keys(body, {"id", "kind", "title", "url", "notes"}, ctx)
    try:
        return Source.model_validate(body)
    except Exception:
        raise ctx.fail("a source needs id, kind and title strings", "id", body.get("id")) from None


def _check_citations(rules: TariffRules, merged: _Merged) -> None:
    """Every source a rule, class or scenario cites exists; every exclusion names a rule."""
    known = set(rules.sources)
    ids = {r.id for r in rules.rules}
    cited: list[tuple[str, tuple[str, ...], str]] = [
        *((f"rule:{r.id}", r.sources, f"rule.{r.id}") for r in rules.rules),
        *((f"part:{c.key}", c.sources, f"part.{c.key}") for c in rules.parts.values()),
        *(
            (f"category:{c.key}", c.sources, c.key.replace(":", "."))
            for c in rules.categories.values()
        ),
        *(
            (f"scenario:{s.name}", s.sources, f"scenario.{s.name}")
            for s in rules.scenarios.values()
        ),
    ]
    for key, sources, name in cited:
        missing = [s for s in sources if s not in known]
        if missing or not sources:
            file, text, path = merged.where.get(key, (rules.file, "", ()))
            raise InputError(
                "cites an unknown source (add it as a [[source]])"
                if missing
                else "cites no source",
                file=file,
                line=locate(text, (*path, "sources")) if text else None,
                field=f"{name}.sources",
                value=missing[0] if missing else None,
            )
    for rule in rules.rules:
        if rule.is_exclusion and rule.excludes not in ids:
            file, text, path = merged.where.get(f"rule:{rule.id}", (rules.file, "", ()))
            raise InputError(
                "an exclusion must name the rule it lifts",
                file=file,
                line=locate(text, (*path, "excludes")) if text else None,
                field=f"rule.{rule.id}.excludes",
                value=rule.excludes,
            )
