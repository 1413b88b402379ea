"""Parse one ``[[rule]]``, ``[[part]]`` / ``[[category]]`` or ``[[scenario]]`` table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rackwright.catalog.models import Confidence
from rackwright.tariffs.models import (
    METALS,
    Base,
    Family,
    HtsExemption,
    PartClass,
    PartFacts,
    PolicyScenario,
    Rule,
    ScenarioChange,
)
from rackwright.tariffs.parse import (
    Ctx,
    check_keys,
    countries,
    flag,
    hts_code,
    hts_list,
    number,
    period,
    periods,
    rate,
    share,
    strings,
    text,
)

RULE_KEYS = {
    "id", "name", "family", "basis", "sources", "confidence", "origins", "exclude_origins",
    "hts", "exempt", "base", "metals", "exempt_usmca", "exclude_if_232",
    "min_metal_weight_share", "us_metal_rate", "us_metal_threshold", "requires",
    "end_use_exempt", "excludes", "unit_value_usd", "notes", "period",
}  # fmt: skip


def confidence(body: Mapping[str, Any], ctx: Ctx) -> Confidence:
    """The V/S/E/U tag of an entry."""
    value = body.get("confidence")
    try:
        return Confidence(str(value))
    except ValueError:
        raise ctx.fail("confidence must be V, S, E or U", "confidence", value) from None


def choice(
    body: Mapping[str, Any], key: str, ctx: Ctx, options: type[Family] | type[Base], default: str
) -> Any:
    """One value of an enum, by its string."""
    value = body.get(key, default)
    try:
        return options(value)
    except ValueError:
        names = ", ".join(o.value for o in options)
        raise ctx.fail(f"'{key}' must be one of {names}", key, value) from None


def rule(body: Any, ctx: Ctx) -> Rule:
    """One ``[[rule]]`` table."""
    if not isinstance(body, dict):
        raise ctx.fail("a rule must be a table")
    rid = text(body, "id", ctx)
    ctx = ctx.named(f"rule.{rid}")
    check_keys(body, RULE_KEYS, ctx)
    origins = countries(body, "origins", ctx)
    excluded = countries(body, "exclude_origins", ctx) or frozenset()
    if origins is not None or excluded:
        origins = (origins if origins is not None else _all_countries()) - excluded
    metals = strings(body, "metals", ctx)
    for metal in metals:
        if metal not in METALS:
            raise ctx.fail(f"unknown metal; use {', '.join(METALS)}", "metals", metal)
    return Rule(
        id=rid,
        name=text(body, "name", ctx),
        family=choice(body, "family", ctx, Family, ""),
        basis=text(body, "basis", ctx),
        sources=strings(body, "sources", ctx),
        confidence=confidence(body, ctx),
        periods=periods(body.get("period"), ctx),
        origins=origins,
        hts=hts_list(body, "hts", ctx),
        exemptions=_exemptions(body.get("exempt", []), ctx),
        base=choice(body, "base", ctx, Base, Base.FULL.value),
        metals=metals,
        exempt_usmca=flag(body, "exempt_usmca", ctx),
        exclude_if_232=flag(body, "exclude_if_232", ctx),
        min_metal_weight_share=_optional(body, "min_metal_weight_share", ctx, share),
        us_metal_rate=_optional(body, "us_metal_rate", ctx, rate),
        us_metal_threshold=share(body.get("us_metal_threshold", 0.95), ctx, "us_metal_threshold"),
        requires=strings(body, "requires", ctx),
        end_use_exempt=frozenset(strings(body, "end_use_exempt", ctx)),
        excludes=str(body.get("excludes", "")),
        unit_value_usd=_value_band(body.get("unit_value_usd"), ctx),
        notes=str(body.get("notes", "")),
    )


def _all_countries() -> frozenset[str]:
    from rackwright.bom.countries import country_names

    return frozenset(country_names())


def _optional(body: Mapping[str, Any], key: str, ctx: Ctx, parse: Any) -> float | None:
    return None if key not in body else float(parse(body[key], ctx, key))


def _exemptions(raw: Any, ctx: Ctx) -> tuple[HtsExemption, ...]:
    if not isinstance(raw, list):
        raise ctx.fail(
            "'exempt' must be a list of {hts = [...], reason = ...} tables", "exempt", raw
        )
    found: list[HtsExemption] = []
    for i, body in enumerate(raw):
        here = ctx.at("exempt", i)
        if not isinstance(body, dict):
            raise here.fail("an exemption must be a table with hts and reason")
        check_keys(body, {"hts", "reason"}, here)
        found.append(HtsExemption(hts_list(body, "hts", here), text(body, "reason", here)))
    return tuple(found)


def _value_band(raw: Any, ctx: Ctx) -> tuple[float | None, float | None]:
    if raw is None:
        return (None, None)
    if not isinstance(raw, dict):
        raise ctx.fail(
            "'unit_value_usd' must be a table {above = .., up_to = ..}", "unit_value_usd", raw
        )
    check_keys(raw, {"above", "up_to"}, ctx.at("unit_value_usd"))
    high = 1e12
    low = (
        None
        if "above" not in raw
        else number(raw["above"], ctx, "unit_value_usd", high=high, what="a unit value")
    )
    top = (
        None
        if "up_to" not in raw
        else number(raw["up_to"], ctx, "unit_value_usd", high=high, what="a unit value")
    )
    return (low, top)


FACT_KEYS = {
    "steel_value_share", "aluminum_value_share", "copper_value_share", "metal_weight_share",
    "us_melted_share", "usmca", "end_use", "unit_value_usd", "flags",
}  # fmt: skip
CLASS_KEYS = {
    "id", "hts", "description", "guidance", "sources", "confidence", "uncertain",
    "alternatives", "value_basis", "facts", "offer", "notes",
}  # fmt: skip


def facts(body: Any, ctx: Ctx, base: PartFacts | None = None) -> PartFacts:
    """A ``facts`` table (keys not given keep ``base``'s values)."""
    base = base or PartFacts()
    if not isinstance(body, dict):
        raise ctx.fail("'facts' must be a table")
    check_keys(body, FACT_KEYS | {"id"}, ctx)
    metals = dict(base.metal_value_share)
    for metal in METALS:
        key = f"{metal}_value_share"
        if key in body:
            metals[metal] = share(body[key], ctx, key)
    weight = base.metal_weight_share
    if "metal_weight_share" in body:
        weight = share(body["metal_weight_share"], ctx, "metal_weight_share")
    try:
        return PartFacts(
            metal_value_share=metals,
            metal_weight_share=weight,
            us_melted_share=share(
                body.get("us_melted_share", base.us_melted_share), ctx, "us_melted_share"
            ),
            usmca=bool(body.get("usmca", base.usmca)),
            end_use=str(body.get("end_use", base.end_use)),
            unit_value_usd=body.get("unit_value_usd", base.unit_value_usd),
            flags=frozenset(strings(body, "flags", ctx)) or base.flags,
        )
    except Exception as exc:  # PartFacts' own checks: re-raised at this table's line
        raise ctx.fail(getattr(exc, "message", str(exc)), "", getattr(exc, "value", None)) from None


def part_class(body: Any, ctx: Ctx, kind: str) -> PartClass:
    """One ``[[part]]`` or ``[[category]]`` classification."""
    if not isinstance(body, dict):
        raise ctx.fail(f"a {kind} entry must be a table")
    key = text(body, "id", ctx)
    ctx = ctx.named(f"{kind}.{key}")
    check_keys(body, CLASS_KEYS, ctx)
    code = hts_code(body.get("hts"), ctx, "hts")
    if len(code) < 8:
        raise ctx.fail(
            "a part's HTS code needs 8 or 10 digits (the rules match lines)", "hts", body.get("hts")
        )
    own = facts(body.get("facts", {}), ctx.at("facts"))
    offers = body.get("offer", [])
    if not isinstance(offers, list):
        raise ctx.fail("'offer' must be a list of [[part.offer]] tables", "offer", offers)
    per_offer = {
        text(o, "id", ctx.at("offer", i)): facts(o, ctx.at("offer", i), own)
        for i, o in enumerate(offers)
    }
    return PartClass(
        key=key if kind == "part" else f"category:{key}",
        hts=code,
        description=text(body, "description", ctx),
        guidance=text(body, "guidance", ctx),
        sources=strings(body, "sources", ctx),
        confidence=confidence(body, ctx),
        uncertain=flag(body, "uncertain", ctx),
        alternatives=hts_list(body, "alternatives", ctx),
        facts=own,
        offer_facts=per_offer,
        value_basis=text(body, "value_basis", ctx, "part"),
    )


def scenario(body: Any, ctx: Ctx) -> PolicyScenario:
    """One ``[[scenario]]``: changed periods (``[[scenario.change]]``) and added rules."""
    if not isinstance(body, dict):
        raise ctx.fail("a scenario must be a table")
    name = text(body, "name", ctx)
    ctx = ctx.named(f"scenario.{name}")
    check_keys(body, {"name", "description", "sources", "confidence", "change", "rule"}, ctx)
    changes = tuple(
        ScenarioChange(
            rule=text(c, "rule", ctx.at("change", i)), period=period(c, ctx.at("change", i))
        )
        for i, c in enumerate(body.get("change", []))
    )
    added = tuple(rule(r, ctx.at("rule", i)) for i, r in enumerate(body.get("rule", [])))
    return PolicyScenario(
        name=name,
        description=text(body, "description", ctx),
        sources=strings(body, "sources", ctx),
        confidence=confidence(body, ctx),
        changes=changes,
        added=added,
    )
