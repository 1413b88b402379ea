"""Tables and progress displays of ``rackwright perf`` (presentation only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.progress import Progress, TaskID
from rich.table import Table

from rackwright.perf.calibrate import STEP_LEVELS, FitProgress, FoldResult
from rackwright.perf.training import ParallelConfig
from rackwright.perf.validate import RowResult

KIND_LABELS = {
    "train": "training",
    "infer": "inference",
    "infer_dense": "inference, dense models",
    "infer_moe": "inference, MoE models",
}


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def summary_line(kind: str, s: dict[str, Any]) -> str:
    """One line of a per-kind summary."""
    return (
        f"{KIND_LABELS.get(kind, kind)}: n={s['n']}  mean abs. error {_fmt(s['mape_pct'], 1)} %  "
        f"worst {_fmt(s['max_abs_pct'], 1)} %  unsupported {s['unsupported']}"
    )


def parallel_label(par: ParallelConfig) -> str:
    """The layout a training prediction used, compactly (derived values filled in)."""
    return (
        f"tp{par.tp} pp{par.pp} vpp{par.vpp} cp{par.cp} ep{par.ep} dp{par.dp} "
        f"zero {par.zero}, {par.recompute} recompute, gbs {par.gbs} x mbs {par.mbs}, seq {par.seq}"
    )


def validate_table(title: str, results: Sequence[RowResult]) -> Table:
    """Per-row measured vs predicted."""
    table = Table(title=title)
    for col in ("id", "kind", "source", "metric", "measured", "predicted", "error %", "status"):
        table.add_column(
            col, justify="right" if col in {"measured", "predicted", "error %"} else "left"
        )
    for r in results:
        status = (
            (f"ok, {r.layout}" if r.layout else "ok")
            if r.status == "ok"
            else (f"{r.status}: {r.reason}")
        )
        table.add_row(
            r.id, r.kind, r.group, r.metric, _fmt(r.measured), _fmt(r.predicted),
            _fmt(r.error_pct, 1), status,
        )  # fmt: skip
    return table


def cv_table(
    folds: Sequence[FoldResult], per_source: dict[str, dict[str, dict[str, Any]]]
) -> Table:
    """Leave-one-source-out errors: each source predicted by a fit that never saw it."""
    table = Table(title="perf validate --cv: each source predicted by a fit without it")
    for col in ("held-out source", "kind", "rows", "mean abs. error %", "worst %", "unsupported"):
        table.add_column(col, justify="left" if col in {"held-out source", "kind"} else "right")
    for fold in folds:
        for kind in ("train", "infer_dense", "infer_moe"):
            s = per_source[fold.source][kind]
            if not s["n"] and not s["unsupported"]:
                continue
            table.add_row(
                fold.source, KIND_LABELS[kind], str(s["n"]), _fmt(s["mape_pct"], 1),
                _fmt(s["max_abs_pct"], 1), str(s["unsupported"]),
            )  # fmt: skip
    return table


def fit_progress(progress: Progress) -> Callable[[FitProgress], None]:
    """A calibrate progress callback: what is fitted, on how many rows, and how far."""
    task: list[TaskID] = []

    def update(p: FitProgress) -> None:
        if not task:
            task.append(progress.add_task(p.describe(), total=STEP_LEVELS))
        progress.update(task[0], completed=p.level, description=p.describe())

    return update
