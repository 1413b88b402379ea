"""Predict every loaded result with the performance model and judge the program."""

from __future__ import annotations

from rackwright.catalog.catalog import Catalog
from rackwright.evaluation.loader import LoadedResults
from rackwright.evaluation.program import Program
from rackwright.evaluation.records import records_from
from rackwright.evaluation.report import EvaluationReport, evaluate_program
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.validate import validate_rows


def evaluate(
    program: Program,
    loaded: LoadedResults,
    catalog: Catalog,
    efficiency: Efficiency,
) -> EvaluationReport:
    """Records (measured beside predicted) and every criterion's pass/fail."""
    predictions = validate_rows(list(loaded.rows), efficiency, catalog)
    records = records_from(loaded.rows, predictions, loaded.origins, loaded.units)
    systems = {u.system for u in program.unit}
    power = {s: catalog.system(s).power_max_w for s in systems}
    return evaluate_program(program, records, power)
