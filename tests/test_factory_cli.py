"""``rackwright factory simulate`` and ``rackwright factory ramp`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunCli
from rackwright.scenario import default_scenario_text


def _scenario(tmp_path: Path, builds: list[tuple[str, str, int]]) -> Path:
    """The default scenario with its build plan replaced by ``builds``."""
    text = default_scenario_text()
    head = text[: text.index("\n[[build]]\n") + 1]
    lots = "".join(
        f'[[build]]\nrack = "{rack}"\nperiod = "{period}"\nracks = {racks}\n\n'
        for rack, period, racks in builds
    )
    path = tmp_path / "scenario.toml"
    path.write_text(head + lots, encoding="utf-8")
    return path


def test_simulate_json_reports_every_site_against_the_plan(cli: RunCli) -> None:
    result = cli(
        "factory", "simulate", "--weeks", "6", "--replications", "2", "--start", "2026Q4", "--json"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["weeks"] == 6 and data["replications"] == 2 and data["start_period"] == "2026Q4"
    sites = {s["site"]: s for s in data["sites"]}
    assert set(sites) == {"foxconn-houston-tx", "foxconn-mount-pleasant-wi", "foxconn-lordstown-oh"}
    for site in sites.values():
        assert len(site["shipped_per_week"]) == len(site["planned_per_week"]) == 6
        assert site["bottleneck"] in {s["station"] for s in site["stations"]}
        band = site["throughput_per_week"]
        assert band["lo"] <= band["mean"] <= band["hi"]
        assert {q["station"] for q in site["test_queues"]} >= {"leak-test", "power-on", "burn-in"}
    total = sum(s["throughput_per_week"]["mean"] for s in sites.values())
    assert abs(total - data["throughput_per_week"]["mean"]) < 1e-6


def test_simulate_prints_sites_stations_and_queues(cli: RunCli) -> None:
    result = cli("factory", "simulate", "--weeks", "4", "--replications", "2")
    assert result.code == 0, result.err
    for needle in ("racks a week shipped", "Sites", "Utilization by station", "burn-in", "Racks"):
        assert needle in result.out


def test_simulate_options_are_checked(cli: RunCli) -> None:
    for args, needle in (
        (["--weeks", "0"], "weeks"),
        (["--replications", "1"], "replications"),
        (["--start", "2026Q5"], "2026Q5"),
        (["--executor", "cloud"], "executor"),
        (["--weeks", "4", "--warmup-weeks", "4"], "warm-up"),
    ):
        result = cli("factory", "simulate", *args)
        assert result.code == 2, (args, result.out)
        assert len(result.err_lines) == 1 and needle in result.err_lines[0], result.err


def test_ramp_plans_lines_shifts_and_people(cli: RunCli, tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        [
            ("rw-gen1-gb300-nvl72", "2026Q3", 800),
            ("rw-gen1-gb300-nvl72", "2026Q4", 1200),
            ("rw-gen2-vr-nvl144", "2027Q1", 600),
        ],
    )
    result = cli("factory", "ramp", path, "--json", "--time-limit", "20")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["feasible"] is True and data["shortfalls"] == []
    periods = {row["period"] for row in data["sites"]}
    assert periods == {"2026Q3", "2026Q4", "2027Q1"}
    assert sum(data["jobs_by_site"].values()) > 0
    made = sum(sum(row["output"].values()) for row in data["sites"])
    assert abs(made - 2600) < 1e-3
    text = cli("factory", "ramp", path, "--time-limit", "20")
    assert text.code == 0 and "every quarter's racks are built" in text.out


def test_ramp_says_where_and_by_how_much_the_plan_falls_short(cli: RunCli, tmp_path: Path) -> None:
    path = _scenario(tmp_path, [("rw-gen3-kyber-nvl576", "2028Q3", 5000)])
    result = cli("factory", "ramp", path, "--time-limit", "20")
    assert result.code == 1, result.err
    shorts = [line for line in result.out.splitlines() if line.startswith("short:")]
    assert len(shorts) == 1
    assert "2028Q3 rw-gen3-kyber-nvl576" in shorts[0] and "racks short" in shorts[0]
    data = json.loads(cli("factory", "ramp", path, "--json", "--time-limit", "20").out)
    (short,) = data["shortfalls"]
    assert 0 < short["racks"] < 5000 and short["limits"]
