"""Quantities with units, parsed to SI at the edge.

Inside rackwright every number is SI (or USD) and its name carries the unit: ``power_w``,
``hbm_bytes``, ``bw_bytes_per_s``, ``cost_usd``. Files a person writes may give either a bare
number (already in the field's SI unit) or a string such as ``"120 kW"`` or ``"3.35 TB/s"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator

from rackwright.errors import UnitError

# dimension -> {unit symbol: factor to the SI/base unit}
_UNITS: dict[str, dict[str, float]] = {
    "power": {"W": 1.0, "kW": 1e3, "MW": 1e6, "GW": 1e9},
    "energy": {"J": 1.0, "Wh": 3600.0, "kWh": 3.6e6, "MWh": 3.6e9, "GWh": 3.6e12},
    "bytes": {
        "B": 1.0,
        "KB": 1e3,
        "MB": 1e6,
        "GB": 1e9,
        "TB": 1e12,
        "PB": 1e15,
        "KiB": 2.0**10,
        "MiB": 2.0**20,
        "GiB": 2.0**30,
        "TiB": 2.0**40,
    },
    "bytes_per_s": {
        "B/s": 1.0,
        "KB/s": 1e3,
        "MB/s": 1e6,
        "GB/s": 1e9,
        "TB/s": 1e12,
        "b/s": 0.125,
        "Mb/s": 1.25e5,
        "Gb/s": 1.25e8,
        "Tb/s": 1.25e11,
        "Mbps": 1.25e5,
        "Gbps": 1.25e8,
        "Tbps": 1.25e11,
    },
    "bits_per_s": {"b/s": 1.0, "Mb/s": 1e6, "Gb/s": 1e9, "Tb/s": 1e12, "Gbps": 1e9, "Tbps": 1e12},
    "flops_per_s": {
        "FLOP/s": 1.0,
        "GFLOP/s": 1e9,
        "TFLOP/s": 1e12,
        "PFLOP/s": 1e15,
        "EFLOP/s": 1e18,
    },
    "flops": {"FLOP": 1.0, "GFLOP": 1e9, "TFLOP": 1e12, "PFLOP": 1e15, "EFLOP": 1e18},
    "mass_kg": {"g": 1e-3, "kg": 1.0, "t": 1e3, "lb": 0.45359237},
    "current_a": {"A": 1.0, "kA": 1e3},
    "voltage_v": {"V": 1.0, "kV": 1e3},
    "flow_m3_per_s": {
        "m3/s": 1.0,
        "L/s": 1e-3,
        "L/min": 1e-3 / 60.0,
        "lpm": 1e-3 / 60.0,
        "gpm": 3.785411784e-3 / 60.0,
        "m3/h": 1.0 / 3600.0,
    },
    "temperature_delta_k": {"K": 1.0, "degC": 1.0},
    "length_m": {"mm": 1e-3, "cm": 1e-2, "m": 1.0, "km": 1e3, "mi": 1609.344},
    "area_m2": {"m2": 1.0, "ft2": 0.09290304},
    "pressure_pa": {"Pa": 1.0, "kPa": 1e3, "bar": 1e5, "psi": 6894.757293168},
    "usd": {"USD": 1.0, "kUSD": 1e3, "MUSD": 1e6, "BUSD": 1e9},
    "usd_per_kwh": {"USD/kWh": 1.0, "USD/MWh": 1e-3, "cents/kWh": 1e-2},
    "usd_per_w": {"USD/W": 1.0, "USD/kW": 1e-3, "MUSD/MW": 1.0},
    "time_s": {
        "s": 1.0,
        "ms": 1e-3,
        "us": 1e-6,
        "min": 60.0,
        "h": 3600.0,
        "day": 86400.0,
        "days": 86400.0,
        "week": 604800.0,
        "weeks": 604800.0,
        "year": 31557600.0,
        "years": 31557600.0,
    },
    "tokens": {"tok": 1.0, "Ktok": 1e3, "Mtok": 1e6, "Btok": 1e9, "Ttok": 1e12},
    "kg_per_m2": {"kg/m2": 1.0, "lb/ft2": 4.88242763638},
    "j_per_kg_k": {"J/(kg*K)": 1.0, "kJ/(kg*K)": 1e3},
    "kg_per_m3": {"kg/m3": 1.0, "g/L": 1.0},
}

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)?\s*$")


def dimensions() -> list[str]:
    """Names of the dimensions rackwright knows."""
    return sorted(_UNITS)


def units_of(dimension: str) -> list[str]:
    """Unit symbols accepted for ``dimension``."""
    return sorted(_UNITS[dimension])


def parse_quantity(value: Any, dimension: str, *, field: str | None = None) -> float:
    """Return ``value`` in the base unit of ``dimension``.

    A bare number is taken as already in the base unit; a string is ``"<number> <unit>"``.
    """
    if isinstance(value, bool):
        raise UnitError("expected a number or a quantity string", field=field, value=value)
    if isinstance(value, int | float):
        return _finite(float(value), field, value)
    if not isinstance(value, str):
        raise UnitError("expected a number or a quantity string", field=field, value=value)
    match = _QUANTITY.match(value)
    if match is None:
        raise UnitError("not a quantity like '120 kW'", field=field, value=value)
    number = float(match.group(1).replace("_", "").replace(",", ""))
    unit = match.group(2)
    table = _UNITS[dimension]
    if unit is None:
        return _finite(number, field, value)
    if unit not in table:
        known = ", ".join(sorted(table))
        raise UnitError(
            f"unknown unit '{unit}' for {dimension}; use one of {known}", field=field, value=value
        )
    return _finite(number * table[unit], field, value)


def _finite(number: float, field: str | None, given: Any) -> float:
    """``number``, or a UnitError when it is infinite or not a number (never a value to plan)."""
    if not math.isfinite(number):
        raise UnitError("must be a finite number", field=field, value=given)
    return number


def quantity(dimension: str) -> Callable[[Any], float]:
    """A pydantic before-validator that parses a quantity of ``dimension``."""
    if dimension not in _UNITS:
        raise KeyError(dimension)

    def _parse(value: Any) -> float:
        return parse_quantity(value, dimension)

    return _parse


# Annotated float types for pydantic models: accept SI numbers or unit strings.
Watts = Annotated[float, BeforeValidator(quantity("power"))]
Joules = Annotated[float, BeforeValidator(quantity("energy"))]
Bytes = Annotated[float, BeforeValidator(quantity("bytes"))]
BytesPerS = Annotated[float, BeforeValidator(quantity("bytes_per_s"))]
BitsPerS = Annotated[float, BeforeValidator(quantity("bits_per_s"))]
FlopsPerS = Annotated[float, BeforeValidator(quantity("flops_per_s"))]
Kilograms = Annotated[float, BeforeValidator(quantity("mass_kg"))]
Amperes = Annotated[float, BeforeValidator(quantity("current_a"))]
Volts = Annotated[float, BeforeValidator(quantity("voltage_v"))]
CubicMetresPerS = Annotated[float, BeforeValidator(quantity("flow_m3_per_s"))]
Kelvin = Annotated[float, BeforeValidator(quantity("temperature_delta_k"))]
Metres = Annotated[float, BeforeValidator(quantity("length_m"))]
SquareMetres = Annotated[float, BeforeValidator(quantity("area_m2"))]
Usd = Annotated[float, BeforeValidator(quantity("usd"))]
UsdPerKwh = Annotated[float, BeforeValidator(quantity("usd_per_kwh"))]
UsdPerW = Annotated[float, BeforeValidator(quantity("usd_per_w"))]
Seconds = Annotated[float, BeforeValidator(quantity("time_s"))]
KgPerM2 = Annotated[float, BeforeValidator(quantity("kg_per_m2"))]

# How a field's SI unit is shown, keyed by the suffix of its name.
FIELD_UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_bytes_per_s", "B/s"),
    ("_flops_per_s", "FLOP/s"),
    ("_m3_per_s", "m3/s"),
    ("_usd_per_kwh", "USD/kWh"),
    ("_usd_per_w", "USD/W"),
    ("_kg_per_m2", "kg/m2"),
    ("_j_per_kg_k", "J/(kg*K)"),
    ("_kg_per_m3", "kg/m3"),
    ("_bits_per_s", "b/s"),
    ("_bytes", "B"),
    ("_w", "W"),
    ("_j", "J"),
    ("_kg", "kg"),
    ("_a", "A"),
    ("_v", "V"),
    ("_k", "K"),
    ("_m", "m"),
    ("_m2", "m2"),
    ("_usd", "USD"),
    ("_s", "s"),
    ("_pct", "%"),
    ("_fraction", "fraction"),
    ("_ratio", "ratio"),
    ("_u", "U (rack units)"),
    ("_count", "count"),
)


def unit_of_field(name: str) -> str:
    """The unit a field holds, read from its name's suffix ('' when unitless)."""
    for suffix, unit in FIELD_UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return ""


def human(value: float, unit: str) -> str:
    """Format an SI value with an engineering prefix for display (``1.2e5, 'W'`` -> 120 kW)."""
    if unit in {"", "count", "ratio", "fraction", "%", "U (rack units)"}:
        return f"{value:,.4g}" if isinstance(value, float) else f"{value}"
    prefixes = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
    magnitude = abs(value)
    if unit in {"USD"}:
        return f"${value:,.0f}"
    if unit == "kg":  # masses read in kg (or t), never "kkg"
        return f"{value / 1e3:.3g} t" if magnitude >= 1e4 else f"{value:,.4g} kg"
    for factor, prefix in prefixes:
        if magnitude >= factor:
            return f"{value / factor:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"
