"""``rackwright evaluate PROGRAM_FILE``: an early-access evaluation, judged against its criteria.

The report exits 0 even when a criterion fails (a finding, like ``rack check``); bad input (a
result for a system not in the catalog, a CSV row with the wrong unit, a malformed program) is
one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rackwright.cli.common import CatalogFiles, JsonFlag, console, print_json
from rackwright.cli.engine_inputs import run_evaluation
from rackwright.evaluation import EvaluationReport, Outcome

OUTCOME_STYLE = {Outcome.PASS: "green", Outcome.FAIL: "bold red", Outcome.NA: "yellow"}


def evaluate(
    program_file: Annotated[Path, typer.Argument(help="Evaluation program TOML.")],
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Compare measured results with the model's predictions and judge acceptance criteria."""
    report, _ = run_evaluation(program_file, catalog or [])
    if json_out:
        print_json(report.to_json())
        return
    print_report(report)


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:,.{digits}g}"


def print_report(report: EvaluationReport) -> None:
    """Criteria, records and the verdict as tables."""
    verdict = "[green]PASS[/]" if report.passed else "[bold red]FAIL[/]"
    console.print(
        f"evaluation {report.program}: {report.system}, {report.units} units delivered, "
        f"{len(report.records)} results: {verdict}"
    )
    criteria = Table(title="acceptance criteria")
    for column in ("criterion", "rule", "figure", "limit", "unit", "outcome", "why"):
        criteria.add_column(column)
    for c in report.criteria:
        criteria.add_row(
            c.id,
            c.rule,
            _num(c.figure, 4),
            f"{c.bound} {c.limit:g}",
            c.unit,
            f"[{OUTCOME_STYLE[c.outcome]}]{c.outcome.value}[/]",
            c.why,
        )
    console.print(criteria)
    records = Table(title="measured vs predicted")
    for column in ("result", "system", "GPUs", "metric", "measured", "predicted", "ratio"):
        records.add_column(column)
    for r in report.records:
        ratio = "-" if r.throughput_ratio is None else f"{r.throughput_ratio:.3f}"
        records.add_row(
            r.id,
            r.system,
            str(r.gpus),
            f"{r.metric} ({r.unit})",
            _num(r.measured, 5),
            _num(r.predicted, 5),
            ratio if r.status == "ok" else f"{r.status}: {r.reason}",
        )
    console.print(records)
