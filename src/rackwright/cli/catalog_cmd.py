"""``rackwright catalog``: list entries, show one with every figure's source, size a fabric."""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Annotated, Any

import typer
from rich.table import Table

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.fabric_sizing import FabricSizing, size_fabric, size_system_fabric
from rackwright.catalog.models import (
    KIND_MODELS,
    Accelerator,
    Component,
    Entry,
    Fabric,
    Facility,
    RackDesign,
    Site,
    System,
)
from rackwright.cli.common import CatalogFiles, JsonFlag, catalog_from, console, print_json
from rackwright.errors import UnknownIdError
from rackwright.units import human, unit_of_field

app = typer.Typer(
    no_args_is_help=True,
    help="The sourced catalog: accelerators, systems, fabrics, racks, components, sites and "
    "facilities.",
)

# Compound units units.FIELD_UNIT_SUFFIXES lacks (it would read "_j_per_kg_k" as kelvin).
_EXTRA_SUFFIXES = (("_j_per_kg_k", "J/(kg*K)"), ("_kg_per_m3", "kg/m3"))

# Entry-head fields that describe the entry rather than a figure of it.
_META_FIELDS = {"id", "name", "kind", "sources", "confidence", "notes", "provenance", "override"}


@app.command("list")
def list_entries(
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help=f"Only this kind: {', '.join(KIND_MODELS)}."),
    ] = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """List catalog entries with their key figures and confidence."""
    cat = catalog_from(catalog)
    kinds = [kind] if kind is not None else cat.kinds()
    rows: list[dict[str, Any]] = []
    for k in kinds:
        for entry in cat.all(k):
            rows.append(
                {
                    "id": entry.id,
                    "kind": k,
                    "name": entry.name,
                    "key_figures": key_figures(entry),
                    "confidence": entry.confidence.value,
                    "origin": cat.origins.get((k, entry.id), ""),
                }
            )
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"catalog ({len(rows)} entries)", show_lines=False)
    for column in ("id", "name", "kind", "key figures", "conf."):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["id"], row["name"], row["kind"], row["key_figures"], row["confidence"])
    console.print(table)


@app.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="A catalog id.")],
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Every figure of one entry with its unit, source ids and confidence."""
    cat = catalog_from(catalog)
    entry = find_entry(cat, entry_id)
    info = describe(cat, entry)
    if json_out:
        print_json(info)
        return
    console.print(
        f"[bold]{info['name']}[/bold] ({info['kind']} '{info['id']}', confidence "
        f"{info['confidence']}, from {info['origin']})",
        highlight=False,
    )
    if info["notes"]:
        console.print(info["notes"], markup=False)
    table = Table(show_lines=False)
    for column in ("field", "value", "sources", "conf.", "note"):
        table.add_column(column, overflow="fold")
    for fig in info["figures"]:
        table.add_row(
            fig["field"], fig["display"], ", ".join(fig["sources"]), fig["confidence"], fig["note"]
        )
    console.print(table)
    sources = Table(title="sources", show_lines=False)
    sources.add_column("id")
    sources.add_column("title", overflow="fold")
    for src in info["sources"]:
        sources.add_row(src["id"], src["title"])
    console.print(sources)


@app.command("sources")
def list_sources(catalog: CatalogFiles = None, json_out: JsonFlag = False) -> None:
    """Every cited source and labelled assumption (A-ids) with its title."""
    cat = catalog_from(catalog)
    rows = [
        {"id": s.id, "kind": s.kind, "title": s.title, "url": s.url}
        for s in sorted(cat.sources.values(), key=lambda s: _source_key(s.id))
    ]
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"sources ({len(rows)})")
    for column in ("id", "kind", "title"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["id"], row["kind"], row["title"])
    console.print(table)


@app.command("fabric")
def fabric_cmd(
    fabric_id: Annotated[str, typer.Argument(metavar="FABRIC", help="A fabric id.")],
    gpus: Annotated[int, typer.Option("--gpus", "-n", help="GPUs to connect.", min=1)],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="Use this system's NICs and node size.")
    ] = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Size a rail-optimized fat tree of FABRIC for --gpus GPUs."""
    cat = catalog_from(catalog)
    fab = cat.fabric(fabric_id)
    sizing = (
        size_system_fabric(cat.system(system), fab, gpus)
        if system is not None
        else size_fabric(fab, gpus)
    )
    data = sizing_dict(sizing)
    if json_out:
        print_json(data)
        return
    tree = sizing.tree
    console.print(
        f"{fab.name}: {gpus:,} GPUs, {tree.tiers_count} tier(s), "
        f"{tree.leaf_switches_count} leaf + {tree.spine_switches_count} spine + "
        f"{tree.core_switches_count} core switches, {tree.cables_count:,} cables, "
        f"{sizing.optics_count:,} optics ({sizing.optics_per_gpu_ratio:.2f} per GPU), "
        f"{human(sizing.power_w, 'W')}, {human(sizing.cost_usd, 'USD')}",
        markup=False,
    )


def find_entry(cat: Catalog, entry_id: str) -> Entry:
    """The entry ``entry_id``, or an UnknownIdError that suggests close ids."""
    try:
        return cat.find(entry_id)
    except UnknownIdError:
        every = [e.id for _, e in cat.iter_entries()]
        close = difflib.get_close_matches(entry_id, every, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `rackwright catalog list`"
        raise UnknownIdError(
            f"no catalog entry with id '{entry_id}'{hint}", field="id", value=entry_id
        ) from None


def describe(cat: Catalog, entry: Entry) -> dict[str, Any]:
    """The JSON-able description of ``entry``: every figure with unit, sources and confidence."""
    kind = str(getattr(entry, "kind", ""))
    dumped = entry.model_dump(mode="json")
    figures: list[dict[str, Any]] = []
    cited: list[str] = list(entry.sources)
    for name in type(entry).model_fields:
        if name in _META_FIELDS:
            continue
        raw = getattr(entry, name)
        prov = entry.provenance_of(name)
        unit = _unit_of(name) if raw is None or _is_number(raw) else ""
        figures.append(
            {
                "field": name,
                "value": dumped[name],
                "unit": unit,
                "display": _display(raw, dumped[name], unit),
                "sources": list(prov.sources),
                "confidence": prov.confidence.value,
                "note": prov.note,
            }
        )
        cited.extend(s for s in prov.sources if s not in cited)
    return {
        "id": entry.id,
        "kind": kind,
        "name": entry.name,
        "origin": cat.origins.get((kind, entry.id), ""),
        "confidence": entry.confidence.value,
        "notes": entry.notes,
        "figures": figures,
        "sources": [
            {
                "id": sid,
                "title": cat.source_title(sid),
                "kind": cat.sources[sid].kind if sid in cat.sources else "",
                "url": cat.sources[sid].url if sid in cat.sources else "",
            }
            for sid in cited
        ],
    }


def key_figures(entry: Entry) -> str:
    """A one-line summary of the figures that matter most for ``entry``'s kind."""
    if isinstance(entry, Accelerator):
        fp8 = entry.fp8_flops_per_s
        return (
            f"BF16 {human(entry.bf16_flops_per_s, 'FLOP/s')}"
            + (f", FP8 {human(fp8, 'FLOP/s')}" if fp8 else "")
            + f", HBM {human(entry.hbm_bytes, 'B')} @ {human(entry.hbm_bw_bytes_per_s, 'B/s')}"
            + f", {human(entry.tdp_w, 'W')}"
        )
    if isinstance(entry, System):
        return (
            f"{entry.gpus_count} x {entry.accelerator}, {human(entry.power_max_w, 'W')} max, "
            f"{human(entry.price_usd, 'USD')}, {entry.scaleout_fabric}"
        )
    if isinstance(entry, Fabric):
        return (
            f"{entry.switch_product}: {entry.switch_radix_count} x "
            f"{human(entry.port_bits_per_s, 'b/s')}, {human(entry.switch_power_w, 'W')}, "
            f"{human(entry.switch_price_usd, 'USD')}"
        )
    if isinstance(entry, Component):
        return (
            f"{entry.component_kind.value}, {human(entry.power_max_w, 'W')} max, "
            f"{human(entry.unit_cost_usd, 'USD')}"
        )
    if isinstance(entry, RackDesign):
        return (
            f"gen {entry.generation} ({entry.status.value}, {entry.year_available}), "
            f"{entry.systems_count} x {entry.system}, {human(entry.price_usd, 'USD')}"
        )
    if isinstance(entry, Site):
        planned = f", planned {entry.operating_from_year}" if entry.planned else ""
        return f"{entry.operator}, {entry.city} {entry.country}: {', '.join(entry.makes)}{planned}"
    if isinstance(entry, Facility):
        return (
            f"PUE {entry.pue_ratio:g}, {entry.electricity_usd_per_kwh * 100:.2f} c/kWh, "
            f"${entry.build_cost_usd_per_w:g}/W build"
        )
    return ""


def sizing_dict(sizing: FabricSizing) -> dict[str, Any]:
    """JSON-able fabric sizing."""
    tree = sizing.tree
    return {
        "fabric": sizing.fabric,
        "gpus_count": sizing.gpus_count,
        "ports_per_gpu_count": sizing.ports_per_gpu_count,
        "tiers_count": tree.tiers_count,
        "rails_count": tree.rails_count,
        "radix_count": tree.radix_count,
        "leaf_switches_count": tree.leaf_switches_count,
        "spine_switches_count": tree.spine_switches_count,
        "core_switches_count": tree.core_switches_count,
        "node_leaf_cables_count": tree.node_leaf_cables_count,
        "leaf_spine_cables_count": tree.leaf_spine_cables_count,
        "spine_core_cables_count": tree.spine_core_cables_count,
        "optics_count": sizing.optics_count,
        "optics_per_gpu_ratio": sizing.optics_per_gpu_ratio,
        "switch_power_w": sizing.switch_power_w,
        "optics_power_w": sizing.optics_power_w,
        "power_w": sizing.power_w,
        "switch_cost_usd": sizing.switch_cost_usd,
        "optics_cost_usd": sizing.optics_cost_usd,
        "cost_usd": sizing.cost_usd,
        "switch_rack_units_u": sizing.switch_rack_units_u,
    }


def _unit_of(name: str) -> str:
    for suffix, unit in _EXTRA_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return unit_of_field(name)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _display(raw: Any, dumped: Any, unit: str) -> str:
    if raw is None:
        return "-"
    if _is_number(raw):
        return human(float(raw), unit) if unit else f"{raw}"
    if isinstance(raw, Enum):
        return str(raw.value)
    if isinstance(dumped, list):
        parts = [
            f"{d['qty']:g} x {d['component']}" if isinstance(d, dict) else str(d) for d in dumped
        ]
        return ", ".join(parts)
    return str(dumped)


def _source_key(source_id: str) -> tuple[str, int, str]:
    digits = "".join(ch for ch in source_id if ch.isdigit())
    return (source_id[:1], int(digits) if digits else 0, source_id)
