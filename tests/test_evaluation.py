"""Early-access evaluation: measured vs predicted, MLPerf-style imports, acceptance, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.catalog import load_catalog
from rackwright.evaluation import read_mlperf_summary, read_results
from rackwright.perf.efficiency import load_efficiency
from rackwright.perf.reference import read_reference
from rackwright.perf.validate import validate_rows
from shared_data import SHARED_DATA

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples/early_access/program.toml"
B200 = HERE / "data/evaluation/b200_program.toml"


def _evaluate(cli: RunCli, program: Path) -> dict[str, object]:
    result = cli("evaluate", program, "--json")
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_example_program_compares_measured_and_predicted(cli: RunCli) -> None:
    data = _evaluate(cli, EXAMPLE)
    records = data["records"]
    assert isinstance(records, list) and len(records) == 3
    # the predictions are perf's own for the same rows (perf validate on the same file)
    rows = read_reference(EXAMPLE.parent / "results.csv")
    predicted = validate_rows(rows, load_efficiency(), load_catalog())
    for record, row in zip(records, predicted, strict=True):
        assert record["predicted"] == pytest.approx(row.predicted)
        assert record["throughput_ratio"] == pytest.approx(record["measured"] / record["predicted"])
    criteria = {c["id"]: c for c in data["criteria"]}  # type: ignore[union-attr]
    assert criteria["throughput"]["figure"] == pytest.approx(
        min(r["throughput_ratio"] for r in records)
    )
    # the outcome follows figure and limit (which way depends on the perf model's calibration)
    throughput = criteria["throughput"]
    assert throughput["limit"] == 0.95
    assert throughput["outcome"] == ("pass" if throughput["figure"] >= 0.95 else "fail")
    # unit 2 had a failure during burn-in: it counts 0 failure-free hours, below 168
    assert (criteria["burn-in"]["figure"], criteria["burn-in"]["outcome"]) == (0.0, "fail")
    # 137 kW measured against the GB300 NVL72's 142 kW maximum (S31)
    assert criteria["power"]["figure"] == pytest.approx(137 / 142)
    assert data["verdict"] == "fail"


def test_mlperf_summary_rows_predict_like_the_perf_schema_rows() -> None:
    catalog = load_catalog()
    eff = load_efficiency()
    summary = read_mlperf_summary(HERE / "data/evaluation/mlperf_b200.csv", catalog)
    from_summary = validate_rows(list(summary.rows[:2]), eff, catalog)
    published = [
        r
        for r in read_reference(SHARED_DATA / "perf/calibration.csv")
        if r.id in {"MLPI41-B200-off", "MLPI41-B200-srv"}
    ]
    from_schema = validate_rows(published, eff, catalog)
    for a, b in zip(from_summary, from_schema, strict=True):
        assert a.measured == b.measured and a.predicted == pytest.approx(b.predicted)


def test_b200_program_passes_every_criterion(cli: RunCli) -> None:
    data = _evaluate(cli, B200)
    assert data["verdict"] == "pass"
    outcomes = {c["id"]: c["outcome"] for c in data["criteria"]}  # type: ignore[union-attr]
    assert set(outcomes.values()) == {"pass"}
    summary = data["summary"]
    assert isinstance(summary, list) and {s["gpus"] for s in summary} == {1, 8}


def test_human_output_names_each_criterion_and_the_verdict(cli: RunCli) -> None:
    result = cli("evaluate", EXAMPLE)
    assert result.code == 0
    assert "FAIL" in result.out and "burn-in" in result.out and "throughput" in result.out


def _program(tmp_path: Path, results: str, system: str = "gb300-nvl72") -> Path:
    (tmp_path / "results.csv").write_text(results)
    path = tmp_path / "program.toml"
    path.write_text(
        f'[program]\nname = "t"\nsystem = "{system}"\nresults = ["results.csv"]\n\n'
        f'[[unit]]\nid = "u1"\nsystem = "{system}"\ndelivered = 2026-03-01\n'
        'burn_in_hours = 200\n\n[[criterion]]\nid = "c"\nrule = "burn_in_hours"\nmin = 100\n'
    )
    return path


def _results(**changes: str) -> str:
    lines = (EXAMPLE.parent / "results.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    for key, value in changes.items():
        row[header.index(key)] = value
    return "\n".join([lines[0], ",".join(row)]) + "\n"


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"system": "gb999-nvl72"}, "system", "gb999-nvl72"),
        ({"unit": "furlongs/s"}, "unit", "furlongs/s"),
        ({"metric": "speed"}, "metric", "speed"),
    ],
)
def test_a_bad_result_row_is_one_line_exit_2(
    cli: RunCli, tmp_path: Path, changes: dict[str, str], field: str, value: str
) -> None:
    result = cli("evaluate", _program(tmp_path, _results(**changes)))
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert f"field '{field}'" in result.err and value in result.err
    assert "results.csv:2" in result.err


def test_a_unit_of_a_system_not_in_the_catalog_is_refused(cli: RunCli, tmp_path: Path) -> None:
    result = cli("evaluate", _program(tmp_path, _results(), system="dgx-z900"))
    assert result.code == 2 and "program.system" in result.err and "dgx-z900" in result.err


def test_mlperf_summary_with_a_bad_unit_names_it(tmp_path: Path) -> None:
    text = (
        (HERE / "data/evaluation/mlperf_b200.csv").read_text().replace("Tokens/s", "Samples/s", 1)
    )
    path = tmp_path / "summary.csv"
    path.write_text(text)
    with pytest.raises(Exception) as caught:
        read_mlperf_summary(path, load_catalog())
    assert "field 'Units'" in str(caught.value) and "Samples/s" in str(caught.value)


def test_a_criterion_needs_exactly_one_limit(cli: RunCli, tmp_path: Path) -> None:
    path = _program(tmp_path, _results())
    path.write_text(path.read_text().replace("min = 100", "min = 100\nmax = 200"))
    result = cli("evaluate", path)
    assert result.code == 2 and len(result.err_lines) == 1 and "criterion" in result.err


def test_results_keep_their_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(_results())
    loaded = read_results(path, load_catalog())
    assert loaded.origins == (f"{path}:2",) and loaded.units == ("tok/s/GPU",)


def test_a_missing_result_file_is_one_line_naming_it(cli: RunCli, tmp_path: Path) -> None:
    path = _program(tmp_path, _results())
    (tmp_path / "results.csv").unlink()
    result = cli("evaluate", path)
    assert result.code == 2 and len(result.err_lines) == 1
    assert "results.csv" in result.err and "file not found" in result.err
