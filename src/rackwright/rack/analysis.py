"""Sum a rack design's components into its engineering figures (power, heat, flow, weight...).

This is the one place rack power and weight are computed; every later figure (BOM, costs,
facility MW) reads them from the rack stage's ``RackAnalysis``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import Component, ComponentKind, RackDesign, Redundancy
from rackwright.errors import CatalogError
from rackwright.rack import physics
from rackwright.rack.results import RackAnalysis

# Kinds that convert power for the rest of the rack: their own draw is conversion loss upstream
# of the DC busbar, so they are not part of the load the shelves and busbar carry.
_SUPPLY_KINDS = frozenset({ComponentKind.POWER_SHELF, ComponentKind.PSU})
# Kinds whose ports are the rack's scale-out (compute fabric) ports.
_SCALEOUT_KINDS = frozenset({ComponentKind.NIC, ComponentKind.SERVER})


@dataclass(frozen=True)
class Line:
    """One line of a rack's component list, resolved against the catalog."""

    component: Component
    qty: float

    def total(self, value: float) -> float:
        """``value`` times the quantity."""
        return value * self.qty


def resolve(rack: RackDesign, catalog: Catalog) -> list[Line]:
    """The rack's component lines with their catalog components."""
    return [Line(catalog.component(item.component), item.qty) for item in rack.components]


def _origin(catalog: Catalog, component: Component) -> str | None:
    return catalog.origins.get(("component", component.id))


def _require(catalog: Catalog, component: Component, field: str) -> float:
    value = getattr(component, field)
    if value is None:
        raise CatalogError(
            f"{component.component_kind.value} '{component.id}' needs '{field}' for rack "
            "engineering",
            file=_origin(catalog, component),
            field=field,
        )
    return float(value)


def _of_kind(lines: list[Line], *kinds: ComponentKind) -> list[Line]:
    return [line for line in lines if line.component.component_kind in kinds]


def _count(lines: list[Line]) -> int:
    return round(sum(line.qty for line in lines))


def _sum(lines: list[Line], field: str) -> float:
    return sum(line.total(getattr(line.component, field) or 0.0) for line in lines)


def _shelf_capacity_w(catalog: Catalog, shelf: Component, psu_capacity_w: float) -> float:
    if shelf.capacity_w is not None:
        return shelf.capacity_w
    if shelf.psus_count and psu_capacity_w > 0:
        return shelf.psus_count * psu_capacity_w
    return _require(catalog, shelf, "capacity_w")


class _Power(TypedDict):
    power_max_w: float
    power_typical_w: float
    dc_load_max_w: float
    heat_liquid_w: float
    heat_air_w: float


def _power(lines: list[Line]) -> _Power:
    """Power at max and typical load, the DC load the supplies carry, and its heat split."""
    power_max_w = _sum(lines, "power_max_w")
    heat_liquid_w = sum(
        line.total(line.component.power_max_w * line.component.liquid_fraction) for line in lines
    )
    return _Power(
        power_max_w=power_max_w,
        power_typical_w=_sum(lines, "power_typical_w"),
        dc_load_max_w=sum(
            line.total(line.component.power_max_w)
            for line in lines
            if line.component.component_kind not in _SUPPLY_KINDS
        ),
        heat_liquid_w=heat_liquid_w,
        heat_air_w=power_max_w - heat_liquid_w,
    )


class _Supplies(TypedDict):
    power_shelves_count: int
    power_shelf_capacity_w: float
    shelves_needed_n_count: int
    shelves_needed_n_plus_1_count: int
    shelves_needed_n_plus_n_count: int
    psus_count: int
    psu_capacity_w: float
    psus_needed_n_count: int
    psus_needed_n_plus_1_count: int
    psus_needed_n_plus_n_count: int


def _supplies(lines: list[Line], catalog: Catalog, dc_load_max_w: float) -> _Supplies:
    """Power shelves and PSUs installed, and how many the DC load needs at N, N+1 and N+N."""
    psus = _of_kind(lines, ComponentKind.PSU)
    psus_count = _count(psus)
    psu_total_w = sum(line.total(_require(catalog, line.component, "capacity_w")) for line in psus)
    psu_capacity_w = psu_total_w / psus_count if psus_count else 0.0
    shelves = _of_kind(lines, ComponentKind.POWER_SHELF)
    shelves_count = _count(shelves)
    shelf_total_w = sum(
        line.total(_shelf_capacity_w(catalog, line.component, psu_capacity_w)) for line in shelves
    )
    shelf_capacity_w = shelf_total_w / shelves_count if shelves_count else 0.0
    shelves_n = physics.units_needed(dc_load_max_w, shelf_capacity_w) if shelves_count else 0
    psus_n = physics.units_needed(dc_load_max_w, psu_capacity_w) if psus_count else 0
    return _Supplies(
        power_shelves_count=shelves_count,
        power_shelf_capacity_w=shelf_capacity_w,
        shelves_needed_n_count=shelves_n,
        shelves_needed_n_plus_1_count=physics.with_redundancy(shelves_n, Redundancy.N_PLUS_1),
        shelves_needed_n_plus_n_count=physics.with_redundancy(shelves_n, Redundancy.N_PLUS_N),
        psus_count=psus_count,
        psu_capacity_w=psu_capacity_w,
        psus_needed_n_count=psus_n,
        psus_needed_n_plus_1_count=physics.with_redundancy(psus_n, Redundancy.N_PLUS_1),
        psus_needed_n_plus_n_count=physics.with_redundancy(psus_n, Redundancy.N_PLUS_N),
    )


class _Busbar(TypedDict):
    busbar_voltage_v: float
    busbar_rating_a: float
    busbar_current_a: float


def _busbar(lines: list[Line], rack: RackDesign, catalog: Catalog, dc_load_w: float) -> _Busbar:
    """The busbar's voltage and rating, and the current the DC load draws through it."""
    busbars = _of_kind(lines, ComponentKind.BUSBAR)
    voltages = {_require(catalog, line.component, "voltage_v") for line in busbars}
    if len(voltages) > 1:
        raise CatalogError(
            f"rack '{rack.id}' mixes busbars of different voltages {sorted(voltages)}",
            file=catalog.origins.get(("rack", rack.id)),
            field="components",
        )
    voltage = voltages.pop() if voltages else 0.0
    return _Busbar(
        busbar_voltage_v=voltage,
        busbar_rating_a=sum(
            line.total(_require(catalog, line.component, "current_rating_a")) for line in busbars
        ),
        busbar_current_a=physics.busbar_current_a(dc_load_w, voltage) if voltage else 0.0,
    )


class _Cooling(TypedDict):
    coolant_flow_m3_per_s: float
    manifold_flow_capacity_m3_per_s: float
    cdu_id: str
    racks_per_cdu_count: int
    cdu_heat_capacity_w: float
    cdu_flow_capacity_m3_per_s: float
    facility_water_flow_m3_per_s: float
    cdu_facility_flow_capacity_m3_per_s: float
    air_cooling_capacity_w: float


def _cooling(
    lines: list[Line], rack: RackDesign, catalog: Catalog, heat_liquid_w: float
) -> _Cooling:
    """Coolant and facility-water flow the liquid heat needs (Q = m·cp·ΔT), and the capacities."""
    manifolds = _of_kind(lines, ComponentKind.MANIFOLD)
    cdu = catalog.component(rack.cdu)
    return _Cooling(
        coolant_flow_m3_per_s=physics.coolant_flow_m3_per_s(
            heat_liquid_w,
            rack.coolant_cp_j_per_kg_k,
            rack.coolant_density_kg_per_m3,
            rack.coolant_delta_t_k,
        ),
        manifold_flow_capacity_m3_per_s=sum(
            line.total(_require(catalog, line.component, "flow_capacity_m3_per_s"))
            for line in manifolds
        ),
        cdu_id=cdu.id,
        racks_per_cdu_count=rack.racks_per_cdu_count,
        cdu_heat_capacity_w=cdu.capacity_w or 0.0,
        cdu_flow_capacity_m3_per_s=cdu.flow_capacity_m3_per_s or 0.0,
        facility_water_flow_m3_per_s=physics.coolant_flow_m3_per_s(
            heat_liquid_w,
            physics.WATER_CP_J_PER_KG_K,
            physics.WATER_DENSITY_KG_PER_M3,
            rack.facility_delta_t_k,
        ),
        cdu_facility_flow_capacity_m3_per_s=cdu.facility_flow_capacity_m3_per_s or 0.0,
        air_cooling_capacity_w=rack.air_cooling_capacity_w,
    )


class _Mechanical(TypedDict):
    weight_kg: float
    floor_load_kg_per_m2: float
    floor_rating_kg_per_m2: float
    rack_units_used_u: int
    rack_units_total_u: int


def _mechanical(lines: list[Line], rack: RackDesign) -> _Mechanical:
    """Weight, floor loading and rack units."""
    weight_kg = _sum(lines, "weight_kg")
    return _Mechanical(
        weight_kg=weight_kg,
        floor_load_kg_per_m2=weight_kg / rack.footprint_m2,
        floor_rating_kg_per_m2=rack.floor_rating_kg_per_m2,
        rack_units_used_u=round(_sum(lines, "rack_units_u")),
        rack_units_total_u=rack.rack_units_total_u,
    )


class _Network(TypedDict):
    gpus_count: int
    nvlink_links_per_gpu_count: int
    spine_cables_needed_count: int
    spine_cable_positions_count: int
    scaleout_ports_count: int
    scaleout_bits_per_s: float
    scaleout_required_bits_per_s: float
    optic_ports_count: int
    optics_count: int


def _network(lines: list[Line], rack: RackDesign, catalog: Catalog) -> _Network:
    """GPUs, NVLink spine cables needed vs positions, scale-out ports and optics."""
    system = catalog.system(rack.system)
    accelerator = catalog.accelerator(system.accelerator)
    links = rack.nvlink_links_per_gpu_count or accelerator.scaleup_links_count
    gpus_count = round(_sum(lines, "gpus_count"))
    scaleout = _of_kind(lines, *_SCALEOUT_KINDS)
    optics = _of_kind(lines, ComponentKind.OPTIC)
    return _Network(
        gpus_count=gpus_count,
        nvlink_links_per_gpu_count=links,
        spine_cables_needed_count=gpus_count * links * rack.spine_cables_per_link_count,
        spine_cable_positions_count=round(
            _sum(_of_kind(lines, ComponentKind.NVLINK_SPINE), "ports_count")
        ),
        scaleout_ports_count=round(_sum(scaleout, "ports_count")),
        scaleout_bits_per_s=sum(
            line.total(line.component.ports_count * (line.component.port_bits_per_s or 0.0))
            for line in scaleout
        ),
        scaleout_required_bits_per_s=system.scaleout_nic_bits_per_s * gpus_count,
        optic_ports_count=round(
            sum(line.total(max(line.component.ports_count, 1)) for line in optics)
        ),
        optics_count=_count(optics),
    )


def analyze(rack: RackDesign, catalog: Catalog) -> RackAnalysis:
    """Every engineering figure of ``rack``, summed from its components (qty x component)."""
    lines = resolve(rack, catalog)
    system = catalog.system(rack.system)
    power = _power(lines)
    return RackAnalysis(
        rack_id=rack.id,
        generation=rack.generation,
        system_id=system.id,
        accelerator_id=system.accelerator,
        system_gpus_count=system.gpus_count * rack.systems_count,
        systems_count=rack.systems_count,
        **power,
        **_supplies(lines, catalog, power["dc_load_max_w"]),
        **_busbar(lines, rack, catalog, power["dc_load_max_w"]),
        **_cooling(lines, rack, catalog, power["heat_liquid_w"]),
        **_mechanical(lines, rack),
        **_network(lines, rack, catalog),
    )
