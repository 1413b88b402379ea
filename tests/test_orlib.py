"""OR-Library capacitated warehouse location: every cap4x-cap7x optimum, reader robustness."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from conftest import RunCli
from rackwright.errors import InputError
from rackwright.optim import SolveStatus
from rackwright.sourcing.orlib import parse_cflp, read_cflp, solve_cflp
from shared_data import SHARED_DATA

ORLIB = SHARED_DATA / "orlib"
ROWS = [
    row
    for row in csv.DictReader((ORLIB / "optima.csv").open(encoding="utf-8"))
    if row["instance"] != "capa"  # minutes per case: benchmarks/bench_cflp.py runs it
]


@pytest.mark.parametrize("row", ROWS, ids=[r["instance"] for r in ROWS])
def test_capacitated_optimum_matches_published(row: dict[str, str]) -> None:
    result = solve_cflp(read_cflp(ORLIB / f"{row['instance']}.txt"))
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(float(row["capacitated_optimum"]), abs=1e-3)


UNCAP = [r for r in ROWS if r["uncapacitated_optimum"]]


@pytest.mark.parametrize("row", UNCAP, ids=[r["instance"] for r in UNCAP])
def test_uncapacitated_optimum_matches_published(row: dict[str, str]) -> None:
    result = solve_cflp(read_cflp(ORLIB / f"{row['instance']}.txt"), capacitated=False)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(float(row["uncapacitated_optimum"]), abs=1e-3)


# 2 warehouses, 3 customers; customer lines wrap and capacity is the literal word.
TINY = """2 3
 capacity 10.
 capacity 20.
 4
 1 5
 6
 9 5 2
 9 3
"""


def test_reader_is_token_based_and_applies_capacity_override() -> None:
    instance = parse_cflp(TINY, "tiny.txt", capacity_override=7)
    assert instance.capacity.tolist() == [7.0, 7.0]
    assert instance.fixed_cost.tolist() == [10.0, 20.0]
    assert instance.demand.tolist() == [4.0, 6.0, 2.0]
    assert instance.assign_cost.tolist() == [[1.0, 9.0, 9.0], [5.0, 5.0, 3.0]]


def test_hand_worked_tiny_instance() -> None:
    # Capacity 7 each, demand 12 in total: both must open (fixed 30). Unit costs: c1 w1 0.25;
    # c2 w1 1.5, w2 5/6; c3 w1 4.5, w2 1.5. w2 saves most on c3, so c3 (2) -> w2 for 3,
    # c1 (4) -> w1 for 1, c2 fills w2's last 5 units (25/6) and 1 unit at w1 (1.5).
    capacitated = solve_cflp(parse_cflp(TINY, "tiny.txt", capacity_override=7))
    assert capacitated.objective == pytest.approx(30 + 1 + 3 + 25 / 6 + 1.5, abs=1e-6)
    assert capacitated.open_warehouses == (0, 1)
    # Uncapacitated: w1 alone costs 10 + 1 + 9 + 9 = 29; w2 alone 20 + 13 = 33; both 30 + 9 = 39.
    uncapacitated = solve_cflp(parse_cflp(TINY, "tiny.txt"), capacitated=False)
    assert uncapacitated.objective == pytest.approx(29.0, abs=1e-6)
    assert uncapacitated.open_warehouses == (0,)


def test_capacity_word_without_override_is_a_one_line_error() -> None:
    instance = parse_cflp(TINY, "tiny.txt")
    assert np.isnan(instance.capacity).all()
    with pytest.raises(InputError, match="capacity override"):
        solve_cflp(instance)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("2 3\n 5 10\n x 20\n", 3, "expected a number for warehouse 2 capacity"),
        ("2 3\n 5 10\n 5 20\n 4 1 5\n", 4, "file ends early"),
        ("2 1\n 5 10\n 5 -20\n 4 1 5\n", 3, "non-negative"),
        ("1 1\n 5 10\n 4 1\n 7\n", 4, "unexpected data"),
        ("0 1\n", 1, "positive whole number"),
    ],
)
def test_bad_files_name_line_and_token(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_cflp(text, "bad.txt")
    assert caught.value.line == line
    assert f"bad.txt:{line}" in caught.value.one_line()


def test_bench_cli_prints_objective_status_seconds(cli: RunCli) -> None:
    result = cli("bench", "cflp", ORLIB / "cap71.txt", "--uncapacitated", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["status"] == "optimal"
    assert data["objective"] == pytest.approx(932615.750, abs=1e-3)
    assert data["seconds"] >= 0


def test_bench_cli_bad_file_exits_2(cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("2 3\n 5 x\n", encoding="utf-8")
    result = cli("bench", "cflp", bad)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "bad.txt:2" in result.err
