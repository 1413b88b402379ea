"""Hand-built rack designs for the BOM tests (no tests here; other test_bom_* files import it).

The GB200 NVL72 is built from its published layout (S29, S30, S35, S44): 18 compute trays of
4 GPUs, 9 NVLink switch trays, 8 power shelves of 6 PSUs, a busbar, manifolds, an NVLink copper
spine of ~5,184 cables, 2 management ToR switches and a 48U rack.
"""

from __future__ import annotations

from rackwright.catalog import Catalog, load_catalog
from rackwright.catalog.models import Component, ComponentKind, ComponentQty, RackDesign

GB200_LAYOUT: list[tuple[str, ComponentKind, float, dict[str, float]]] = [
    ("t-gb200-compute-tray", ComponentKind.COMPUTE_TRAY, 18, {"gpus_count": 4, "weight_kg": 38}),
    ("t-nvl72-switch-tray", ComponentKind.SWITCH_TRAY, 9, {"weight_kg": 20}),
    ("t-power-shelf-33kw", ComponentKind.POWER_SHELF, 8, {"psus_count": 6, "weight_kg": 25}),
    ("t-busbar", ComponentKind.BUSBAR, 1, {"weight_kg": 40}),
    ("t-manifold", ComponentKind.MANIFOLD, 1, {"weight_kg": 60}),
    ("t-nvlink-spine", ComponentKind.NVLINK_SPINE, 1, {"ports_count": 5184, "weight_kg": 150}),
    ("t-tor", ComponentKind.TOR_SWITCH, 2, {"weight_kg": 8}),
    ("t-rack-48u", ComponentKind.CHASSIS, 1, {"weight_kg": 180}),
]


def component(cid: str, kind: ComponentKind, **figures: float) -> Component:
    """A test component with the given figures."""
    return Component.model_validate(
        {
            "id": cid,
            "name": cid,
            "sources": ["S29"],
            "confidence": "S",
            "component_kind": kind,
            **figures,
        }
    )


def rack(rack_id: str, parts: list[tuple[str, float]], **extra: object) -> RackDesign:
    """A test rack design holding ``parts`` (component id, qty)."""
    return RackDesign.model_validate(
        {
            "id": rack_id,
            "name": rack_id,
            "sources": ["S29"],
            "confidence": "S",
            "generation": 0,
            "status": "production",
            "year_available": 2025,
            "system": "gb200-nvl72",
            "components": [ComponentQty(component=c, qty=q) for c, q in parts],
            "cdu": parts[0][0],
            "air_cooling_capacity_w": 30000.0,
            "price_usd": 3.25e6,
            **extra,
        }
    )


def gb200_catalog(
    rack_id: str = "ref-gb200-nvl72", overrides: dict[str, dict[str, float]] | None = None
) -> tuple[Catalog, RackDesign]:
    """The default catalog (for its sites) plus a hand-built GB200 NVL72 under ``rack_id``."""
    catalog = load_catalog()
    for table in (catalog.entries["rack"], catalog.entries["component"]):
        for key in [k for k in table if k == rack_id or k.startswith("t-")]:
            del table[key]
    for cid, kind, _, figures in GB200_LAYOUT:
        merged = {**figures, **(overrides or {}).get(cid, {})}
        catalog.add(component(cid, kind, **merged), origin="<test>")
    design = rack(rack_id, [(cid, qty) for cid, _, qty, _ in GB200_LAYOUT])
    catalog.add(design, origin="<test>")
    return catalog, design
