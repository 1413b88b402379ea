"""Read an evaluation program and its result files; every bad cell names file, line and field.

Results come in two shapes:

* a CSV in the perf schema (``shared/data/perf/README.md``): one measured result per row with the
  model's shape and the layout it ran; the ``unit`` column must be the metric's unit
  (``records.METRIC_UNITS``) and ``system`` a catalog system;
* an MLPerf-style result summary CSV, one row per published result with the columns
  ``system`` (catalog id), ``Benchmark`` (MLPerf name: ``llama2-70b-99``, ``llama2-70b-99.9``),
  ``Scenario`` (Offline or Server), ``Accelerators``, ``Result``, ``Units`` (Tokens/s) and
  optionally ``Public ID`` and ``Precision``. MLPerf's Llama-2-70B benchmark fixes its request
  lengths (the OpenOrca means, as ``perf.reference`` documents); the layout is the one a
  submitter would pick (``perf.validate``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import read_toml, validation_error
from rackwright.catalog.tomlpos import locate
from rackwright.errors import InputError, UnitError, UnknownIdError
from rackwright.evaluation.program import Program
from rackwright.evaluation.records import METRIC_UNITS
from rackwright.fileio import read_text
from rackwright.perf.models import resolve_model
from rackwright.perf.reference import MLPERF_ORCA_TOKENS, ReferenceRow, read_reference
from rackwright.precision import parse_precision

MLPERF_BENCHMARKS = {"llama2-70b-99": "llama2-70b", "llama2-70b-99.9": "llama2-70b"}
MLPERF_SCENARIOS = {"offline": "offline_tokens_per_s", "server": "server_tokens_per_s"}
MLPERF_UNITS = ("tokens/s", "tok/s")
MLPERF_COLUMNS = ("system", "Benchmark", "Scenario", "Accelerators", "Result", "Units")


@dataclass(frozen=True)
class LoadedResults:
    """Parsed result rows with where each came from and its unit."""

    rows: tuple[ReferenceRow, ...]
    origins: tuple[str, ...]
    units: tuple[str, ...]

    def __add__(self, other: LoadedResults) -> LoadedResults:
        return LoadedResults(
            self.rows + other.rows, self.origins + other.origins, self.units + other.units
        )


def read_program(path: Path, catalog: Catalog | None = None) -> tuple[Program, str]:
    """Parse and check a program file (systems against ``catalog`` when given)."""
    data, text = read_toml(path)
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, file=path, text=text, base=()) from None
    if catalog is not None:
        check_program(program, catalog, text, str(path))
    return program, text


def check_program(program: Program, catalog: Catalog, text: str, file: str) -> None:
    """Every system the program names is a catalog system."""
    named: list[tuple[tuple[str | int, ...], str]] = [
        (("program", "system"), program.program.system)
    ]
    named += [(("unit", i, "system"), u.system) for i, u in enumerate(program.unit)]
    for path, system in named:
        if system not in catalog.entries["system"]:
            raise UnknownIdError(
                f"system '{system}' is not in the catalog",
                file=file,
                line=locate(text, path),
                field=".".join(str(p) for p in path),
                value=system,
            )


def _read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(read_text(path).splitlines()))


def _check_system(catalog: Catalog, path: Path, line: int, system: str, field: str) -> None:
    if system not in catalog.entries["system"]:
        raise UnknownIdError(
            f"result for system '{system}' that is not in the catalog",
            file=path,
            line=line,
            field=field,
            value=system,
        )


def read_results(path: Path, catalog: Catalog) -> LoadedResults:
    """A perf-schema results CSV: units and systems checked, then parsed by perf's reader."""
    raw = _read_rows(path)
    units: list[str] = []
    for index, row in enumerate(raw):
        line = index + 2
        metric = (row.get("metric") or "").strip()
        unit = (row.get("unit") or "").strip()
        if metric not in METRIC_UNITS:
            raise InputError(
                f"unknown metric; use one of {', '.join(METRIC_UNITS)}",
                file=path,
                line=line,
                field="metric",
                value=metric,
            )
        if unit not in METRIC_UNITS[metric]:
            raise UnitError(
                f"unit does not fit metric {metric}; use {' or '.join(METRIC_UNITS[metric])}",
                file=path,
                line=line,
                field="unit",
                value=unit,
            )
        _check_system(catalog, path, line, (row.get("system") or "").strip(), "system")
        units.append(unit)
    rows = read_reference(path)
    origins = tuple(f"{path}:{r.line}" for r in rows)
    return LoadedResults(tuple(rows), origins, tuple(units))


def read_mlperf_summary(path: Path, catalog: Catalog) -> LoadedResults:
    """An MLPerf-style summary CSV as result rows (module docstring has the columns)."""
    raw = _read_rows(path)
    if raw:
        missing = [c for c in MLPERF_COLUMNS if c not in raw[0]]
        if missing:
            raise InputError("missing column", file=path, line=1, field=missing[0])
    rows = [_mlperf_row(row, index + 2, path, catalog) for index, row in enumerate(raw)]
    origins = tuple(f"{path}:{r.line}" for r in rows)
    return LoadedResults(tuple(rows), origins, tuple("tok/s" for _ in rows))


def _cell(row: dict[str, str], key: str) -> str:
    return (row.get(key) or "").strip()


def _mlperf_cells(
    row: dict[str, str], line: int, path: Path, catalog: Catalog
) -> tuple[str, str, float, int]:
    """(system, metric, result, accelerators) of one summary row, each checked."""

    def bad(message: str, field: str) -> InputError:
        return InputError(message, file=path, line=line, field=field, value=_cell(row, field))

    system = _cell(row, "system")
    _check_system(catalog, path, line, system, "system")
    if _cell(row, "Benchmark").lower() not in MLPERF_BENCHMARKS:
        raise bad(f"unsupported MLPerf benchmark; use {', '.join(MLPERF_BENCHMARKS)}", "Benchmark")
    scenario = _cell(row, "Scenario").lower()
    if scenario not in MLPERF_SCENARIOS:
        raise bad("Scenario must be Offline or Server", "Scenario")
    if _cell(row, "Units").lower() not in MLPERF_UNITS:
        raise UnitError("unit must be Tokens/s", file=path, line=line, field="Units",
                        value=_cell(row, "Units"))  # fmt: skip
    try:
        value = float(_cell(row, "Result").replace(",", ""))
    except ValueError:
        raise bad("Result must be a number", "Result") from None
    try:
        gpus = int(_cell(row, "Accelerators"))
    except ValueError:
        raise bad("Accelerators must be a whole number", "Accelerators") from None
    return system, MLPERF_SCENARIOS[scenario], value, gpus


def _mlperf_row(row: dict[str, str], line: int, path: Path, catalog: Catalog) -> ReferenceRow:
    system, metric, value, gpus = _mlperf_cells(row, line, path, catalog)
    precision = _cell(row, "Precision")
    return ReferenceRow(
        id=_cell(row, "Public ID") or f"{path.name}:{line}",
        kind="infer",
        source=f"MLPerf-style summary {path.name}",
        system=system,
        gpus=gpus,
        model=resolve_model(MLPERF_BENCHMARKS[_cell(row, "Benchmark").lower()]),
        metric=metric,
        value=value,
        parallel=None,
        tp=1,
        ep=1,
        dp=0,
        precision=parse_precision(
            precision or "bf16", file=str(path), line=line, field="Precision"
        ),
        precision_given=bool(precision),
        recompute_known=False,
        layout_given=False,
        isl=MLPERF_ORCA_TOKENS[0],
        osl=MLPERF_ORCA_TOKENS[1],
        line=line,
    )


def load_program_results(
    program: Program, base: Path, catalog: Catalog
) -> tuple[LoadedResults, Sequence[Path]]:
    """Every result file the program names (relative to ``base``), read in order."""
    loaded = LoadedResults((), (), ())
    files = [base / f for f in program.program.results]
    for path in files:
        loaded = loaded + read_results(path, catalog)
    mlperf = [base / f for f in program.program.mlperf]
    for path in mlperf:
        loaded = loaded + read_mlperf_summary(path, catalog)
    return loaded, [*files, *mlperf]
