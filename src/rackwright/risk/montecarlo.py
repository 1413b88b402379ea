"""Monte Carlo disruptions: the distribution of lost units and lost value over seeded trials.

A trial is one year. Each event happens with its probability and lasts a sampled duration;
events of one trial are taken to start together, so overlapping failures compound (the
conservative reading). A trial's loss is the least loss of the disruption LP over the longest
duration, each node down for its own events' longest duration:

- no event: nothing is lost;
- one event (most trials): the event's exact loss curve (``risk.curves``) at the duration;
- several events: one LP on the union (``DisruptionSolver.loss_partial``), cached per
  distinct combination of events and durations.

Trials run in blocks of ``BLOCK_TRIALS``; block k draws from child k of
``SeedSequence(seed)``, so the numbers depend on the seed and the trial count only, never on
the executor (local or Ray) or how many workers it has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rackwright.errors import InputError
from rackwright.explore.executors import Executor, LocalExecutor
from rackwright.optim.model import FloatArray, IntArray
from rackwright.risk.curves import LossCurve, loss_curve
from rackwright.risk.events import RiskEvent, check_events, default_events
from rackwright.risk.lp import build_disruption_lp
from rackwright.risk.network import SupplyNetwork
from rackwright.risk.solver import DisruptionSolver

BLOCK_TRIALS = 10_000
DEFAULT_LEVELS = (0.95, 0.99)
HISTOGRAM_BINS = 40


@dataclass(frozen=True)
class TailMeasure:
    """Value at risk and conditional value at risk at one confidence ``level``.

    With the N trial values sorted, VaR is the ceil(level N)-th smallest (the inverted-CDF
    quantile) and CVaR the mean of the values from that rank up.
    """

    level: float
    var: float
    cvar: float


@dataclass(frozen=True)
class Distribution:
    """Summary of one trial quantity: mean, spread, chance of any loss, tails, histogram."""

    mean: float
    std: float
    probability_positive: float
    maximum: float
    tails: tuple[TailMeasure, ...]
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]

    @staticmethod
    def of(values: FloatArray, levels: Sequence[float]) -> Distribution:
        """Summarise ``values`` with VaR/CVaR at ``levels``."""
        ordered = np.sort(values)
        n = ordered.size
        tails = []
        for level in levels:
            rank = min(max(math.ceil(level * n), 1), n)
            tails.append(
                TailMeasure(level, float(ordered[rank - 1]), float(ordered[rank - 1 :].mean()))
            )
        top = float(ordered[-1]) if n else 0.0
        counts, edges = np.histogram(ordered, bins=HISTOGRAM_BINS, range=(0.0, max(top, 1e-12)))
        return Distribution(
            mean=float(ordered.mean()),
            std=float(ordered.std()),
            probability_positive=float((ordered > 0).mean()),
            maximum=top,
            tails=tuple(tails),
            histogram_edges=tuple(float(e) for e in edges),
            histogram_counts=tuple(int(c) for c in counts),
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "mean": self.mean,
            "std": self.std,
            "probability_positive": self.probability_positive,
            "max": self.maximum,
            "tails": [{"level": t.level, "var": t.var, "cvar": t.cvar} for t in self.tails],
            "histogram": {
                "edges": list(self.histogram_edges),
                "counts": list(self.histogram_counts),
            },
        }


@dataclass(frozen=True)
class EventStats:
    """How often an event happened and the mean loss of the trials it happened in."""

    id: str
    nodes: tuple[str, ...]
    probability: float
    duration: str
    occurrences: int
    mean_trial_loss: float

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "id": self.id,
            "nodes": list(self.nodes),
            "probability": self.probability,
            "duration": self.duration,
            "occurrences": self.occurrences,
            "mean_trial_loss": self.mean_trial_loss,
        }


@dataclass(frozen=True)
class MonteCarloResult:
    """Distributions of lost value (``loss``) and lost units over ``trials`` seeded trials."""

    trials: int
    seed: int
    loss: Distribution
    lost_units: Distribution
    events: tuple[EventStats, ...]
    multi_event_trials: int
    lp_solves: int
    curves_exact: bool

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "trials": self.trials,
            "seed": self.seed,
            "loss": self.loss.to_json(),
            "lost_units": self.lost_units.to_json(),
            "multi_event_trials": self.multi_event_trials,
            "lp_solves": self.lp_solves,
            "curves_exact": self.curves_exact,
            "events": [e.to_json() for e in self.events],
        }


@dataclass(frozen=True)
class _Block:
    network: SupplyNetwork
    events: tuple[RiskEvent, ...]
    curves: tuple[LossCurve, ...]
    seed: np.random.SeedSequence
    trials: int


@dataclass(frozen=True)
class _BlockOutcome:
    loss: FloatArray
    units: FloatArray
    occurrences: IntArray
    event_loss: FloatArray  # per event: summed loss of the trials it happened in
    multi: int
    solves: int


def _draw(block: _Block) -> tuple[list[IntArray], list[FloatArray]]:
    """Per event, the trials it happens in and its durations there (events in order)."""
    rng = np.random.default_rng(block.seed)
    horizon = float(block.network.horizon)
    trials, durations = [], []
    for event in block.events:
        hit = np.flatnonzero(rng.random(block.trials) < event.probability).astype(np.int64)
        trials.append(hit)
        durations.append(event.duration.sample(rng, hit.size, horizon))
    return trials, durations


def _multi_event_losses(
    block: _Block, trials: list[IntArray], durations: list[FloatArray], counts: IntArray
) -> tuple[dict[int, tuple[float, float]], int]:
    """Loss and units of every trial with several events, and the LP solves it took."""
    net = block.network
    hits: dict[int, list[tuple[int, float]]] = {}
    for e, (where, length) in enumerate(zip(trials, durations, strict=True)):
        for trial, d in zip(where.tolist(), length.tolist(), strict=True):
            if counts[trial] > 1:
                hits.setdefault(trial, []).append((e, d))
    if not hits:
        return {}, 0
    solver = DisruptionSolver(build_disruption_lp(net))
    index = [[net.index(n) for n in event.nodes] for event in block.events]
    cache: dict[tuple[tuple[int, float], ...], tuple[float, float]] = {}
    out: dict[int, tuple[float, float]] = {}
    for trial in sorted(hits):
        key = tuple(sorted(hits[trial]))
        if key not in cache:
            down_for: dict[int, float] = {}
            for e, d in key:
                for node in index[e]:
                    down_for[node] = max(down_for.get(node, 0.0), d)
            solution = solver.loss_partial(down_for, max(d for _, d in key))
            cache[key] = (solution.loss, float(solution.lost_units.sum()))
        out[trial] = cache[key]
    return out, solver.solves


def _run_block(block: _Block) -> _BlockOutcome:
    """Draw one block's trials and price each."""
    trials, durations = _draw(block)
    counts = np.zeros(block.trials, dtype=np.int64)
    for where in trials:
        counts[where] += 1
    loss = np.zeros(block.trials)
    units = np.zeros(block.trials)
    for where, length, curve in zip(trials, durations, block.curves, strict=True):
        alone = counts[where] == 1
        loss[where[alone]] = curve.loss_at(length[alone])
        units[where[alone]] = curve.units_at(length[alone])
    multi, solves = _multi_event_losses(block, trials, durations, counts)
    for trial, (value, lost) in multi.items():
        loss[trial], units[trial] = value, lost
    return _BlockOutcome(
        loss=loss,
        units=units,
        occurrences=np.array([w.size for w in trials], dtype=np.int64),
        event_loss=np.array([loss[w].sum() for w in trials]),
        multi=len(multi),
        solves=solves,
    )


def _curves(net: SupplyNetwork, events: Sequence[RiskEvent]) -> tuple[tuple[LossCurve, ...], int]:
    """Each event's loss curve up to its longest duration, and the LP solves it took."""
    solver = DisruptionSolver(build_disruption_lp(net))
    horizon = float(net.horizon)
    curves = []
    for event in events:
        down = np.array([net.index(n) for n in event.nodes], dtype=np.int64)
        t_max = event.duration.upper(horizon)
        if event.probability > 0 and t_max > 0:
            curves.append(loss_curve(solver, down, t_max))
        else:
            curves.append(LossCurve(np.array([0.0, 1.0]), np.zeros(2), np.zeros(2), exact=True))
    return tuple(curves), solver.solves


def _blocks(
    net: SupplyNetwork,
    events: tuple[RiskEvent, ...],
    curves: tuple[LossCurve, ...],
    trials: int,
    seed: int,
) -> list[_Block]:
    count = -(-trials // BLOCK_TRIALS)
    seeds = np.random.SeedSequence(seed).spawn(count)
    return [
        _Block(net, events, curves, seeds[k], min(BLOCK_TRIALS, trials - k * BLOCK_TRIALS))
        for k in range(count)
    ]


def simulate(
    net: SupplyNetwork,
    events: Sequence[RiskEvent] | None = None,
    *,
    trials: int,
    seed: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
    executor: Executor | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> MonteCarloResult:
    """``trials`` seeded trials of ``events`` (default: ``default_events(net)``)."""
    if trials < 1:
        raise InputError("trials must be at least 1", field="trials", value=trials)
    if seed < 0:
        raise InputError("seed must be a non-negative integer", field="seed", value=seed)
    for level in levels:
        if not 0.0 < level < 1.0:
            raise InputError(
                "a VaR level must be strictly between 0 and 1", field="level", value=level
            )
    chosen = tuple(default_events(net) if events is None else events)
    check_events(net, chosen)
    curves, solves = _curves(net, chosen)
    outcomes: list[_BlockOutcome] = []
    done = 0
    for outcome in (executor or LocalExecutor()).map(
        _run_block, _blocks(net, chosen, curves, trials, seed)
    ):
        outcomes.append(outcome)
        done += outcome.loss.size
        if on_progress is not None:
            on_progress(done, trials)
    return _summarise(chosen, curves, outcomes, trials, seed, levels, solves)


def _summarise(
    events: tuple[RiskEvent, ...],
    curves: tuple[LossCurve, ...],
    outcomes: list[_BlockOutcome],
    trials: int,
    seed: int,
    levels: Sequence[float],
    curve_solves: int,
) -> MonteCarloResult:
    loss = np.concatenate([o.loss for o in outcomes])
    units = np.concatenate([o.units for o in outcomes])
    occurrences = np.sum([o.occurrences for o in outcomes], axis=0)
    event_loss = np.sum([o.event_loss for o in outcomes], axis=0)
    stats = tuple(
        EventStats(
            id=e.id,
            nodes=e.nodes,
            probability=e.probability,
            duration=e.duration.describe(),
            occurrences=int(occurrences[k]),
            mean_trial_loss=float(event_loss[k] / occurrences[k]) if occurrences[k] else 0.0,
        )
        for k, e in enumerate(events)
    )
    return MonteCarloResult(
        trials=trials,
        seed=seed,
        loss=Distribution.of(loss, levels),
        lost_units=Distribution.of(units, levels),
        events=stats,
        multi_event_trials=sum(o.multi for o in outcomes),
        lp_solves=curve_solves + sum(o.solves for o in outcomes),
        curves_exact=all(c.exact for c in curves),
    )
