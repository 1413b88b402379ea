"""TTR and TTS for a list of scenarios: loss, REI, red flags and what each product loses.

Scenarios are cut into fixed-size chunks; each chunk builds the LP once, solves its scenarios'
time-to-survive LPs and then the time-to-recover LPs of those that run dry within their TTR
(sorted by TTR, so consecutive solves share the window), re-solving from the previous basis each
time. Two exact screens skip LPs whose answer is already known: a scenario whose nodes make
nothing in the undisrupted optimum keeps the undisrupted TTS, and a scenario with TTS >= TTR
loses nothing. Chunks run on any ``Executor``; since the cut does not depend on the executor or
its workers, every executor gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rackwright.errors import InputError
from rackwright.explore.executors import Executor, LocalExecutor
from rackwright.optim.model import IntArray
from rackwright.risk.lp import build_disruption_lp
from rackwright.risk.network import SupplyNetwork
from rackwright.risk.results import ProductLoss, RiskAnalysis, ScenarioResult
from rackwright.risk.scenarios import Scenario, network_scenarios
from rackwright.risk.solver import DisruptionSolver

CHUNK_SCENARIOS = 500
"""Scenarios per task: large enough that one baseline solve per chunk is cheap beside them."""

RELATIVE_TOLERANCE = 1e-9
"""Below this share of a figure's scale, a loss or a TTS difference is solver noise."""


@dataclass(frozen=True)
class _Outcome:
    loss: float
    tts: float
    lost_units: tuple[tuple[int, float], ...]  # (position in demand nodes, units) where > 0


@dataclass(frozen=True)
class _Chunk:
    network: SupplyNetwork
    scenarios: tuple[Scenario, ...]


def _survive_all(solver: DisruptionSolver, down: Sequence[IntArray]) -> list[float]:
    """Time to survive of each scenario, in order; one LP per scenario that can shorten it.

    A scenario whose nodes are all idle in the undisrupted optimum has the undisrupted time
    (``DisruptionSolver.survive_idle``): exact, so it needs no LP of its own.
    """
    baseline, idle = solver.survive_idle()
    return [baseline if bool(idle[d].all()) else solver.survive(d) for d in down]


def _losses(
    solver: DisruptionSolver,
    scenarios: Sequence[Scenario],
    down: Sequence[IntArray],
    tts: Sequence[float],
) -> list[tuple[float, tuple[tuple[int, float], ...]]]:
    """Loss and the demand nodes that lose units (position, units) of each scenario, in order.

    A scenario that survives its whole TTR (TTS >= TTR) loses nothing: a window no longer than
    the time to survive needs no unmet demand (a shorter window only asks for less, and the
    inventory on hand covers more of it per period), so its loss is 0 with no LP. The others
    are solved sorted by TTR, so consecutive solves share the window.
    """
    losses: list[tuple[float, tuple[tuple[int, float], ...]]] = [(0.0, ())] * len(scenarios)
    short = [k for k in range(len(scenarios)) if not tts[k] >= scenarios[k].ttr]
    for k in sorted(short, key=lambda k: (scenarios[k].ttr, k)):
        solution = solver.loss(down[k], scenarios[k].ttr)
        lost = solution.lost_units
        losses[k] = (solution.loss, tuple((int(j), float(lost[j])) for j in np.flatnonzero(lost)))
    return losses


def _solve_chunk(chunk: _Chunk) -> tuple[tuple[_Outcome, ...], int]:
    """Outcomes of one chunk's scenarios (in order) and the LP solves it took."""
    net = chunk.network
    solver = DisruptionSolver(build_disruption_lp(net))
    down = [np.array([net.index(n) for n in s.nodes], dtype=np.int64) for s in chunk.scenarios]
    tts = _survive_all(solver, down)
    losses = _losses(solver, chunk.scenarios, down, tts)
    outcomes = tuple(
        _Outcome(loss, survive, lost) for (loss, lost), survive in zip(losses, tts, strict=True)
    )
    return outcomes, solver.solves


def _chunks(net: SupplyNetwork, scenarios: Sequence[Scenario]) -> list[_Chunk]:
    return [
        _Chunk(net, tuple(scenarios[i : i + CHUNK_SCENARIOS]))
        for i in range(0, len(scenarios), CHUNK_SCENARIOS)
    ]


def _check_scenarios(net: SupplyNetwork, scenarios: Sequence[Scenario]) -> None:
    seen: set[str] = set()
    for s in scenarios:
        if s.id in seen:
            raise InputError("two scenarios share an id", field="scenario", value=s.id)
        seen.add(s.id)
        unknown = [n for n in s.nodes if not net.has_node(n)]
        if unknown:
            raise InputError("scenario names an unknown node", field=s.id, value=unknown[0])
        if not s.ttr > 0:
            raise InputError("scenario ttr must be greater than 0", field=s.id, value=s.ttr)


def _clean(value: float, scale: float) -> float:
    """``value`` to 12 significant digits, solver noise below ``scale * RELATIVE_TOLERANCE``
    set to 0 (the LP is exact to about 1e-9, so 0.8999999999999999 reads as 0.9)."""
    if abs(value) <= RELATIVE_TOLERANCE * max(scale, 1.0):
        return 0.0
    return float(f"{value:.12g}")


def _result(
    net: SupplyNetwork, s: Scenario, outcome: _Outcome, demand_nodes: Sequence[int], top: float
) -> ScenarioResult:
    loss = _clean(outcome.loss, top)
    products = tuple(
        ProductLoss(
            node=net.nodes[demand_nodes[k]].id,
            material=net.nodes[demand_nodes[k]].material,
            lost_units=_clean(units, net.nodes[demand_nodes[k]].demand * s.ttr),
            loss=_clean(units * net.nodes[demand_nodes[k]].loss_weight, top),
        )
        for k, units in outcome.lost_units
    )
    tts = _clean(outcome.tts, 0.0)
    red = tts < s.ttr - RELATIVE_TOLERANCE * max(1.0, s.ttr)
    return ScenarioResult(
        id=s.id,
        kind=s.kind,
        disrupted=s.nodes,
        ttr=s.ttr,
        loss=loss,
        rei=loss / top if top > 0 else 0.0,  # top is rounded as each loss is: it reads 1.0
        tts=tts,
        red_flag=red,
        products=tuple(p for p in products if p.lost_units > 0),
    )


def analyze(
    net: SupplyNetwork,
    scenarios: Sequence[Scenario] | None = None,
    *,
    executor: Executor | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RiskAnalysis:
    """Loss, REI, TTS and red flag of each scenario (default: the README's scenarios).

    REI is each loss over the largest loss among ``scenarios`` (0 for all when none loses).
    ``on_progress(done, total)`` is called as scenario chunks finish.
    """
    chosen = tuple(network_scenarios(net) if scenarios is None else scenarios)
    _check_scenarios(net, chosen)
    outcomes: list[_Outcome] = []
    solves = 0
    chunks = _chunks(net, chosen)
    runner = executor or LocalExecutor()
    for chunk_outcomes, chunk_solves in runner.map(_solve_chunk, chunks):
        outcomes.extend(chunk_outcomes)
        solves += chunk_solves
        if on_progress is not None:
            on_progress(len(outcomes), len(chosen))
    baseline = DisruptionSolver(build_disruption_lp(net))
    baseline_tts = baseline.survive([])
    demand_nodes = [int(j) for j in baseline.lp.demand_nodes]
    top = max((o.loss for o in outcomes), default=0.0)
    # to the digits each loss is reported with, so the largest loss has an REI of exactly 1
    top = _clean(top, 0.0) if top > RELATIVE_TOLERANCE else 0.0
    results = tuple(
        _result(net, s, o, demand_nodes, top) for s, o in zip(chosen, outcomes, strict=True)
    )
    return RiskAnalysis(
        period=net.period,
        horizon=float(net.horizon),
        baseline_tts=baseline_tts,
        scenarios=results,
        lp_solves=solves + baseline.solves,
    )
