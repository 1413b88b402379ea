"""The evaluation report: records, an MLPerf-style summary, criteria and the verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.evaluation.criteria import CriterionResult, Evidence, Outcome, judge
from rackwright.evaluation.program import Program
from rackwright.evaluation.records import EvaluationRecord


@dataclass(frozen=True)
class SummaryRow:
    """MLPerf-style: one system, model and metric; measured and predicted, worst ratio."""

    system: str
    gpus: int
    model: str
    metric: str
    unit: str
    runs: int
    measured: float
    predicted: float | None
    throughput_ratio: float | None

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class EvaluationReport:
    """What an evaluation program found."""

    program: str
    system: str
    units: int
    records: tuple[EvaluationRecord, ...]
    summary: tuple[SummaryRow, ...]
    criteria: tuple[CriterionResult, ...]

    @property
    def passed(self) -> bool:
        """Every criterion passes."""
        return all(c.outcome is Outcome.PASS for c in self.criteria)

    @property
    def throughput_ratio(self) -> float | None:
        """Mean delivered / predicted throughput on the evaluated system (for the decision)."""
        ratios = [
            r.throughput_ratio
            for r in self.records
            if r.throughput_ratio is not None and r.system == self.system
        ]
        return sum(ratios) / len(ratios) if ratios else None

    def to_json(self) -> dict[str, Any]:
        """The ``evaluate --json`` document."""
        return {
            "program": self.program,
            "system": self.system,
            "units": self.units,
            "verdict": "pass" if self.passed else "fail",
            "throughput_ratio": self.throughput_ratio,
            "criteria": [c.to_json() for c in self.criteria],
            "summary": [s.to_json() for s in self.summary],
            "records": [r.to_json() for r in self.records],
        }


def summarise(records: Sequence[EvaluationRecord]) -> tuple[SummaryRow, ...]:
    """Group records by system, GPUs, model and metric: mean values, worst ratio."""
    groups: dict[tuple[str, int, str, str, str], list[EvaluationRecord]] = {}
    for r in records:
        groups.setdefault((r.system, r.gpus, r.model, r.metric, r.unit), []).append(r)
    rows = []
    for (system, gpus, model, metric, unit), runs in groups.items():
        predicted = [r.predicted for r in runs if r.predicted is not None]
        ratios = [r.throughput_ratio for r in runs if r.throughput_ratio is not None]
        rows.append(
            SummaryRow(
                system=system,
                gpus=gpus,
                model=model,
                metric=metric,
                unit=unit,
                runs=len(runs),
                measured=sum(r.measured for r in runs) / len(runs),
                predicted=sum(predicted) / len(predicted) if predicted else None,
                throughput_ratio=min(ratios) if ratios else None,
            )
        )
    return tuple(rows)


def evaluate_program(
    program: Program, records: Sequence[EvaluationRecord], power_max_w: Mapping[str, float]
) -> EvaluationReport:
    """Judge every criterion of ``program`` on its records and delivered units.

    Criteria read only the records on the delivered units' systems; records on other systems
    (reference runs for comparison) are reported but judge nothing.
    """
    delivered = {u.system for u in program.unit}
    own = [r for r in records if r.system in delivered]
    evidence = Evidence(records=own, units=program.unit, power_max_w=power_max_w)
    return EvaluationReport(
        program=program.program.name,
        system=program.program.system,
        units=len(program.unit),
        records=tuple(records),
        summary=summarise(records),
        criteria=tuple(judge(c, evidence) for c in program.criterion),
    )
