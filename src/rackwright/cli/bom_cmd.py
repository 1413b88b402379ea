"""``rackwright bom``: a rack's multi-level bill of materials and its domestic content."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.tree import Tree

from rackwright.bom import (
    Bom,
    BomNode,
    DomesticResult,
    DomesticRules,
    Policy,
    Rollup,
    Subsystem,
    domestic_content,
    expand_bom,
    load_supply_data,
    read_rules,
    rollup,
)
from rackwright.bom.supply import default_year
from rackwright.bom.views import (
    PartLines,
    bom_json,
    by_part,
    domestic_json,
    node_cost_usd,
    node_countries,
    offer_json,
    unit_cost_usd,
)
from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    catalog_from,
    console,
    finite,
    print_json,
)
from rackwright.cli.inputs import BomFilesOpt, RulesFileOpt
from rackwright.rack import RackAnalysis, analyze

app = typer.Typer(
    no_args_is_help=True,
    help="Bill of materials: parts, makers, sites and origin; cost roll-ups; domestic content.",
)

YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        "-y",
        min=2020,
        max=2040,
        help="Year to price and check (default: the rack's first year, >= 2025).",
    ),
]
PolicyOpt = Annotated[
    Policy,
    typer.Option("--policy", help="Offer per part: cheapest, or domestic where one can ship."),
]
RateOpt = Annotated[
    float | None,
    typer.Option(
        "--racks-per-quarter",
        min=0,
        callback=finite,
        help="Build rate: fill each part's need offer by offer up to capacity.",
    ),
]
SitesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--site",
        help="Integrate (final assembly) only at this site (repeatable), as `plan` does at its "
        "scenario's sites; default: the cheapest integration offer anywhere.",
    ),
]
VolumeOpt = Annotated[
    int,
    typer.Option(
        "--volume", min=1, max=1_000_000, help="Racks in the order lot (sets price breaks)."
    ),
]


def _prepare(
    rack: str,
    catalog: list[Path] | None,
    bom_files: list[Path] | None,
    year: int | None,
    policy: Policy,
    volume: int,
    rate: float | None = None,
    sites: list[str] | None = None,
) -> tuple[Bom, Rollup, RackAnalysis]:
    cat = catalog_from(catalog)
    supply = load_supply_data(cat, bom_files or [])
    for site in sites or []:
        cat.site(site)  # an unknown site is a one-line error naming it
    design = cat.rack(rack)
    bom = expand_bom(design, cat, supply)
    chosen_year = year if year is not None else default_year(design.year_available)
    result = rollup(
        bom,
        supply,
        year=chosen_year,
        policy=policy,
        volume_racks=volume,
        racks_per_quarter=rate,
        sites_by_category=_assembly(sites),
    )
    return bom, result, analyze(design, cat)


def _assembly(sites: list[str] | None) -> dict[str, tuple[str, ...]] | None:
    """Final-assembly categories kept at ``sites`` (None: any site)."""
    if not sites:
        return None
    return {c: tuple(sites) for c in read_rules().final_assembly.categories}


def _usd(value: float) -> str:
    return f"${value:,.0f}"


def _qty(value: float) -> str:
    return f"{value:,.4g}" if value != int(value) else f"{int(value):,}"


@app.command("show")
def show(
    rack: Annotated[str, typer.Argument(help="Catalog rack id, e.g. ref-gb200-nvl72.")],
    tree: Annotated[bool, typer.Option("--tree", help="Show the multi-level tree.")] = False,
    year: YearOpt = None,
    policy: PolicyOpt = Policy.CHEAPEST,
    volume: VolumeOpt = 1,
    rate: RateOpt = None,
    site: SitesOpt = None,
    catalog: CatalogFiles = None,
    bom_files: BomFilesOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """A rack's BOM: quantity, unit and extended cost, maker site and country of origin."""
    bom, result, analysis = _prepare(rack, catalog, bom_files, year, policy, volume, rate, site)
    if json_out:
        print_json(bom_json(bom, result, analysis))
        return
    lines = by_part(result)
    if tree:
        console.print(_tree(bom.root, lines))
    else:
        console.print(_parts_table(bom, result))
    by_subsystem = ", ".join(
        f"{s.value} {_usd(v)}" for s, v in result.cost_by_subsystem().items() if v > 0
    )
    console.print(
        f"{bom.rack_id} ({bom.family_id}) in {result.year}, {result.policy.value} offers: "
        f"total {_usd(result.total_cost_usd)}; {by_subsystem}"
    )
    short = sorted({x.part_id for x in result.lines if not x.capacity_ok})
    if short:
        console.print(f"[yellow]capacity short at this build rate:[/yellow] {', '.join(short)}")
    console.print(
        f"weight {analysis.weight_kg:,.0f} kg, power {analysis.power_typical_w / 1e3:,.1f} kW "
        f"typical / {analysis.power_max_w / 1e3:,.1f} kW max (rack engineering)"
    )


def _label(node: BomNode, lines: PartLines) -> str:
    cost = node_cost_usd(node, lines)
    if node.level == "part":
        part_lines = lines[node.item_id]
        attrition = f" +{node.attrition_pct:g}%" if node.attrition_pct else ""
        origin = ", ".join(f"[cyan]{x.country}[/cyan] ({x.site_id})" for x in part_lines)
        return (
            f"{node.item_id} [dim]{node.name}[/dim]  x{_qty(node.qty)}{attrition}  "
            f"@ {_usd(unit_cost_usd(part_lines))} = {_usd(cost)}  {origin}"
        )
    countries = "/".join(node_countries(node, lines))
    return f"[bold]{node.item_id}[/bold] x{_qty(node.qty)}  {_usd(cost)}  [cyan]{countries}[/cyan]"


def _tree(root: BomNode, lines: PartLines) -> Tree:
    out = Tree(_label(root, lines))

    def grow(branch: Tree, node: BomNode) -> None:
        for child in node.children:
            grow(branch.add(_label(child, lines)), child)

    grow(out, root)
    return out


def _parts_table(bom: Bom, result: Rollup) -> Table:
    table = Table(title=f"BOM of {bom.rack_name} ({result.year})")
    table.add_column("subsystem")
    table.add_column("part", overflow="fold")
    for column in ("qty/rack", "unit", "extended"):
        table.add_column(column, justify="right")
    table.add_column("site", overflow="fold")
    table.add_column("origin")
    for line in result.lines:
        table.add_row(
            line.subsystem.value,
            line.part_id,
            _qty(line.qty_per_rack),
            _usd(line.unit_cost_usd),
            _usd(line.extended_cost_usd),
            line.site_id,
            line.country,
        )
    return table


@app.command("domestic")
def domestic(
    rack: Annotated[
        str | None, typer.Argument(help="Catalog rack id (omit: every generation).")
    ] = None,
    rules_file: RulesFileOpt = None,
    year: YearOpt = None,
    policy: PolicyOpt = Policy.CHEAPEST,
    volume: VolumeOpt = 1,
    rate: RateOpt = None,
    site: SitesOpt = None,
    catalog: CatalogFiles = None,
    bom_files: BomFilesOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """Domestic share of component value, per subsystem, against the rules' threshold."""
    rules = read_rules(rules_file)
    if rack is None:
        _all_generations(rules, year, policy, volume, rate, catalog, bom_files, json_out)
        return
    _, result, _ = _prepare(rack, catalog, bom_files, year, policy, volume, rate, site)
    verdict = domestic_content(result, rules)
    if json_out:
        print_json(domestic_json(verdict))
        return
    table = Table(title=f"Domestic content of {rack} in {verdict.year} ({rules.name})")
    for column in ("subsystem", "value", "domestic", "share", "target", "verdict"):
        table.add_column(column, justify="left" if column == "subsystem" else "right")
    for share in verdict.by_subsystem:
        if share.total_usd == 0:
            continue
        table.add_row(
            share.subsystem.value,
            _usd(share.total_usd),
            _usd(share.domestic_usd),
            f"{share.share:.1%}",
            "" if share.target is None else f"{share.target:.0%}",
            {None: "", True: "pass", False: "FAIL"}[share.passes],
        )
    console.print(table)
    value = "PASS" if verdict.passes_value else "FAIL"
    console.print(
        f"value test: {verdict.share:.1%} domestic of {_usd(verdict.counted_usd)} component "
        f"value vs threshold {verdict.threshold:.0%} -> {value}"
    )
    where = ", ".join(verdict.final_assembly_countries) or "none"
    assembly = "PASS" if verdict.passes_final_assembly else "FAIL"
    required = "required" if verdict.final_assembly_required else "not required"
    console.print(f"final assembly in {where} (U.S. final assembly {required}) -> {assembly}")
    if not site:
        console.print(
            "  (at the cheapest integration offer anywhere; `rackwright plan` integrates at the "
            "scenario's own sites: name them with --site to see the same figure)",
            style="dim",
        )
    console.print(f"overall: {'PASS' if verdict.passes else 'FAIL'}")
    if verdict.top_foreign:
        foreign = Table(title="Largest foreign-origin parts (where domestic value is lost)")
        for column in ("part", "extended", "country", "site"):
            foreign.add_column(column)
        for line in verdict.top_foreign[:5]:
            foreign.add_row(line.part_id, _usd(line.extended_cost_usd), line.country, line.site_id)
        console.print(foreign)


def _all_generations(
    rules: DomesticRules,
    year: int | None,
    policy: Policy,
    volume: int,
    rate: float | None,
    catalog: list[Path] | None,
    bom_files: list[Path] | None,
    json_out: bool,
) -> None:
    cat = catalog_from(catalog)
    supply = load_supply_data(cat, bom_files or [])
    verdicts: list[DomesticResult] = []
    for design in cat.racks():
        bom = expand_bom(design, cat, supply)
        chosen = year if year is not None else default_year(design.year_available)
        result = rollup(
            bom, supply, year=chosen, policy=policy, volume_racks=volume, racks_per_quarter=rate
        )
        verdicts.append(domestic_content(result, rules))
    if json_out:
        print_json([domestic_json(v) for v in verdicts])
        return
    subsystems = [s for s in Subsystem if s is not Subsystem.INTEGRATION]
    table = Table(
        title=f"Domestic share by generation ({rules.name}, {policy.value} offers)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        padding=(0, 0),
    )
    table.add_column("rack", no_wrap=True)
    table.add_column("year")
    for subsystem in subsystems:
        table.add_column(_SHORT[subsystem], justify="right")
    table.add_column("tot/thr", justify="right")
    table.add_column("final")
    table.add_column("ok")
    for verdict in verdicts:
        shares = {s.subsystem: s for s in verdict.by_subsystem}
        table.add_row(
            verdict.rack_id,
            str(verdict.year),
            *(f"{shares[s].share:.0%}" if shares[s].total_usd else "-" for s in subsystems),
            f"{verdict.share:.0%}/{verdict.threshold:.0%}",
            "/".join(verdict.final_assembly_countries) or "none",
            "PASS" if verdict.passes else "FAIL",
        )
    console.print(table)


_SHORT = {
    Subsystem.COMPUTE: "cmp",
    Subsystem.NETWORKING: "net",
    Subsystem.CABLING: "cab",
    Subsystem.COOLING: "cool",
    Subsystem.POWER: "pwr",
    Subsystem.MECHANICAL: "mech",
    Subsystem.INTEGRATION: "intg",
}


@app.command("offers")
def offers(
    part: Annotated[str, typer.Argument(help="BOM part id, e.g. gpu-b200.")],
    catalog: CatalogFiles = None,
    bom_files: BomFilesOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """Every offer for a part: maker, site, origin, USD price, MOQ, lead time, capacity."""
    cat = catalog_from(catalog)
    supply = load_supply_data(cat, bom_files or [])
    found = supply.offers_for(part)
    if json_out:
        print_json([offer_json(o) for o in found])
        return
    table = Table(title=f"Offers for {part}: {supply.part(part).name}")
    for column in ("offer", "site", "origin", "from", "unit", "moq", "lead wk", "cap/qtr"):
        justify = "left" if column in {"offer", "site", "origin"} else "right"
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for offer in found:
        first = offer.first_year
        table.add_row(
            offer.offer_id,
            offer.site_id,
            offer.country + (" (planned)" if offer.planned_site else ""),
            "-" if first is None else str(first),
            _usd(offer.price_breaks[0].unit_cost_usd),
            str(offer.moq),
            f"{offer.lead_time_mean_weeks:.0f}",
            _qty(offer.capacity[-1].units_per_quarter),
        )
    console.print(table)
