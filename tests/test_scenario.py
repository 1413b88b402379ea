"""The scenario format, the embedded default scenario, and `rackwright scenario init/validate`."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from conftest import BASE_SCENARIO, RunCli, edit
from rackwright.catalog.loader import _package_sources
from rackwright.scenario import (
    InferenceWorkload,
    TrainingWorkload,
    default_scenario_text,
    load_scenario_text,
    read_scenario,
    scenario_summary,
)

DEFAULT = default_scenario_text()
_VALUE_LINE = re.compile(r"^\s*([a-z_]+)\s*=\s*(.+?)\s*$")
_HAS_DIGIT = re.compile(r"\d")
_SOURCE_ID = re.compile(r"\b[SAX]\d{2,3}\b")


def _reason_above(lines: list[str], index: int) -> str:
    """The comment block that explains the value on ``lines[index]``, or ''.

    Walking up: values directly above share the comment above them; a blank line inside a table
    ends the search; at a table header the comment right above the header counts, and a run of
    the same array of tables (``[[build]] [[build]] ...``) shares the comment above the first.
    """
    run: str | None = None
    i = index - 1
    while i >= 0:
        line = lines[i].strip()
        if line.startswith("#"):
            block = []
            while i >= 0 and lines[i].strip().startswith("#"):
                block.append(lines[i])
                i -= 1
            return " ".join(block)
        if not line:
            return ""
        if line.startswith("["):
            is_array = line.startswith("[[")
            if is_array and run in (None, line):
                run = line
            elif run is not None or is_array:
                return ""
            i -= 1
            while i >= 0 and not lines[i].strip():
                i -= 1
            if not is_array and i >= 0 and not lines[i].strip().startswith("#"):
                return ""
            continue
        i -= 1
    return ""


def _numbers_without_a_reason(text: str) -> list[str]:
    """Value lines holding a number with no source id or 'assumption:' in their comment."""
    lines = text.splitlines()
    missing = []
    for index, line in enumerate(lines):
        match = _VALUE_LINE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        key, value = match.groups()
        if key in {"id", "name", "description", "model", "rack", "site", "facility", "period"}:
            continue
        if not _HAS_DIGIT.search(value):
            continue
        reason = _reason_above(lines, index)
        if not (_SOURCE_ID.search(reason) or "assumption:" in reason):
            missing.append(f"line {index + 1}: {line.strip()}")
    return missing


def test_default_scenario_every_number_cites_a_source_or_is_an_assumption() -> None:
    assert _numbers_without_a_reason(DEFAULT) == []


def test_the_reason_check_catches_an_unexplained_number() -> None:
    text = edit(DEFAULT, "max_gpus = 100000", "max_gpus = 100000\n\nseq_len = 8192")
    text += '\n[[site]]\nsite = "foxconn-houston-tx"\nracks_per_week = 500\n'
    lines = text.splitlines()
    assert _numbers_without_a_reason(text) == [
        f"line {lines.index('seq_len = 8192') + 1}: seq_len = 8192",
        f"line {len(lines)}: racks_per_week = 500",
    ]


def test_default_scenario_cites_only_known_sources() -> None:
    cited = set(re.findall(r"\bS\d{2,3}\b", DEFAULT))
    assert {"S01", "S04", "S05"} <= cited  # the announcement and the rack rates
    assert cited <= set(_package_sources())


def test_default_scenario_is_the_partnership_program() -> None:
    scenario, _, name = read_scenario(None)
    assert name == "<default scenario>"
    assert [g.rack for g in scenario.generations] == [
        "rw-gen1-gb300-nvl72",
        "rw-gen2-vr-nvl144",
        "rw-gen3-kyber-nvl576",
    ]
    assert {s.site for s in scenario.sites} == {
        "foxconn-houston-tx",
        "foxconn-mount-pleasant-wi",
        "foxconn-lordstown-oh",
    }
    assert scenario.facility == "us-tx"
    assert (scenario.horizon.start_year, scenario.horizon.end_year) == (2026, 2029)
    (train,) = scenario.training()
    assert train.model in {"deepseek-v3", "qwen3-235b-a22b"}
    (serve,) = scenario.inference()
    assert serve.model in {"gpt-oss-120b", "llama3.1-405b"}
    # a rising domestic-content target
    shares = [scenario.domestic_target(y) for y in scenario.horizon.years()]
    assert shares == sorted(shares) and shares[0] < shares[-1]


def test_default_build_plan_fits_the_sites_it_names() -> None:
    scenario, _, _ = read_scenario(None)
    raw = tomllib.loads(DEFAULT)
    per_quarter: dict[str, int] = {}
    for lot in raw["build"]:
        per_quarter[lot["period"]] = per_quarter.get(lot["period"], 0) + lot["racks"]
    weekly = sum(site["racks_per_week"] for site in raw["site"])
    assert max(per_quarter.values()) <= weekly * 13
    # each generation is built only from its first year on
    first = {g.rack: g.first_year for g in scenario.generations}
    assert all(lot.year >= first[lot.rack] for lot in scenario.builds)


def test_units_are_parsed_to_si() -> None:
    scenario, _ = load_scenario_text(BASE_SCENARIO, "s.toml")
    train, serve = scenario.workloads
    assert isinstance(train, TrainingWorkload) and isinstance(serve, InferenceWorkload)
    assert train.tokens == pytest.approx(10e12)
    assert serve.daily_output_tokens == pytest.approx(100e9)
    assert serve.ttft_limit_s == pytest.approx(2.0)
    assert serve.tpot_limit_s == pytest.approx(0.050)
    # bare numbers are already SI
    text = edit(BASE_SCENARIO, 'tpot_limit_s = "50 ms"', "tpot_limit_s = 0.05")
    assert load_scenario_text(text, "s.toml")[0].inference()[0].tpot_limit_s == 0.05


def test_summary_counts_racks_per_generation_and_year() -> None:
    text = BASE_SCENARIO + '\n[[build]]\nrack = "test-rack"\nperiod = "2027Q3"\nracks = 40\n'
    scenario, _ = load_scenario_text(text, "s.toml")
    info = scenario_summary(scenario)
    raw = tomllib.loads(text)
    assert info["racks_total"] == sum(lot["racks"] for lot in raw["build"])
    (gen,) = info["generations"]
    assert gen["racks_by_year"] == {"2026": 100, "2027": 250 + 40}
    assert info["racks_per_week_total"] == 40 + 20
    # the target holds from its year on, and is 0 before any target
    assert info["domestic_targets"] == {"2026": 0.0, "2027": 0.4, "2028": 0.4}
    json.dumps(info)  # JSON-able as is


def test_build_period_knows_year_and_quarter() -> None:
    scenario, _ = load_scenario_text(BASE_SCENARIO, "s.toml")
    assert [(lot.year, lot.quarter) for lot in scenario.builds] == [(2026, 3), (2027, 1)]


def test_init_writes_the_embedded_default(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "program.toml"
    result = cli("scenario", "init", path)
    assert result.code == 0, result.err
    assert path.read_text(encoding="utf-8") == DEFAULT
    assert str(path) in result.out
    assert [p.name for p in tmp_path.iterdir()] == ["program.toml"]  # no temp file left


def test_init_force_overwrites(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "program.toml"
    path.write_text("# old\n", encoding="utf-8")
    assert cli("scenario", "init", path, "--force").code == 0
    assert path.read_text(encoding="utf-8") == DEFAULT


def test_validate_the_initialised_default(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "program.toml"
    assert cli("scenario", "init", path).code == 0
    result = cli("scenario", "validate", path)
    assert result.code == 0, result.err
    for expected in ("valid", "frontier-pretrain", "rw-gen3-kyber-nvl576", "foxconn-lordstown-oh"):
        assert expected in result.out
    as_json = cli("scenario", "validate", path, "--json")
    assert as_json.code == 0, as_json.err
    info = json.loads(as_json.out)
    assert info["valid"] is True
    assert info["racks_total"] == sum(lot["racks"] for lot in tomllib.loads(DEFAULT)["build"])
    assert info["generations"][0]["rack"] == "rw-gen1-gb300-nvl72"
