"""Early-access evaluations: delivered units, measured results beside predictions, acceptance.

Public API::

    program, text = read_program(path, catalog)                 # evaluation.program.Program
    loaded, files = load_program_results(program, path.parent, catalog)   # LoadedResults
    report = evaluate(program, loaded, catalog, efficiency)       # -> EvaluationReport
    report.passed, report.criteria (CriterionResult: figure, limit, outcome, why),
    report.summary (MLPerf-style rows), report.throughput_ratio (delivered / predicted,
    what the purchase decision counts)

Engines (records, criteria, report) do no I/O; ``loader`` reads the files.
"""

from rackwright.evaluation.criteria import RULES, CriterionResult, Outcome
from rackwright.evaluation.engine import evaluate
from rackwright.evaluation.loader import (
    LoadedResults,
    load_program_results,
    read_mlperf_summary,
    read_program,
    read_results,
)
from rackwright.evaluation.program import Criterion, DeliveredUnit, Program
from rackwright.evaluation.records import EvaluationRecord
from rackwright.evaluation.report import EvaluationReport, SummaryRow, evaluate_program

__all__ = [
    "RULES",
    "Criterion",
    "CriterionResult",
    "DeliveredUnit",
    "EvaluationRecord",
    "EvaluationReport",
    "LoadedResults",
    "Outcome",
    "Program",
    "SummaryRow",
    "evaluate",
    "evaluate_program",
    "load_program_results",
    "read_mlperf_summary",
    "read_program",
    "read_results",
]
