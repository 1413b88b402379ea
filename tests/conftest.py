"""Shared test helpers: run the real CLI, and small scenario / catalog files to edit."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import shared_data
from rackwright.chain import PlanInputs
from rackwright.cli.app import main
from rackwright.plan import InputRequest, prepare, run_plan
from rackwright.report.section import Section


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, with one clear line, when the shared reference data is missing."""
    if shared_data.find() is None:
        raise pytest.UsageError(shared_data.missing_message())


@dataclass(frozen=True)
class CliResult:
    """What a user sees from one ``rackwright`` run."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        """Non-empty stderr lines."""
        return [line for line in self.err.splitlines() if line.strip()]


RunCli = Callable[..., CliResult]


@pytest.fixture
def ray_cluster() -> Iterator[None]:
    """A local two-CPU Ray cluster for the test, shut down after it."""
    import ray  # only the tests that ask for a cluster load Ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``rackwright ARGS...`` through ``rackwright.cli.app.main`` and capture its output."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:
            code = 0
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run


# A small catalog of test-only ids, merged over the default catalog by the scenarios below.
FIXTURE_CATALOG = """\
[[facility]]
id = "test-fac"
name = "Test facility"
sources = ["S145"]
confidence = "E"
region = "US-TX"
pue_ratio = 1.2
electricity_usd_per_kwh = "6.6 cents/kWh"
build_cost_usd_per_w = "11.7 USD/W"

[[site]]
id = "test-site-a"
name = "Test rack site A"
sources = ["S08"]
confidence = "S"
operator = "Test"
city = "Houston"
country = "US"
site_kind = "rack_integration"
operating_from_year = 2025

[[site]]
id = "test-site-b"
name = "Test rack site B"
sources = ["S06"]
confidence = "S"
operator = "Test"
city = "Mount Pleasant"
country = "US"
site_kind = "rack_integration"
operating_from_year = 2025

[[component]]
id = "test-cdu"
name = "Test in-rack CDU"
sources = ["S97"]
confidence = "E"
component_kind = "cdu"
capacity_w = "150 kW"

[[rack]]
id = "test-rack"
name = "Test NVL72 rack"
sources = ["S31"]
confidence = "E"
generation = 1
status = "production"
year_available = 2026
system = "gb300-nvl72"
components = [{ component = "test-cdu", qty = 1 }]
cdu = "test-cdu"
air_cooling_capacity_w = "30 kW"
price_usd = "3.4 MUSD"
"""

# A valid scenario over the fixture catalog; tests break one thing at a time with ``edit``.
BASE_SCENARIO = """\
[scenario]
name = "test-scenario"
facility = "test-fac"
catalog_files = ["catalog.toml"]

[scenario.horizon]
start_year = 2026
end_year = 2028

[[workload]]
id = "pretrain"
kind = "train"
model = "deepseek-v3"
tokens = "10 Ttok"
deadline_days = 60

[[workload]]
id = "serve"
kind = "infer"
model = "gpt-oss-120b"
daily_output_tokens = "100 Btok"
isl = 1024
osl = 512
ttft_limit_s = "2 s"
tpot_limit_s = "50 ms"

[[generation]]
rack = "test-rack"
first_year = 2026

[[site]]
site = "test-site-a"
racks_per_week = 40

[[site]]
site = "test-site-b"
racks_per_week = 20

[[domestic_target]]
year = 2027
share = 0.4

[[build]]
rack = "test-rack"
period = "2026Q3"
racks = 100

[[build]]
rack = "test-rack"
period = "2027Q1"
racks = 250
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace ``old`` (which must be present exactly once) by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A directory holding the fixture catalog as catalog.toml."""
    (tmp_path / "catalog.toml").write_text(FIXTURE_CATALOG, encoding="utf-8")
    return tmp_path


@pytest.fixture
def write_scenario(scenario_dir: Path) -> Callable[[str], Path]:
    """Write scenario text as scenario.toml beside the fixture catalog."""

    def write(text: str) -> Path:
        path = scenario_dir / "scenario.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@functools.cache
def default_inputs() -> PlanInputs:
    """The embedded default scenario's plan inputs, loaded once per test session."""
    return prepare(InputRequest())


def plan_sections(inputs: PlanInputs, *keys: str) -> dict[str, Section]:
    """Run the stages ``keys`` (and what they need) and return their report sections by key."""
    outcome = run_plan(inputs, only=keys)
    return {s.key: s for s in outcome.view.sections}


def plan_section(inputs: PlanInputs, key: str) -> Section:
    """One stage's report section."""
    return plan_sections(inputs, key)[key]


# Fixtures of the store and service tests (both database backends, two organizations).
pytest_plugins = ["platform_support"]
