"""``rackwright tariffs``: the U.S. duty stack of an HTS line or a BOM part, rule by rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from rackwright.bom import load_supply_data
from rackwright.bom.countries import is_country
from rackwright.cli.common import CatalogFiles, JsonFlag, catalog_from, console, print_json
from rackwright.cli.inputs import BomFilesOpt, TariffsFileOpt
from rackwright.errors import InputError
from rackwright.tariffs import (
    CURRENT,
    DutyStack,
    PartFacts,
    duty_stack,
    format_hts,
    load_tariff_rules,
    parse_hts,
    rules_under,
)
from rackwright.tariffs.models import METALS, TariffRules

app = typer.Typer(
    no_args_is_help=True,
    help="U.S. import duties: the dated rule stack of an HTS line or a BOM part, line by line.",
)


def _share(option: str) -> Callable[[object], float]:
    """A parser for a share option in [0, 1] (one-line error naming the option and value)."""

    def parse(value: object) -> float:
        try:
            number = float(str(value))
        except ValueError:
            raise InputError(
                "expected a share between 0 and 1", field=option, value=value
            ) from None
        if not 0.0 <= number <= 1.0:
            raise InputError("must be a share between 0 and 1", field=option, value=value)
        return number

    return parse


def _day(value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError("expected a date like 2026-12-01", field="--date", value=value) from None


def _usd(value: object) -> float:
    try:
        number = float(str(value))
    except ValueError:
        number = -1.0
    if not number >= 0:
        raise InputError("expected a unit value in USD >= 0", field="--unit-value", value=value)
    return number


def ShareOpt(name: str, text: str) -> Any:
    """An optional share option."""
    return typer.Option(name, parser=_share(name), help=text)


@app.command("show")
def show(
    hts: Annotated[
        str | None, typer.Option("--hts", help="HTS code, 4 to 10 digits (8517.62.0090).")
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Country of origin, ISO alpha-2 (TW).")
    ] = None,
    part: Annotated[
        str | None, typer.Option("--part", help="A BOM part id: its class, from each origin.")
    ] = None,
    on: Annotated[
        date | None,
        typer.Option(
            "--date", parser=_day, help="Entry date (default: the date the rules are stated as of)."
        ),
    ] = None,
    scenario: Annotated[
        str, typer.Option("--scenario", help="Tariff policy scenario (default: current).")
    ] = CURRENT,
    copper: Annotated[
        float | None, ShareOpt("--copper-share", "Copper content, share of value (0-1).")
    ] = None,
    steel: Annotated[
        float | None, ShareOpt("--steel-share", "Steel content, share of value (0-1).")
    ] = None,
    aluminum: Annotated[
        float | None, ShareOpt("--aluminum-share", "Aluminium content, share of value (0-1).")
    ] = None,
    weight: Annotated[
        float | None, ShareOpt("--metal-weight-share", "Steel+aluminium+copper, share of weight.")
    ] = None,
    us_melted: Annotated[
        float | None, ShareOpt("--us-melted-share", "Share of that metal melted in the U.S.")
    ] = None,
    usmca: Annotated[
        bool | None,
        typer.Option("--usmca/--no-usmca", help="The good qualifies under USMCA (MX, CA)."),
    ] = None,
    end_use: Annotated[
        str | None, typer.Option("--end-use", help="End use (default us-data-center).")
    ] = None,
    unit_value: Annotated[
        float | None, typer.Option("--unit-value", parser=_usd, help="Unit value, USD.")
    ] = None,
    flags: Annotated[
        list[str] | None, typer.Option("--flag", help="A part fact flag, e.g. advanced-chip.")
    ] = None,
    tariffs_file: TariffsFileOpt = None,
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """Explain the duty stack: each rule that reaches the article, its rate on the customs value,
    why, and its source. ``--json`` prints ``{"total_rate": x, "lines": [...]}``.
    """
    if (hts is None) == (part is None):
        raise InputError("give --hts CODE --origin CC, or --part PART_ID", field="--hts")
    tariffs = load_tariff_rules(tariffs_file)
    rules = rules_under(tariffs, scenario)
    day = on or tariffs.as_of
    given = _Given(copper, steel, aluminum, weight, us_melted, usmca, end_use, unit_value, flags)
    if hts is not None:
        code = parse_hts(hts, field="--hts")
        if origin is None:
            raise InputError("--hts needs --origin CC", field="--origin")
        country = _country(origin)
        stack = duty_stack(rules, code, country, day, given.over(PartFacts()))
        if json_out:
            print_json(stack.to_json())
        else:
            _print_stack(f"{format_hts(code)} from {country} on {day.isoformat()}", stack)
        return
    assert part is not None
    _show_part(tariffs, scenario, part, origin, day, given, catalog, bom, json_out)


class _Given:
    """The fact options given on the command line, laid over a part's own facts."""

    def __init__(self, *values: Any) -> None:
        (
            self.copper,
            self.steel,
            self.aluminum,
            self.weight,
            self.us_melted,
            self.usmca,
            self.end_use,
            self.unit_value,
            self.flags,
        ) = values

    def over(self, facts: PartFacts) -> PartFacts:
        shares = dict(facts.metal_value_share)
        for metal, value in zip(METALS, (self.steel, self.aluminum, self.copper), strict=True):
            if value is not None:
                shares[metal] = value
        return PartFacts(
            metal_value_share=shares,
            metal_weight_share=facts.metal_weight_share if self.weight is None else self.weight,
            us_melted_share=facts.us_melted_share if self.us_melted is None else self.us_melted,
            usmca=facts.usmca if self.usmca is None else self.usmca,
            end_use=self.end_use or facts.end_use,
            unit_value_usd=facts.unit_value_usd if self.unit_value is None else self.unit_value,
            flags=frozenset(self.flags) if self.flags else facts.flags,
        )


def _country(code: str) -> str:
    upper = code.strip().upper()
    if not is_country(upper):
        raise InputError(
            "unknown country code (use ISO 3166-1 alpha-2, e.g. TW)", field="--origin", value=code
        )
    return upper


def _show_part(
    tariffs: TariffRules,
    scenario: str,
    part_id: str,
    origin: str | None,
    day: date,
    given: _Given,
    catalog: list[Path] | None,
    bom: list[Path] | None,
    json_out: bool,
) -> None:
    """The part's classification and its stack from each origin it has an offer from."""
    supply = load_supply_data(catalog_from(catalog), list(bom or []))
    part = supply.part(part_id)
    cls = tariffs.class_of(part_id, part.category)
    rules = rules_under(tariffs, scenario)
    offers = list(supply.offers_for(part_id))
    if origin is not None:
        wanted = _country(origin)
        offers = [o for o in offers if o.country == wanted]
    rows = [
        (o, duty_stack(rules, cls.hts, o.country, day, given.over(cls.facts_for(o.offer_id))))
        for o in offers
    ]
    if json_out:
        print_json(
            {
                "part": part_id,
                "hts": format_hts(cls.hts),
                "uncertain": cls.uncertain,
                "alternatives": [format_hts(a) for a in cls.alternatives],
                "guidance": cls.guidance,
                "date": day.isoformat(),
                "origins": [
                    {"origin": o.country, "offer": o.offer_id, "site": o.site_id, **s.to_json()}
                    for o, s in rows
                ],
            }
        )
        return
    note = " (uncertain; alternatives " + ", ".join(map(format_hts, cls.alternatives)) + ")"
    console.print(
        f"{part_id}: HTS {format_hts(cls.hts)}{note if cls.uncertain else ''} - {cls.guidance}",
        markup=False,
        soft_wrap=True,
    )
    for offer, stack in rows:
        _print_stack(f"from {offer.country} ({offer.site_id}) on {day.isoformat()}", stack)


def _print_stack(title: str, stack: DutyStack) -> None:
    table = Table(title=f"{title}: total {stack.total_rate:.2%}")
    table.add_column("rule")
    table.add_column("rate", justify="right")
    table.add_column("basis")
    table.add_column("source")
    for line in stack.lines:
        table.add_row(line.rule, f"{line.rate:.2%}", line.basis, line.source)
    if not stack.lines:
        why = "U.S. goods pay no import duty" if stack.origin == "US" else "no rule reaches it"
        table.add_row("(none)", "0.00%", why, "")
    console.print(table)
