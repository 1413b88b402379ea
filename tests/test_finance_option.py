"""Option valuation: the lattice against Black-Scholes and published textbook values."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import RunCli
from rackwright.errors import InputError
from rackwright.finance.option import (
    ExerciseStyle,
    OptionKind,
    OptionSpec,
    black_scholes,
    closed_form,
    lattice,
)

spots = st.floats(70.0, 130.0)
rates = st.floats(0.0, 0.10)
vols = st.floats(0.10, 0.60)
years = st.floats(0.25, 3.0)


@settings(max_examples=40, deadline=None)
@given(spot=spots, rate=rates, vol=vols, t=years)
def test_lattice_matches_black_scholes_for_a_european_call(
    spot: float, rate: float, vol: float, t: float
) -> None:
    spec = OptionSpec(spot=spot, strike=100.0, rate=rate, vol=vol, years=t)
    exact = black_scholes(spec)
    # a relative error of an option worth almost nothing says nothing about the lattice
    assume(exact > 0.01 * spot)
    assert lattice(spec, 1000).value == pytest.approx(exact, rel=0.005)


@settings(max_examples=25, deadline=None)
@given(spot=spots, rate=rates, vol=vols, t=years)
def test_american_put_is_worth_at_least_its_european_twin(
    spot: float, rate: float, vol: float, t: float
) -> None:
    european = OptionSpec(spot, 100.0, rate, vol, t, kind=OptionKind.PUT)
    american = OptionSpec(
        spot, 100.0, rate, vol, t, kind=OptionKind.PUT, style=ExerciseStyle.AMERICAN
    )
    assert lattice(american, 400).value >= lattice(european, 400).value - 1e-12
    assert closed_form(american) is None


@settings(max_examples=25, deadline=None)
@given(spot=spots, rate=rates, vol=vols, t=years)
def test_american_call_without_dividend_equals_the_european_call(
    spot: float, rate: float, vol: float, t: float
) -> None:
    european = OptionSpec(spot, 100.0, rate, vol, t)
    american = OptionSpec(spot, 100.0, rate, vol, t, style=ExerciseStyle.AMERICAN)
    assert lattice(american, 400).value == pytest.approx(lattice(european, 400).value, rel=1e-12)
    assert closed_form(american) == pytest.approx(black_scholes(european))
    assert not lattice(american, 400).exercise_now


def test_deep_in_the_money_american_put_is_worth_more_than_the_european() -> None:
    european = OptionSpec(60.0, 100.0, 0.08, 0.2, 1.0, kind=OptionKind.PUT)
    american = OptionSpec(
        60.0, 100.0, 0.08, 0.2, 1.0, kind=OptionKind.PUT, style=ExerciseStyle.AMERICAN
    )
    value = lattice(american, 500)
    assert value.value > lattice(european, 500).value + 1.0
    assert value.exercise_now and value.value == pytest.approx(40.0)


def test_a_dividend_makes_early_exercise_of_a_call_pay() -> None:
    spec = OptionSpec(150.0, 100.0, 0.05, 0.2, 2.0, dividend=0.3, style=ExerciseStyle.AMERICAN)
    european = OptionSpec(150.0, 100.0, 0.05, 0.2, 2.0, dividend=0.3)
    assert lattice(spec, 500).value > lattice(european, 500).value
    assert closed_form(spec) is None


@pytest.mark.parametrize(
    ("steps", "published"),
    [(5, 4.49), (30, 4.263), (50, 4.272), (100, 4.278), (500, 4.283)],
)
def test_hulls_american_put_on_the_crr_tree(steps: int, published: float) -> None:
    """Hull, Options, Futures, and Other Derivatives: American put S0 = K = 50, r = 10 %,
    vol = 40 %, 5 months; the CRR tree gives 4.49 with 5 steps and 4.263, 4.272, 4.278, 4.283
    with 30, 50, 100 and 500 steps."""
    spec = OptionSpec(
        50.0, 50.0, 0.10, 0.40, 5 / 12, kind=OptionKind.PUT, style=ExerciseStyle.AMERICAN
    )
    assert lattice(spec, steps).value == pytest.approx(published, abs=0.0051)


def test_hulls_black_scholes_example() -> None:
    """Hull: S0 = 42, K = 40, r = 10 %, vol = 20 %, six months -> call 4.76, put 0.81."""
    assert black_scholes(OptionSpec(42.0, 40.0, 0.1, 0.2, 0.5)) == pytest.approx(4.76, abs=0.005)
    put = OptionSpec(42.0, 40.0, 0.1, 0.2, 0.5, kind=OptionKind.PUT)
    assert black_scholes(put) == pytest.approx(0.81, abs=0.005)


@settings(max_examples=30, deadline=None)
@given(spot=spots, rate=rates, vol=vols, t=years, q=st.floats(0.0, 0.1))
def test_closed_form_satisfies_put_call_parity(
    spot: float, rate: float, vol: float, t: float, q: float
) -> None:
    call = black_scholes(OptionSpec(spot, 100.0, rate, vol, t, dividend=q))
    put = black_scholes(OptionSpec(spot, 100.0, rate, vol, t, dividend=q, kind=OptionKind.PUT))
    forward = spot * pow(2.718281828459045, -q * t) - 100.0 * pow(2.718281828459045, -rate * t)
    assert call - put == pytest.approx(forward, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"vol": 0.0}, "vol"),
        ({"spot": -1.0}, "spot"),
        ({"strike": float("nan")}, "strike"),
        ({"years": 0.0}, "years"),
        ({"rate": 3.0}, "rate"),
    ],
)
def test_bad_option_inputs_name_the_field(kwargs: dict[str, float], field: str) -> None:
    base = {"spot": 100.0, "strike": 100.0, "rate": 0.05, "vol": 0.2, "years": 1.0}
    with pytest.raises(InputError) as caught:
        OptionSpec(**{**base, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_too_few_steps_for_the_drift_is_an_error() -> None:
    spec = OptionSpec(100.0, 100.0, 0.9, 0.01, 5.0)
    with pytest.raises(InputError) as caught:
        lattice(spec, 2)
    assert caught.value.field == "steps"


def test_bench_option_json_gives_lattice_and_closed_form(cli: RunCli) -> None:
    args = ["--spot", "42", "--strike", "40", "--rate", "0.1", "--vol", "0.2", "--years", "0.5"]
    result = cli("bench", "option", *args, "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert set(data) == {"lattice", "closed_form"}
    assert data["closed_form"] == pytest.approx(4.7594, abs=1e-4)
    assert data["lattice"] == pytest.approx(data["closed_form"], rel=0.005)
    american_put = json.loads(
        cli("bench", "option", *args, "--american", "--put", "--steps", "200", "--json").out
    )
    assert american_put["closed_form"] is None
    assert american_put["lattice"] >= 0.8086


def test_bench_option_bad_volatility_is_one_line_exit_2(cli: RunCli) -> None:
    result = cli(
        "bench",
        "option",
        "--spot",
        "1",
        "--strike",
        "1",
        "--rate",
        "0",
        "--vol",
        "-0.2",
        "--years",
        "1",
    )
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "vol" in result.err and "-0.2" in result.err
