"""``report.json``: the plan as data, and the catalog provenance both reports show.

Shape::

    {"rackwright_version", "generated_at",
     "scenario": {"name", "file", "description", "horizon", "facility", "workloads", ...},
     "sections": {key: {"title", "summary", "data", "tables", "notes"}},
     "provenance": {"legend": {"V": ...}, "entries": [...], "sources": {...}}}
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rackwright import __version__
from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import CONFIDENCE_LABELS, Entry, RackDesign, System
from rackwright.chain import PlanInputs
from rackwright.report.section import PlanView, Table
from rackwright.scenario import scenario_summary


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: NaN/inf become None, models and numpy arrays are unpacked."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump(mode="json"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, Path | datetime):
        return str(value)
    tolist = getattr(value, "tolist", None)  # numpy arrays and scalars
    if callable(tolist):
        return jsonable(tolist())
    return str(value)


def table_dict(table: Table) -> dict[str, Any]:
    """A report table as JSON."""
    return {
        "title": table.title,
        "columns": list(table.columns),
        "rows": jsonable(table.rows),
        "note": table.note,
    }


def _referenced(catalog: Catalog, kind: str, entry_id: str) -> list[tuple[str, Entry]]:
    """The entry and, for racks and systems, the entries it is built from."""
    entry = catalog.entries[kind].get(entry_id)
    if entry is None:
        return []
    found: list[tuple[str, Entry]] = [(kind, entry)]
    if isinstance(entry, RackDesign):
        found += _referenced(catalog, "system", entry.system)
        for part in [entry.cdu, *(c.component for c in entry.components)]:
            found += _referenced(catalog, "component", part)
    if isinstance(entry, System):
        found += _referenced(catalog, "accelerator", entry.accelerator)
        found += _referenced(catalog, "fabric", entry.scaleout_fabric)
    return found


def catalog_provenance(context: PlanInputs) -> dict[str, Any]:
    """Where the catalog figures this scenario uses come from: legend, entries, cited sources."""
    scenario, catalog = context.scenario, context.catalog
    wanted: list[tuple[str, str]] = [("facility", scenario.facility)]
    wanted += [("rack", g.rack) for g in scenario.generations]
    wanted += [("site", s.site) for s in scenario.sites]
    entries: dict[tuple[str, str], Entry] = {}
    for kind, entry_id in wanted:
        for found_kind, entry in _referenced(catalog, kind, entry_id):
            entries.setdefault((found_kind, entry.id), entry)
    cited: set[str] = set()
    rows: list[dict[str, Any]] = []
    for (kind, entry_id), entry in entries.items():
        field_sources = {
            name: {"sources": prov.sources, "confidence": prov.confidence.value}
            for name, prov in sorted(entry.provenance.items())
        }
        cited.update(entry.sources)
        for prov in entry.provenance.values():
            cited.update(prov.sources)
        rows.append(
            {
                "kind": kind,
                "id": entry_id,
                "name": entry.name,
                "confidence": entry.confidence.value,
                "sources": list(entry.sources),
                "fields": field_sources,
                "origin": catalog.origins.get((kind, entry_id), ""),
            }
        )
    sources = {
        source_id: {
            "title": catalog.sources[source_id].title,
            "kind": catalog.sources[source_id].kind,
            "url": catalog.sources[source_id].url,
        }
        for source_id in sorted(cited, key=_source_order)
        if source_id in catalog.sources
    }
    legend = {conf.value: label for conf, label in CONFIDENCE_LABELS.items()}
    return {"legend": legend, "entries": rows, "sources": sources}


def _source_order(source_id: str) -> tuple[str, int, str]:
    """S2 before S10: letter prefix, then number."""
    digits = "".join(ch for ch in source_id if ch.isdigit())
    prefix = "".join(ch for ch in source_id if ch.isalpha())
    return (prefix, int(digits) if digits else 0, source_id)


def scenario_header(context: PlanInputs) -> dict[str, Any]:
    """The scenario part of the report: its file and summary."""
    return {"file": context.scenario_file, **scenario_summary(context.scenario)}


def report_dict(view: PlanView, generated_at: datetime) -> dict[str, Any]:
    """The whole report as JSON-able data: scenario, input hash, stage timings, sections."""
    context, sections = view.inputs, view.sections
    return {
        "rackwright_version": __version__,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "scenario": scenario_header(context),
        "inputs": view.digest.to_json(),
        "timings": {key: round(seconds, 3) for key, seconds in view.timings.items()},
        "sections": {
            section.key: {
                "title": section.title,
                "summary": list(section.summary),
                "data": jsonable(section.data),
                "tables": [table_dict(t) for t in section.tables],
                "notes": list(section.notes),
            }
            for section in sections
        },
        "provenance": catalog_provenance(context),
    }


def render_json(report: dict[str, Any]) -> str:
    """``report.json`` text (strict JSON: no NaN)."""
    return json.dumps(jsonable(report), indent=2, allow_nan=False) + "\n"
