"""Parse the tables of a tariff TOML into typed rules, classifications and scenarios.

Every bad value is a one-line ``InputError`` naming the file, the line, the entry
(``rule.<id>.<key>``) and the value: an HTS code of the wrong form, an unknown country code, a
rate or share out of range, an unknown key.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rackwright.bom.countries import is_country
from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError
from rackwright.tariffs.hts import parse_hts
from rackwright.tariffs.models import (
    RatePeriod,
)

MAX_RATE = 5.0  # 500 %: anything above is a percent written as a number


Path = tuple[str | int, ...]  # a TOML path: ("rule", 2, "period", 0, "rate")


@dataclass(frozen=True)
class Ctx:
    """Where a table sits (file, text, TOML path), for errors; and the country groups."""

    file: str
    text: str
    path: Path
    name: str  # how errors name the entry: "rule.s122-surcharge"
    groups: Mapping[str, frozenset[str]]

    def at(self, *more: str | int) -> Ctx:
        """The context of a key or sub-table below this one."""
        return Ctx(self.file, self.text, (*self.path, *more), self.name, self.groups)

    def named(self, name: str) -> Ctx:
        """This context, naming the entry ``name`` in errors."""
        return Ctx(self.file, self.text, self.path, name, self.groups)

    def fail(self, message: str, key: str = "", value: Any = None) -> InputError:
        """An InputError at this table's line (or ``key``'s), naming the entry and value."""
        path = (*self.path, key) if key else self.path
        field = f"{self.name}.{key}" if key else self.name
        return InputError(
            message, file=self.file, line=locate(self.text, path), field=field, value=value
        )


def check_keys(body: Mapping[str, Any], allowed: set[str], ctx: Ctx) -> None:
    """Refuse a key the table does not know (a typo would otherwise be silently ignored)."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ctx.fail(f"unknown key; use {', '.join(sorted(allowed))}", unknown[0], unknown[0])


def text(body: Mapping[str, Any], key: str, ctx: Ctx, default: str | None = None) -> str:
    """A required (or defaulted) string."""
    value = body.get(key, default)
    if not isinstance(value, str) or (default is None and not value):
        raise ctx.fail(f"'{key}' must be a non-empty string", key, value)
    return value


def strings(body: Mapping[str, Any], key: str, ctx: Ctx) -> tuple[str, ...]:
    """A list of strings (absent: empty)."""
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.fail(f"'{key}' must be a list of strings", key, value)
    return tuple(value)


def flag(body: Mapping[str, Any], key: str, ctx: Ctx) -> bool:
    """A boolean (absent: false)."""
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ctx.fail(f"'{key}' must be true or false", key, value)
    return value


def number(value: Any, ctx: Ctx, key: str, *, high: float, what: str) -> float:
    """A finite number in [0, high]; ``what`` names it in the message."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ctx.fail(f"{what} must be a number", key, value)
    if not 0.0 <= value <= high:
        hint = " (write 25% as 0.25)" if what == "a rate" and value > high else ""
        raise ctx.fail(f"{what} must be between 0 and {high:g}{hint}", key, value)
    return float(value)


def rate(value: Any, ctx: Ctx, key: str) -> float:
    """An ad-valorem rate as a fraction."""
    return number(value, ctx, key, high=MAX_RATE, what="a rate")


def share(value: Any, ctx: Ctx, key: str) -> float:
    """A share between 0 and 1."""
    return number(value, ctx, key, high=1.0, what=f"'{key}' (a share)")


def day(value: Any, ctx: Ctx, key: str) -> date:
    """A TOML date (2026-07-24) or a 'YYYY-MM-DD' string."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ctx.fail(f"'{key}' must be a date like 2026-07-24", key, value)


def country(code: Any, ctx: Ctx, key: str) -> frozenset[str]:
    """An ISO 3166-1 alpha-2 code, or a group name from [groups], as a set of codes."""
    if isinstance(code, str) and code in ctx.groups:
        return ctx.groups[code]
    if not isinstance(code, str) or not is_country(code):
        raise ctx.fail(
            "unknown country code (use ISO 3166-1 alpha-2, e.g. TW, or a group)", key, code
        )
    return frozenset({code})


def countries(body: Mapping[str, Any], key: str, ctx: Ctx) -> frozenset[str] | None:
    """A list of countries and groups ('*' or absent: every origin)."""
    names = strings(body, key, ctx)
    if not names or names == ("*",):
        return None
    found: set[str] = set()
    for name in names:
        found |= country(name, ctx, key)
    return frozenset(found)


def hts_list(body: Mapping[str, Any], key: str, ctx: Ctx) -> tuple[str, ...]:
    """A list of HTS codes (or prefixes) as digits."""
    return tuple(hts_code(code, ctx, key) for code in strings(body, key, ctx))


def hts_code(code: Any, ctx: Ctx, key: str) -> str:
    """One HTS code as digits; a bad one fails at ``key``'s line, naming the entry and code."""
    try:
        return parse_hts(code)
    except InputError as bad:
        raise ctx.fail(bad.message, key, code) from None


def by_country(value: Any, ctx: Ctx, key: str) -> dict[str, float]:
    """``{TW = 0.2, EU = 0.15}``: rates by country, groups expanded."""
    if not isinstance(value, dict):
        raise ctx.fail(f"'{key}' must be a table of country = rate", key, value)
    out: dict[str, float] = {}
    for name, number_ in value.items():
        for code in country(name, ctx.at(key), name):
            out[code] = rate(number_, ctx.at(key), name)
    return out


def by_hts(value: Any, ctx: Ctx, key: str) -> dict[str, float]:
    """``{"8544.42.90" = 0.026}``: rates by HTS code."""
    if not isinstance(value, dict):
        raise ctx.fail(f"'{key}' must be a table of HTS code = rate", key, value)
    return {hts_code(code, ctx, key): rate(v, ctx.at(key), code) for code, v in value.items()}


PERIOD_KEYS = {"from", "until", "rate", "origin_rates", "all_in", "hts_rates", "note"}


def period(body: Any, ctx: Ctx) -> RatePeriod:
    """One ``[[rule.period]]`` (or a scenario change's period)."""
    if not isinstance(body, dict):
        raise ctx.fail("a period must be a table")
    check_keys(body, PERIOD_KEYS | {"rule"}, ctx)
    start = day(body.get("from"), ctx, "from")
    end = day(body["until"], ctx, "until") if "until" in body else None
    if end is not None and end <= start:
        raise ctx.fail("'until' must be after 'from'", "until", body["until"])
    return RatePeriod(
        start=start,
        end=end,
        rate=rate(body.get("rate", 0.0), ctx, "rate"),
        origin_rates=by_country(body.get("origin_rates", {}), ctx, "origin_rates"),
        all_in=by_country(body.get("all_in", {}), ctx, "all_in"),
        hts_rates=by_hts(body.get("hts_rates", {}), ctx, "hts_rates"),
        note=str(body.get("note", "")),
    )


def periods(raw: Any, ctx: Ctx) -> tuple[RatePeriod, ...]:
    """A rule's periods, in date order; two that overlap are an error naming both."""
    if not isinstance(raw, list) or not raw:
        raise ctx.fail("a rule needs at least one [[rule.period]]", "period", raw)
    found = sorted(
        ((period(body, ctx.at("period", i)), i) for i, body in enumerate(raw)),
        key=lambda pi: pi[0].start,
    )
    for (a, _), (b, j) in itertools.pairwise(found):
        if a.overlaps(b):
            message = f"periods overlap: {a.span()} and {b.span()}"
            where = ctx.at("period", j).named(f"{ctx.name}.period")
            raise where.fail(message, value=b.start.isoformat())
    return tuple(p for p, _ in found)
