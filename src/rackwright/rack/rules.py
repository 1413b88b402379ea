"""The rack engineering rules: each turns a rack's figures into pass / warn / fail.

Every rule compares a demand (``computed``) with what the rack or hall provides (``limit``).
Rating-type rules (power, current, flow, heat, floor load) warn above ``WARN_FRACTION`` of their
limit; counting rules (GPUs, rack units, cables, ports) only pass or fail, since an exact fit is
the normal design point for a count.
"""

from __future__ import annotations

from collections.abc import Callable

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import RackDesign
from rackwright.rack import physics
from rackwright.rack.analysis import analyze
from rackwright.rack.results import WARN_FRACTION, CheckResult, RackAnalysis, RackReport, Status
from rackwright.units import human

Rule = Callable[[RackDesign, RackAnalysis], CheckResult]


def flow_text(flow_m3_per_s: float) -> str:
    """A coolant flow for people: litres per minute."""
    return f"{flow_m3_per_s / physics.M3_PER_S_PER_L_PER_MIN:,.0f} L/min"


def display(value: float, unit: str) -> str:
    """A rule figure for people, in the unit engineers read it in."""
    if unit == "m3/s":
        return flow_text(value)
    if unit in {"count", "U"}:
        return f"{value:,.0f}"
    if unit == "kg/m2":
        return f"{value:,.0f} kg/m2"
    return human(value, unit)


def _rated(
    rule: str,
    title: str,
    computed: float,
    limit: float,
    unit: str,
    explanation: str,
    *,
    warn: bool = True,
) -> CheckResult:
    if computed > limit:
        status = Status.FAIL
    elif warn and computed > WARN_FRACTION * limit:
        status = Status.WARN
    else:
        status = Status.PASS
    if limit > 0:
        explanation = f"{explanation} ({computed / limit:.0%})"
    return CheckResult(rule, title, status, computed, limit, unit, explanation)


def _not_applicable(rule: str, title: str, unit: str, why: str) -> CheckResult:
    return CheckResult(rule, title, Status.NOT_APPLICABLE, 0.0, None, unit, why)


def gpu_count(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """The compute trays hold exactly the GPUs the rack's systems have."""
    title = "GPUs in trays match the system"
    status = Status.PASS if a.gpus_count == a.system_gpus_count else Status.FAIL
    why = (
        f"compute trays hold {a.gpus_count} GPUs; {rack.systems_count} x {a.system_id} "
        f"has {a.system_gpus_count}"
    )
    return CheckResult("gpu_count", title, status, a.gpus_count, a.system_gpus_count, "count", why)


def _supply_rule(
    rule: str,
    title: str,
    what: str,
    installed: int,
    unit_capacity_w: float,
    needed_n: int,
    rack: RackDesign,
    a: RackAnalysis,
) -> CheckResult:
    scheme = rack.redundancy
    usable = physics.usable_capacity_w(installed, unit_capacity_w, scheme)
    needed = physics.with_redundancy(needed_n, scheme)
    why = (
        f"{display(a.dc_load_max_w, 'W')} max DC load needs {needed} {what} at {scheme.value} "
        f"(N={needed_n}); {installed} x {display(unit_capacity_w, 'W')} leave "
        f"{display(usable, 'W')} with {physics.spares(installed, scheme)} failed"
    )
    return _rated(rule, title, a.dc_load_max_w, usable, "W", why)


def power_shelves(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """Power shelves carry the max DC load with the design's redundancy spares failed."""
    title = "Power shelves (design redundancy)"
    if a.power_shelves_count == 0:
        return _not_applicable(
            "power_shelves", title, "W", "no power shelves: servers carry their own supplies"
        )
    return _supply_rule(
        "power_shelves",
        title,
        "shelves",
        a.power_shelves_count,
        a.power_shelf_capacity_w,
        a.shelves_needed_n_count,
        rack,
        a,
    )


def psus(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """PSUs carry the max DC load with the design's redundancy spares failed."""
    title = "PSUs (design redundancy)"
    if a.psus_count == 0:
        return _not_applicable("psus", title, "W", "no separate PSU modules in this rack")
    return _supply_rule(
        "psus", title, "PSUs", a.psus_count, a.psu_capacity_w, a.psus_needed_n_count, rack, a
    )


def busbar_current(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """DC busbar current at its voltage stays within its rating."""
    title = "Busbar current"
    if a.busbar_rating_a == 0:
        return _not_applicable("busbar_current", title, "A", "no DC busbar in this rack")
    why = (
        f"{display(a.dc_load_max_w, 'W')} / {a.busbar_voltage_v:g} V = "
        f"{a.busbar_current_a:,.0f} A on a {a.busbar_rating_a:,.0f} A busbar"
    )
    return _rated("busbar_current", title, a.busbar_current_a, a.busbar_rating_a, "A", why)


def _no_liquid(rule: str, title: str, unit: str) -> CheckResult:
    return _not_applicable(rule, title, unit, "no heat goes to liquid: air-cooled rack")


def manifold_flow(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """Rack manifolds carry the coolant flow the liquid heat needs."""
    title = "Manifold coolant flow"
    if a.heat_liquid_w == 0:
        return _no_liquid("manifold_flow", title, "m3/s")
    why = (
        f"{display(a.heat_liquid_w, 'W')} to liquid at dT {rack.coolant_delta_t_k:g} K needs "
        f"{flow_text(a.coolant_flow_m3_per_s)}; manifolds carry "
        f"{flow_text(a.manifold_flow_capacity_m3_per_s)}"
    )
    return _rated(
        "manifold_flow",
        title,
        a.coolant_flow_m3_per_s,
        a.manifold_flow_capacity_m3_per_s,
        "m3/s",
        why,
    )


def cdu_heat(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """The CDU removes the liquid heat of every rack it serves."""
    title = "CDU heat capacity"
    if a.heat_liquid_w == 0:
        return _no_liquid("cdu_heat", title, "W")
    load = a.heat_liquid_w * a.racks_per_cdu_count
    why = (
        f"{a.racks_per_cdu_count} racks x {display(a.heat_liquid_w, 'W')} on {a.cdu_id} "
        f"rated {display(a.cdu_heat_capacity_w, 'W')}"
    )
    return _rated("cdu_heat", title, load, a.cdu_heat_capacity_w, "W", why)


def cdu_flow(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """The CDU's secondary loop pumps the coolant flow of every rack it serves."""
    title = "CDU coolant flow"
    if a.heat_liquid_w == 0:
        return _no_liquid("cdu_flow", title, "m3/s")
    load = a.coolant_flow_m3_per_s * a.racks_per_cdu_count
    why = (
        f"{a.racks_per_cdu_count} racks x {flow_text(a.coolant_flow_m3_per_s)} on {a.cdu_id} "
        f"rated {flow_text(a.cdu_flow_capacity_m3_per_s)}"
    )
    return _rated("cdu_flow", title, load, a.cdu_flow_capacity_m3_per_s, "m3/s", why)


def facility_water(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """The CDU's primary side accepts the facility water the liquid heat needs."""
    title = "Facility water flow"
    if a.heat_liquid_w == 0:
        return _no_liquid("facility_water", title, "m3/s")
    load = a.facility_water_flow_m3_per_s * a.racks_per_cdu_count
    if a.cdu_facility_flow_capacity_m3_per_s == 0:
        return _not_applicable(
            "facility_water",
            title,
            "m3/s",
            f"needs {flow_text(load)} of facility water; {a.cdu_id} states no primary rating",
        )
    why = (
        f"{a.racks_per_cdu_count} racks need {flow_text(load)} of facility water at dT "
        f"{rack.facility_delta_t_k:g} K; {a.cdu_id} primary takes "
        f"{flow_text(a.cdu_facility_flow_capacity_m3_per_s)}"
    )
    return _rated("facility_water", title, load, a.cdu_facility_flow_capacity_m3_per_s, "m3/s", why)


def air_heat(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """Heat left to air stays within what the hall removes per rack position."""
    share = a.heat_air_w / a.power_max_w if a.power_max_w else 0.0
    why = (
        f"{display(a.heat_air_w, 'W')} to air ({share:.0%} of {display(a.power_max_w, 'W')}); "
        f"the hall removes {display(a.air_cooling_capacity_w, 'W')} per rack"
    )
    return _rated("air_heat", "Heat to air", a.heat_air_w, a.air_cooling_capacity_w, "W", why)


def floor_loading(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """Loaded rack weight over its footprint stays within the floor rating."""
    why = (
        f"{a.weight_kg:,.0f} kg on {rack.footprint_m2:g} m2 = "
        f"{a.floor_load_kg_per_m2:,.0f} kg/m2; floor rated {a.floor_rating_kg_per_m2:,.0f} kg/m2"
    )
    return _rated(
        "floor_loading",
        "Weight and floor loading",
        a.floor_load_kg_per_m2,
        a.floor_rating_kg_per_m2,
        "kg/m2",
        why,
    )


def rack_units(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """Components fit in the rack's units."""
    why = f"{a.rack_units_used_u} U used of {a.rack_units_total_u} U"
    return _rated(
        "rack_units",
        "Rack units",
        a.rack_units_used_u,
        a.rack_units_total_u,
        "U",
        why,
        warn=False,
    )


def nvlink_spine(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """The NVLink spine has a cable position for every GPU link cable."""
    title = "NVLink spine cables"
    if a.spine_cables_needed_count == 0 and a.spine_cable_positions_count == 0:
        return _not_applicable(
            "nvlink_spine", title, "count", "no rack-level NVLink spine (switching in the server)"
        )
    why = (
        f"{a.gpus_count} GPUs x {a.nvlink_links_per_gpu_count} links x "
        f"{rack.spine_cables_per_link_count} cables = {a.spine_cables_needed_count:,}; "
        f"spine has {a.spine_cable_positions_count:,} positions"
    )
    return _rated(
        "nvlink_spine",
        title,
        a.spine_cables_needed_count,
        a.spine_cable_positions_count,
        "count",
        why,
        warn=False,
    )


def scaleout_bandwidth(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """NIC ports give every GPU the scale-out bandwidth its system specifies."""
    per_gpu = a.scaleout_required_bits_per_s / a.gpus_count if a.gpus_count else 0.0
    why = (
        f"{a.gpus_count} GPUs x {display(per_gpu, 'b/s')} need "
        f"{display(a.scaleout_required_bits_per_s, 'b/s')}; {a.scaleout_ports_count} NIC ports "
        f"give {display(a.scaleout_bits_per_s, 'b/s')}"
    )
    return _rated(
        "scaleout_bandwidth",
        "Scale-out NIC bandwidth",
        a.scaleout_required_bits_per_s,
        a.scaleout_bits_per_s,
        "b/s",
        why,
        warn=False,
    )


def optics(rack: RackDesign, a: RackAnalysis) -> CheckResult:
    """Every scale-out NIC port has a transceiver at the rack side."""
    title = "Optics per NIC port"
    if a.scaleout_ports_count == 0:
        return _not_applicable("optics", title, "count", "no scale-out NIC ports")
    why = (
        f"{a.scaleout_ports_count} NIC ports need {a.scaleout_ports_count} optic ports; "
        f"{a.optics_count} transceivers give {a.optic_ports_count}"
    )
    return _rated(
        "optics", title, a.scaleout_ports_count, a.optic_ports_count, "count", why, warn=False
    )


RULES: tuple[Rule, ...] = (
    gpu_count,
    power_shelves,
    psus,
    busbar_current,
    manifold_flow,
    cdu_heat,
    cdu_flow,
    facility_water,
    air_heat,
    floor_loading,
    rack_units,
    nvlink_spine,
    scaleout_bandwidth,
    optics,
)


def rule_ids() -> list[str]:
    """The rule ids in report order."""
    return [rule.__name__ for rule in RULES]


def check_analysis(rack: RackDesign, analysis: RackAnalysis) -> RackReport:
    """Run every rule on an already computed analysis."""
    results = tuple(rule(rack, analysis) for rule in RULES)
    return RackReport(rack_id=rack.id, analysis=analysis, results=results)


def check(rack: RackDesign, catalog: Catalog) -> RackReport:
    """Analyse ``rack`` against ``catalog`` and run every rule on it."""
    return check_analysis(rack, analyze(rack, catalog))


__all__ = ["RULES", "check", "check_analysis", "rule_ids"]
