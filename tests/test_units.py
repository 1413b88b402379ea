"""Quantities with units: parsed to SI at the edge, shown with engineering prefixes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from rackwright.errors import InputError, UnitError
from rackwright.units import (
    BytesPerS,
    Watts,
    dimensions,
    human,
    parse_quantity,
    unit_of_field,
    units_of,
)


@pytest.mark.parametrize(
    ("text", "dimension", "si"),
    [
        ("120 kW", "power", 120e3),
        ("1.2 MW", "power", 1.2e6),
        ("3.35 TB/s", "bytes_per_s", 3.35e12),
        ("80 GiB", "bytes", 80 * 2**30),
        ("141 GB", "bytes", 141e9),
        # an 800 Gb/s NIC moves 100 GB/s
        ("800 Gb/s", "bytes_per_s", 100e9),
        ("800 Gb/s", "bits_per_s", 800e9),
        ("989.4 TFLOP/s", "flops_per_s", 989.4e12),
        ("1,000 W", "power", 1000.0),
        ("1_000 W", "power", 1000.0),
        ("5.5kW", "power", 5500.0),
        # the NVL72 rack's published weight: 3,000 lb is about 1.36 t (S35)
        ("3000 lb", "mass_kg", 1360.77711),
        ("1.36 t", "mass_kg", 1360.0),
        ("6.6 cents/kWh", "usd_per_kwh", 0.066),
        ("11.7 MUSD/MW", "usd_per_w", 11.7),
        ("3.4 MUSD", "usd", 3.4e6),
        ("30 gpm", "flow_m3_per_s", 30 * 3.785411784e-3 / 60),
        ("40 ms", "time_s", 0.040),
        ("1 year", "time_s", 365.25 * 86400),
        ("60 Ttok", "tokens", 60e12),
        ("1e3 W", "power", 1000.0),
        ("-5 K", "temperature_delta_k", -5.0),
        ("42", "power", 42.0),
    ],
)
def test_parse_quantity(text: str, dimension: str, si: float) -> None:
    assert parse_quantity(text, dimension) == pytest.approx(si, rel=1e-9)


def test_bare_numbers_are_already_si() -> None:
    assert parse_quantity(700, "power") == 700.0
    assert parse_quantity(3.35e12, "bytes_per_s") == 3.35e12


def test_unknown_unit_lists_the_units_that_work() -> None:
    with pytest.raises(UnitError) as err:
        parse_quantity("12 furlongs", "length_m", field="cable_length")
    text = str(err.value)
    assert "unknown unit 'furlongs' for length_m" in text
    assert all(unit in text for unit in units_of("length_m"))
    assert "field 'cable_length'" in text and "'12 furlongs'" in text
    assert isinstance(err.value, InputError)


@pytest.mark.parametrize("value", ["120 kW", "fast", "", True, None, [1]])
def test_wrong_dimension_or_shape_is_an_error(value: object) -> None:
    with pytest.raises(UnitError):
        parse_quantity(value, "bytes")


def test_every_dimension_has_its_base_unit() -> None:
    for dimension in dimensions():
        units = units_of(dimension)
        assert units, dimension
        base = [u for u in units if parse_quantity(f"1 {u}", dimension) == 1.0]
        assert base, f"{dimension} has no unit worth 1 SI unit"


def test_pydantic_fields_accept_numbers_and_strings() -> None:
    class Link(BaseModel):
        power_w: Watts
        bw_bytes_per_s: BytesPerS

    link = Link.model_validate({"power_w": "1.4 kW", "bw_bytes_per_s": "1.8 TB/s"})
    assert (link.power_w, link.bw_bytes_per_s) == (1400.0, 1.8e12)
    assert Link.model_validate({"power_w": 1400, "bw_bytes_per_s": 1.8e12}) == link


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("hbm_bw_bytes_per_s", "B/s"),
        ("hbm_bytes", "B"),
        ("power_max_w", "W"),
        ("price_usd", "USD"),
        ("electricity_usd_per_kwh", "USD/kWh"),
        ("ttft_limit_s", "s"),
        ("rack_units_u", "U (rack units)"),
        ("name", ""),
    ],
)
def test_unit_of_field_reads_the_suffix(name: str, unit: str) -> None:
    assert unit_of_field(name) == unit


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (120e3, "W", "120 kW"),
        (142_000.0, "W", "142 kW"),
        (3.35e12, "B/s", "3.35 TB/s"),
        (13.4e12, "B", "13.4 TB"),
        (700.0, "W", "700 W"),
        (3_400_000.0, "USD", "$3,400,000"),
        (72, "count", "72"),
    ],
)
def test_human(value: float, unit: str, text: str) -> None:
    assert human(value, unit) == text


@given(st.floats(min_value=1e-6, max_value=1e9, allow_nan=False), st.sampled_from(["W", "kW"]))
def test_any_written_power_round_trips(value: float, unit: str) -> None:
    factor = {"W": 1.0, "kW": 1e3}[unit]
    assert parse_quantity(f"{value!r} {unit}", "power") == pytest.approx(value * factor)
