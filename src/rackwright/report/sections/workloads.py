"""Report section ``workloads``: what each scenario workload needs on each rack generation.

Presents the workloads stage (``rackwright.explore.stage``): per training workload the cheapest
configuration meeting the deadline on each generation (else the fastest), per inference workload
the serving layout and fleet. Cost is priced from the BOM stage's rack cost and the rack stage's
typical power; every figure is a model estimate.
"""

from __future__ import annotations

from rackwright.chain import ChainRun, PlanInputs
from rackwright.explore.search import Candidate
from rackwright.explore.stage import WORKLOADS, WorkloadsResult
from rackwright.explore.workloads import ServingOutcome, TrainingOutcome
from rackwright.report.charts import AxisRange, Guide, bar, scatter
from rackwright.report.section import Figure, Section, Table


def _racks(n: int) -> str:
    return f"{n:,} rack" if n == 1 else f"{n:,} racks"


def _train_line(o: TrainingOutcome) -> str:
    if o.choice is None:
        return f"{o.workload} on {o.rack}: no configuration fits ({o.reason})"
    c = o.choice
    verdict = "meets" if o.meets_deadline else "misses"
    return (
        f"{o.workload} on {o.rack}: {c.gpus:,} GPUs ({_racks(o.racks)}), {c.days:,.0f} days "
        f"({verdict} the {o.deadline_days:g}-day deadline), {c.power_w / 1e6:,.1f} MW, "
        f"~${c.cost_usd / 1e6:,.0f}M est.; tp{c.tp} pp{c.pp} cp{c.cp} ep{c.ep} dp{c.dp}, "
        f"MFU {c.mfu:.0%}"
    )


def _serve_line(o: ServingOutcome) -> str:
    if o.plan is None:
        return f"{o.workload} on {o.rack}: cannot be served ({o.reason})"
    p = o.plan
    return (
        f"{o.workload} on {o.rack}: {p.gpus:,} GPUs ({_racks(o.racks)}) at "
        f"{p.tokens_per_s_per_gpu:,.0f} output tokens/s per GPU, {p.layout()}, "
        f"{p.power_w / 1e6:,.1f} MW, ~${p.cost_usd_per_day / 1e3:,.0f}k per day est."
    )


def _train_table(outcomes: list[TrainingOutcome]) -> Table:
    rows: list[list[str | float | int | None]] = []
    for o in outcomes:
        c = o.choice
        if c is None:
            rows.append([o.workload, o.rack, None, None, None, None, None, None, None, o.reason])
            continue
        layout = f"tp{c.tp} pp{c.pp} vpp{c.vpp} cp{c.cp} ep{c.ep} dp{c.dp} zero{c.zero}"
        rows.append([
            o.workload, o.rack, c.gpus, o.racks, round(c.days, 1), o.deadline_days,
            round(c.power_w / 1e6, 2), round(c.cost_usd / 1e6, 1), round(c.mfu, 3),
            f"{layout} {c.recompute} mbs{c.mbs} gbs{c.gbs}",
        ])  # fmt: skip
    return Table(
        title="Training: best configuration per generation",
        columns=[
            "workload",
            "rack",
            "GPUs",
            "racks",
            "days",
            "deadline (days)",
            "MW",
            "cost (M USD, est.)",
            "MFU",
            "configuration",
        ],
        rows=rows,
        note="Cheapest configuration on the time/cost/MW Pareto front that meets the deadline; "
        "the fastest when none does. MW is facility power (systems x typical power x PUE).",
    )


def _serve_table(outcomes: list[ServingOutcome]) -> Table:
    rows: list[list[str | float | int | None]] = []
    for o in outcomes:
        p = o.plan
        if p is None:
            rows.append([o.workload, o.rack, None, None, None, None, None, None, o.reason])
            continue
        rows.append([
            o.workload, o.rack, p.gpus, o.racks, round(p.tokens_per_s_per_gpu),
            round(p.instance_tokens_per_s * p.instances), round(p.power_w / 1e6, 2),
            round(p.cost_usd_per_day / 1e3, 1), p.layout(),
        ])  # fmt: skip
    return Table(
        title="Inference: fleet per generation",
        columns=[
            "workload",
            "rack",
            "GPUs",
            "racks",
            "tokens/s per GPU",
            "fleet tokens/s",
            "MW",
            "cost (k USD/day, est.)",
            "layout",
        ],
        rows=rows,
        note="Server throughput at the workload's TTFT/TPOT limits from perf's inference model; "
        "demand assumed flat over the day (no peak headroom).",
    )


def _charts(train: list[TrainingOutcome]) -> list[Figure]:
    figures: list[Figure] = []
    for workload in dict.fromkeys(o.workload for o in train):
        mine = [o for o in train if o.workload == workload]
        deadline = mine[0].deadline_days
        figures.append(
            bar(
                f"{workload}: days to train per generation",
                [o.rack for o in mine],
                {"days to train": [o.choice.days if o.choice else 0.0 for o in mine]},
                x_title="rack generation",
                y_title="days to train (best configuration)",
                guides=[Guide("y", deadline, f"deadline {deadline:g} days")],
            )
        )
        points = [(o.rack, c) for o in mine for c in o.front]
        if points:
            figures.append(_pareto_chart(workload, deadline, points))
    return figures


# The Pareto chart shows the days around the deadline: from a little below the fastest
# configuration to this many times the deadline (configurations slower than that are no
# candidates; they stay in report.json and the note counts them).
_DAYS_SHOWN_PAST_DEADLINE = 2.0


def days_axis(days: list[float], deadline: float) -> AxisRange:
    """The days axis of a Pareto chart: the fastest point to twice the deadline (log scale)."""
    fastest = min(days)
    high = max(_DAYS_SHOWN_PAST_DEADLINE * deadline, 1.5 * fastest)
    return AxisRange(min(fastest, deadline) / 1.25, high)


def _pareto_chart(workload: str, deadline: float, points: list[tuple[str, Candidate]]) -> Figure:
    days = [c.days for _, c in points]
    axis = days_axis(days, deadline)
    shown = [c for _, c in points if c.days <= axis.high]
    off = len(points) - len(shown)
    top = max(c.cost_usd for c in shown) / 1e6
    note = (
        f"{off} of {len(points)} front configurations take longer than {axis.high:,.0f} days "
        "and lie off the axis (report.json lists every one under the workload's pareto)."
        if off
        else f"All {len(points)} front configurations are shown."
    )
    return scatter(
        f"{workload}: Pareto front, days vs cost",
        days,
        [c.cost_usd / 1e6 for _, c in points],
        labels=[f"{c.gpus:,} GPUs, {c.power_w / 1e6:.1f} MW" for _, c in points],
        groups=[rack for rack, _ in points],
        x_title="days to train (log scale)",
        y_title="training cost (M USD, est.)",
        log_x=True,
        x_range=axis,
        y_range=AxisRange(0.0, 1.08 * top),
        guides=[Guide("x", deadline, f"deadline {deadline:g} days")],
        note=note,
    )


def _assumptions(result: WorkloadsResult) -> list[str]:
    basis = "; ".join(f"{rack}: {why}" for rack, why in result.price_basis.items())
    return [
        f"Cost = systems x hours x (rack cost per system amortised over {result.life_years:g} "
        f"years + typical power x PUE {result.pue_ratio:g} x "
        f"{result.electricity_usd_per_kwh * 100:.2f} cents/kWh at {result.facility}); "
        "networking, storage and building are not included.",
        f"Rack cost ({basis}); typical power from rack engineering.",
        "Training searches tp, pp, vpp, cp, ep, dp, ZeRO stage, recompute and micro-batch with "
        "sequence parallelism, flash attention and overlap on; tensor parallelism stays inside "
        "one scale-up domain.",
        "All figures are model estimates (perf's calibrated model; BOM costs, rack power).",
    ]


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The workloads section: best configuration of each workload on each generation."""
    result: WorkloadsResult = run.result(WORKLOADS)
    train, serve = list(result.training), list(result.inference)
    assumptions = _assumptions(result)
    return Section(
        key=WORKLOADS.key,
        title=WORKLOADS.title,
        summary=[*(_train_line(o) for o in train), *(_serve_line(o) for o in serve)],
        data={**result.to_json(), "assumptions": assumptions},
        tables=[_train_table(train), _serve_table(serve)],
        figures=_charts(train),
        notes=[
            *assumptions,
            f"The search evaluated {result.configs_evaluated:,} training configurations in "
            f"{result.search_seconds:.1f} s.",
        ],
    )
