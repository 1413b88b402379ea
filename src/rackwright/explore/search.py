"""Design-space search: systems x GPU counts x parallelism, ranked and Pareto-filtered.

``explore`` splits the work into ``SweepTask``s (one system, a few GPU counts each), runs them on
an executor, and merges what they keep into the best configurations for one objective and the
Pareto front over (time to train, cost, facility MW).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import Facility, RackDesign, System
from rackwright.errors import InfeasibleError, InputError, UnknownIdError
from rackwright.explore.economics import DEFAULT_LIFE_YEARS, Economics
from rackwright.explore.executors import Executor, LocalExecutor
from rackwright.explore.pareto import pareto_mask, top_k
from rackwright.explore.perf_inputs import (
    fixed_cfg_inputs,
    hardware_inputs,
    model_inputs,
)
from rackwright.explore.space import ModelShape, SearchSpace
from rackwright.explore.sweep import (
    OBJECTIVES,
    PARETO_KEYS,
    ROW_KEYS,
    SweepResult,
    SweepTask,
    TrainingJob,
    concat_rows,
    run_task,
)
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.models import ModelArch
from rackwright.precision import Precision, parse_precision

_RANGE = re.compile(r"^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$")
RECOMPUTE_NAMES = ("none", "selective", "full")


@dataclass(frozen=True)
class SystemChoice:
    """A system to search: its hardware view, economics and the GPU counts to try.

    ``rack`` names the rack generation the system was chosen through ("" for a bare system).
    """

    hardware: HardwareView
    economics: Economics
    gpu_counts: tuple[int, ...]
    rack: str = ""


@dataclass(frozen=True)
class Candidate:
    """One evaluated configuration and what it implies for the job (estimates, SI units)."""

    system_id: str
    rack: str
    gpus: int
    systems: int
    tp: int
    pp: int
    vpp: int
    cp: int
    ep: int
    dp: int
    zero: int
    recompute: str
    mbs: int
    gbs: int
    step_s: float
    mfu: float
    mem_total_bytes: float
    tokens_per_s_per_gpu: float
    time_s: float
    cost_usd: float
    power_w: float

    @property
    def days(self) -> float:
        """Time to train in days."""
        return self.time_s / 86400.0

    def label(self) -> str:
        """Compact text: system, GPUs and degrees."""
        return (
            f"{self.rack or self.system_id} {self.gpus} GPUs tp{self.tp} pp{self.pp} "
            f"vpp{self.vpp} cp{self.cp} ep{self.ep} dp{self.dp} zero{self.zero} "
            f"{self.recompute} mbs{self.mbs}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, with days and MW added for readers."""
        data = asdict(self)
        data["days"] = self.days
        data["power_mw"] = self.power_w / 1e6
        return data


DEFAULT_MFU_SHARE = 0.75


@dataclass(frozen=True)
class RankBound:
    """Which configurations the best-by-objective ranking may pick from.

    A fastest answer that leaves most of the machine idle is not what a planner means by best, so
    by default the ranking keeps configurations whose MFU is at least ``mfu_share`` (75 %) of the
    best MFU the search found; ``min_mfu`` adds an absolute floor and ``max_cost_ratio`` a cost
    ceiling relative to the cheapest configuration found. The Pareto front is never bounded.
    """

    mfu_share: float = DEFAULT_MFU_SHARE
    min_mfu: float = 0.0
    max_cost_ratio: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.mfu_share <= 1.0:
            raise InputError("must be between 0 and 1", field="mfu_share", value=self.mfu_share)
        if not 0.0 <= self.min_mfu < 1.0:
            raise InputError("must be in [0, 1)", field="min_mfu", value=self.min_mfu)
        if self.max_cost_ratio is not None and not self.max_cost_ratio >= 1.0:
            raise InputError(
                "must be at least 1 (times the cheapest)",
                field="max_cost_ratio",
                value=self.max_cost_ratio,
            )

    def window(self, rows: dict[str, np.ndarray]) -> BoundWindow:
        """The bound's thresholds on these rows and which rows meet them."""
        if rows["mfu"].size == 0:
            return BoundWindow(self, 0.0, 0.0, None, np.zeros(0, dtype=bool))
        best = float(np.max(rows["mfu"]))
        floor = max(self.min_mfu, self.mfu_share * best)
        mask = rows["mfu"] >= floor * (1.0 - 1e-12)
        ceiling = None
        if self.max_cost_ratio is not None:
            ceiling = self.max_cost_ratio * float(np.min(rows["cost_usd"]))
            mask &= rows["cost_usd"] <= ceiling * (1.0 + 1e-12)
        if not mask.any():  # an absolute MFU floor above everything: say so, rank what exists
            mask = rows["mfu"] >= best * (1.0 - 1e-12)
        return BoundWindow(self, best, floor, ceiling, mask)


@dataclass(frozen=True)
class BoundWindow:
    """A RankBound applied: the best MFU found, the thresholds and the rows inside."""

    bound: RankBound
    best_mfu: float
    mfu_floor: float
    cost_ceiling_usd: float | None
    mask: np.ndarray

    def describe(self) -> str:
        """The bound in words, for titles and notes."""
        text = f"MFU >= {self.mfu_floor:.1%}"
        if self.bound.mfu_share > 0 and self.mfu_floor > self.bound.min_mfu:
            text += f" ({self.bound.mfu_share:.0%} of the best found, {self.best_mfu:.1%})"
        if self.cost_ceiling_usd is not None:
            text += (
                f", cost <= {self.bound.max_cost_ratio:g} x the cheapest "
                f"(${self.cost_ceiling_usd / 1e6:,.2f}M)"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "mfu_share": self.bound.mfu_share,
            "min_mfu": self.bound.min_mfu,
            "max_cost_ratio": self.bound.max_cost_ratio,
            "best_mfu": self.best_mfu,
            "mfu_floor": self.mfu_floor,
            "cost_ceiling_usd": self.cost_ceiling_usd,
            "configs_inside": int(self.mask.sum()),
            "text": self.describe(),
        }


@dataclass(frozen=True)
class ExploreResult:
    """What a search found, with how much it evaluated and how long it took."""

    objective: str
    bound: BoundWindow
    configs_enumerated: int
    configs_evaluated: int
    configs_valid: int
    seconds: float
    best: tuple[Candidate, ...]
    pareto: tuple[Candidate, ...]
    per_system: dict[str, dict[str, int]]

    @property
    def configs_per_s(self) -> float:
        """Evaluation throughput."""
        return self.configs_evaluated / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "objective": self.objective,
            "bound": self.bound.to_dict(),
            "configs_enumerated": self.configs_enumerated,
            "configs_evaluated": self.configs_evaluated,
            "configs_valid": self.configs_valid,
            "seconds": self.seconds,
            "configs_per_s": self.configs_per_s,
            "per_system": self.per_system,
            "best": [c.to_dict() for c in self.best],
            "pareto": [c.to_dict() for c in self.pareto],
        }


def parse_gpu_range(text: str) -> tuple[int, int]:
    """``"N"`` or ``"N..M"`` as (low, high); InputError when malformed, zero or reversed."""
    match = _RANGE.match(text)
    if not match:
        raise InputError("expected a GPU count N or a range N..M", field="gpus", value=text)
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else low
    if low < 1:
        raise InputError("GPU count must be at least 1", field="gpus", value=text)
    if high < low:
        raise InputError("GPU range is reversed: write N..M with N <= M", field="gpus", value=text)
    return low, high


def gpu_counts(low: int, high: int, step: int, max_points: int = 48) -> tuple[int, ...]:
    """GPU counts searched in [low, high]: whole multiples of ``step`` (a system or a rack).

    A single count is kept as given. When more than ``max_points`` multiples fit, a geometric
    subset (rounded to multiples, always including the ends) keeps the sweep fast.
    """
    if low == high:
        return (low,)
    first = -(-low // step) * step
    multiples = np.arange(first, high + 1, step, dtype=np.int64)
    if multiples.size == 0:
        return tuple(sorted({low, high}))
    if multiples.size > max_points:
        geo = np.geomspace(multiples[0], multiples[-1], max_points)
        picked = np.unique(np.clip(np.rint(geo / step) * step, multiples[0], multiples[-1]))
        multiples = picked.astype(np.int64)
    return tuple(int(g) for g in multiples)


def make_job(
    model: ModelArch,
    tokens: float,
    precision: Precision | str,
    seq: int | None = None,
    batch_tokens: float = 16e6,
) -> TrainingJob:
    """A training job; InputError for a non-positive budget or an unknown precision."""
    if tokens <= 0:
        raise InputError("token budget must be positive", field="tokens", value=tokens)
    prec = parse_precision(precision)
    seq_len = seq if seq is not None else model.seq
    if seq_len < 1:
        raise InputError("sequence length must be positive", field="seq", value=seq_len)
    if batch_tokens < seq_len:
        raise InputError(
            "a step must hold at least one sequence", field="batch_tokens", value=batch_tokens
        )
    return TrainingJob(
        tokens=float(tokens),
        seq=seq_len,
        batch_tokens=float(batch_tokens),
        precision=prec,
        low_precision=prec.is_low,
    )


def system_choices(
    catalog: Catalog,
    system_ids: Sequence[str],
    facility_id: str,
    low: int,
    high: int,
    *,
    step_gpus: dict[str, int] | None = None,
    life_years: float = DEFAULT_LIFE_YEARS,
    max_points: int = 48,
) -> list[SystemChoice]:
    """Catalog systems to search, with the facility's economics and their GPU counts.

    GPU counts step by whole systems unless ``step_gpus`` gives another step (a rack) per id.
    """
    systems = catalog.entries["system"]
    facility = catalog.entries["facility"].get(facility_id)
    if not isinstance(facility, Facility):
        known = ", ".join(sorted(catalog.entries["facility"]))
        raise UnknownIdError(
            f"unknown facility; use one of {known}", field="facility", value=facility_id
        )
    choices = []
    for sid in system_ids:
        system = systems.get(sid)
        if not isinstance(system, System):
            raise UnknownIdError(
                f"unknown system; use one of {', '.join(sorted(systems))}",
                field="system",
                value=sid,
            )
        step = (step_gpus or {}).get(sid, system.gpus_count)
        choices.append(
            SystemChoice(
                hardware=hardware_view(sid, catalog),
                economics=Economics.of(system, facility, life_years),
                gpu_counts=gpu_counts(low, high, step, max_points),
            )
        )
    return choices


def rack_choices(
    catalog: Catalog,
    rack_ids: Sequence[str],
    facility_id: str,
    low: int,
    high: int,
    *,
    life_years: float = DEFAULT_LIFE_YEARS,
    max_points: int = 48,
    economics: Mapping[str, Economics] | None = None,
) -> list[SystemChoice]:
    """Rack generations to search: each rack's system, with GPU counts in whole racks.

    A range below one rack searches the range's own ends (a partial rack is still paid whole).
    ``economics`` (by rack id) replaces the system's list-price economics: ``plan`` passes the
    rack's BOM cost and engineered power.
    """
    racks = catalog.entries["rack"]
    choices = []
    for rid in rack_ids:
        rack = racks.get(rid)
        if not isinstance(rack, RackDesign):
            raise UnknownIdError(
                f"unknown rack; use one of {', '.join(sorted(racks))}", field="rack", value=rid
            )
        step = rack.systems_count * catalog.system(rack.system).gpus_count
        (choice,) = system_choices(
            catalog,
            [rack.system],
            facility_id,
            low,
            high,
            step_gpus={rack.system: step},
            life_years=life_years,
            max_points=max_points,
        )
        chosen = (economics or {}).get(rack.id, choice.economics)
        choices.append(SystemChoice(choice.hardware, chosen, choice.gpu_counts, rack=rack.id))
    return choices


def plan_tasks(
    model: ModelArch,
    choices: Sequence[SystemChoice],
    job: TrainingJob,
    *,
    space: SearchSpace,
    top: int,
    efficiency: Efficiency | None = None,
    counts_per_task: int = 4,
) -> list[SweepTask]:
    """Split the search into tasks of ``counts_per_task`` GPU counts of one system."""
    shape = ModelShape(model.layers, model.heads, model.kv, model.experts)
    minputs = model_inputs(model)
    fixed = fixed_cfg_inputs(model, job.seq, job.precision)
    tasks = []
    for choice in choices:
        hw = hardware_inputs(choice.hardware, job.precision, efficiency)
        counts = choice.gpu_counts
        for start in range(0, len(counts), counts_per_task):
            tasks.append(
                SweepTask(
                    economics=choice.economics,
                    hw=hw,
                    model=minputs,
                    fixed=fixed,
                    shape=shape,
                    job=job,
                    space=space,
                    gpu_counts=counts[start : start + counts_per_task],
                    scaleup_domain=choice.hardware.scaleup_domain_count,
                    top_k=top,
                    rack=choice.rack,
                )
            )
    return tasks


def _candidates(
    rows: dict[str, np.ndarray], system_ids: np.ndarray, racks: np.ndarray, idx: np.ndarray
) -> tuple[Candidate, ...]:
    out = []
    for i in idx:
        out.append(
            Candidate(
                system_id=str(system_ids[i]),
                rack=str(racks[i]),
                gpus=int(rows["gpus"][i]),
                systems=int(rows["systems"][i]),
                tp=int(rows["tp"][i]),
                pp=int(rows["pp"][i]),
                vpp=int(rows["vpp"][i]),
                cp=int(rows["cp"][i]),
                ep=int(rows["ep"][i]),
                dp=int(rows["dp"][i]),
                zero=int(rows["zero"][i]),
                recompute=RECOMPUTE_NAMES[int(rows["recompute"][i])],
                mbs=int(rows["mbs"][i]),
                gbs=int(rows["gbs"][i]),
                step_s=float(rows["step_s"][i]),
                mfu=float(rows["mfu"][i]),
                mem_total_bytes=float(rows["mem_total_bytes"][i]),
                tokens_per_s_per_gpu=float(rows["tokens_per_s_per_gpu"][i]),
                time_s=float(rows["time_s"][i]),
                cost_usd=float(rows["cost_usd"][i]),
                power_w=float(rows["power_w"][i]),
            )
        )
    return tuple(out)


def merge(
    results: Sequence[SweepResult],
    objective: str,
    top: int,
    seconds: float,
    bound: RankBound | None = None,
) -> ExploreResult:
    """Combine task results into the best ``top`` by ``objective`` within ``bound`` and the
    (unbounded) Pareto front."""
    bound = bound or RankBound()
    rows = concat_rows([r.rows for r in results])

    def per_row(values: list[str]) -> np.ndarray:
        sizes = [r.rows["gpus"].shape[0] for r in results]
        return np.repeat(np.array(values, dtype=object), sizes)

    sys_ids = per_row([r.system_id for r in results])
    racks = per_row([r.rack for r in results])
    per_system: dict[str, dict[str, int]] = {}
    for r in results:
        key = r.rack or r.system_id
        entry = per_system.setdefault(key, {"configs_evaluated": 0, "configs_valid": 0})
        entry["configs_evaluated"] += r.configs_evaluated
        entry["configs_valid"] += r.configs_valid
    window = bound.window(rows)
    col = OBJECTIVES[objective]
    inside = np.flatnonzero(window.mask)
    best_idx = inside[top_k(rows[col][inside], top, rows["time_s"][inside],
                            rows["mem_total_bytes"][inside])]  # fmt: skip
    # one configuration per objective point: the lowest-memory one among equals
    objectives = [rows[c] for c in PARETO_KEYS]
    order = np.lexsort([rows["mem_total_bytes"], *reversed(objectives)])
    on_front = pareto_mask(np.column_stack(objectives)[order], keep_duplicates=False)
    front = order[on_front]
    front = front[np.argsort(rows["time_s"][front], kind="stable")]
    best = _candidates(rows, sys_ids, racks, best_idx)
    pareto = _candidates(rows, sys_ids, racks, front)
    return ExploreResult(
        objective=objective,
        bound=window,
        configs_enumerated=sum(r.configs_enumerated for r in results),
        configs_evaluated=sum(r.configs_evaluated for r in results),
        configs_valid=sum(r.configs_valid for r in results),
        seconds=seconds,
        best=best,
        pareto=pareto,
        per_system=per_system,
    )


def explore(
    model: ModelArch,
    choices: Sequence[SystemChoice],
    job: TrainingJob,
    *,
    objective: str = "time",
    top: int = 10,
    space: SearchSpace | None = None,
    executor: Executor | None = None,
    efficiency: Efficiency | None = None,
    on_task_done: Callable[[int, int], None] | None = None,
    bound: RankBound | None = None,
) -> ExploreResult:
    """Search every choice; InfeasibleError when no configuration is valid and fits.

    The best ``top`` by ``objective`` (time, cost, power, or mfu: highest first) are chosen
    within ``bound`` (default RankBound(): MFU at least 75 % of the best found); the Pareto front
    over time, cost and MW is not bounded. ``on_task_done(done, total)`` is called after each task
    (for a progress bar).
    """
    if objective not in OBJECTIVES:
        raise InputError(
            f"unknown objective; use one of {', '.join(OBJECTIVES)}",
            field="objective",
            value=objective,
        )
    if top < 1:
        raise InputError("--top must be at least 1", field="top", value=top)
    start = time.perf_counter()
    tasks = plan_tasks(
        model, choices, job, space=space or SearchSpace(), top=top, efficiency=efficiency
    )
    runner = executor if executor is not None else LocalExecutor()
    results: list[SweepResult] = []
    for result in runner.map(run_task, tasks):
        results.append(result)
        if on_task_done is not None:
            on_task_done(len(results), len(tasks))
    seconds = time.perf_counter() - start
    found = merge(results, objective, top, seconds, bound)
    if found.configs_valid == 0:
        names = ", ".join(c.economics.system_id for c in choices)
        raise InfeasibleError(
            f"no configuration of {model.id} is valid and fits in GPU memory on {names} "
            f"at the GPU counts searched ({found.configs_evaluated} evaluated)",
            field="gpus",
        )
    return found


def pick_for_deadline(front: Sequence[Candidate], deadline_s: float) -> tuple[Candidate, bool]:
    """The cheapest front point that finishes by ``deadline_s``, else the fastest (and False).

    The cheapest configuration meeting a deadline is always on the (time, cost, MW) front: a
    point dominating it is no slower and no dearer.
    """
    if not front:
        raise InfeasibleError("no configuration to choose from", field="pareto")
    meeting = [c for c in front if c.time_s <= deadline_s]
    if meeting:
        return min(meeting, key=lambda c: (c.cost_usd, c.time_s)), True
    return min(front, key=lambda c: (c.time_s, c.cost_usd)), False


__all__ = [
    "DEFAULT_MFU_SHARE",
    "ROW_KEYS",
    "BoundWindow",
    "Candidate",
    "ExploreResult",
    "RankBound",
    "SystemChoice",
    "TrainingJob",
    "explore",
    "gpu_counts",
    "make_job",
    "merge",
    "parse_gpu_range",
    "pick_for_deadline",
    "plan_tasks",
    "rack_choices",
    "system_choices",
]
