"""The physics and sizing arithmetic behind the rack rules: pure functions on SI numbers."""

from __future__ import annotations

import math

from rackwright.catalog.models import Redundancy

# Facility water (primary loop) properties at ~25 degC; the secondary (rack) coolant is per rack.
WATER_CP_J_PER_KG_K = 4186.0
WATER_DENSITY_KG_PER_M3 = 997.0

M3_PER_S_PER_L_PER_MIN = 1e-3 / 60.0


def coolant_flow_m3_per_s(
    heat_w: float, cp_j_per_kg_k: float, density_kg_per_m3: float, delta_t_k: float
) -> float:
    """Volume flow that carries ``heat_w`` at a temperature rise ``delta_t_k``: Q = m·cp·ΔT."""
    mass_flow_kg_per_s = heat_w / (cp_j_per_kg_k * delta_t_k)
    return mass_flow_kg_per_s / density_kg_per_m3


def units_needed(load_w: float, unit_capacity_w: float) -> int:
    """Supplies of ``unit_capacity_w`` that carry ``load_w`` with none spare (N)."""
    if load_w <= 0:
        return 0
    # a hair of tolerance so 132 kW on 4 x 33 kW counts as 4, not 5
    return math.ceil(load_w / unit_capacity_w - 1e-9)


def with_redundancy(needed_n: int, redundancy: Redundancy) -> int:
    """Supplies to install for ``needed_n`` working ones under a redundancy scheme."""
    if redundancy is Redundancy.N:
        return needed_n
    if redundancy is Redundancy.N_PLUS_1:
        return needed_n + 1
    return 2 * needed_n


def spares(installed: int, redundancy: Redundancy) -> int:
    """Installed supplies held back as spares by a scheme (the rest must carry the load)."""
    if redundancy is Redundancy.N:
        return 0
    if redundancy is Redundancy.N_PLUS_1:
        return min(1, installed)
    return installed - installed // 2


def usable_capacity_w(installed: int, unit_capacity_w: float, redundancy: Redundancy) -> float:
    """Output left to the load with the scheme's spares failed."""
    return (installed - spares(installed, redundancy)) * unit_capacity_w


def busbar_current_a(load_w: float, voltage_v: float) -> float:
    """DC current a busbar carries for ``load_w`` at ``voltage_v`` (I = P / V)."""
    return load_w / voltage_v
