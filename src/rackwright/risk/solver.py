"""Questions asked of one loaded disruption LP: loss over a window, time to survive, sizing.

Each question caps the failed nodes' rates, re-solves from the previous basis, reads what it
needs and puts the bounds back, so questions come in any order and leave the model as built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from rackwright.errors import SolverError
from rackwright.optim import INF, SolveStatus
from rackwright.optim.model import FloatArray, IntArray
from rackwright.optim.session import LpSession
from rackwright.risk.lp import DisruptionLp

NodeIndices = Sequence[int] | IntArray
T = TypeVar("T")


@dataclass(frozen=True)
class LossSolution:
    """Least loss over a window: the value, unmet units per demand node, and dLoss/dt."""

    loss: float
    lost_units: FloatArray  # per demand node (DisruptionLp.demand_nodes order)
    slope: float  # 0 unless asked for


class DisruptionSolver:
    """Answers loss, time-to-survive and sizing questions on one loaded ``DisruptionLp``.

    ``solves`` counts the LP solves.
    """

    def __init__(self, lp: DisruptionLp) -> None:
        self.lp = lp
        self._session = LpSession(lp.model)
        self._mode = "loss"
        self.solves = 0

    def _set_mode(self, mode: str) -> None:
        """loss: min weighted unmet demand; survive: min 1/t; size: min extra-supply cost."""
        if mode == self._mode:
            return
        lp, session = self.lp, self._session
        if mode == "loss":
            session.set_costs(lp.m, lp.loss_weight)
            session.set_col_bounds(lp.m, 0.0, INF)
            session.set_costs([lp.s], 0.0)
        else:
            session.set_costs(lp.m, 0.0)
            session.set_col_bounds(lp.m, 0.0, 0.0)
            session.set_costs([lp.s], 1.0 if mode == "survive" else 0.0)
            session.set_col_bounds([lp.s], 1.0 / lp.horizon, INF)
        self._mode = mode

    def _set_rates(self, nodes: IntArray, upper: FloatArray) -> None:
        if nodes.size:
            self._session.set_col_bounds(self.lp.v[nodes], 0.0, upper)

    def _solve(
        self, nodes: IntArray, upper: FloatArray, what: str, read: Callable[[float], T]
    ) -> tuple[SolveStatus, float, T | None]:
        """Cap ``nodes`` at ``upper``, re-solve, ``read(objective)`` if optimal, restore."""
        self._set_rates(nodes, upper)
        try:
            outcome = self._session.resolve()
            values = read(outcome.objective) if outcome.ok else None
        finally:
            self._set_rates(nodes, self.lp.capacity[nodes])
        self.solves += 1
        if outcome.status not in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE):
            raise SolverError(f"the {what} LP ended {outcome.status.value}")
        return outcome.status, outcome.objective, values

    def _loss(self, nodes: IntArray, upper: FloatArray, window: float, slope: bool) -> LossSolution:
        if not window > 0:
            return LossSolution(0.0, np.zeros(self.lp.m.size), 0.0)
        lp, session = self.lp, self._session
        self._set_mode("loss")
        session.set_col_bounds([lp.s], 1.0 / window, 1.0 / window)

        def read(objective: float) -> tuple[FloatArray, float]:
            lost = np.zeros(lp.m.size)
            if objective > 0 or slope:
                lost = np.maximum(session.values(lp.m), 0.0) * window
            # loss(t) = t F(1/t), so dloss/dt = F - F'(s)/t with F'(s) the reduced cost of s
            rate = objective - float(session.reduced_costs([lp.s])[0]) / window if slope else 0.0
            return lost, rate

        status, objective, values = self._solve(nodes, upper, "time-to-recover", read)
        if status is not SolveStatus.OPTIMAL or values is None:
            raise SolverError("the time-to-recover LP is infeasible (unmet demand is free)")
        lost, rate = values
        return LossSolution(max(objective, 0.0) * window, lost, max(rate, 0.0))

    def loss(self, down: NodeIndices, window: float, *, slope: bool = False) -> LossSolution:
        """Least weighted unmet demand when ``down`` make nothing for ``window`` periods.

        ``slope`` also reads the loss's rate of change with the window length back.
        """
        nodes = np.unique(np.asarray(down, dtype=np.int64))
        return self._loss(nodes, np.zeros(nodes.size), window, slope)

    def loss_partial(self, down_for: Mapping[int, float], window: float) -> LossSolution:
        """Least loss over ``window`` when node i is down for the first ``down_for[i]`` periods.

        A node down for d < window can make ``capacity (window - d)`` over the window (one with
        unlimited capacity is unconstrained once back); one down for the whole window, nothing.
        """
        nodes = np.array(sorted(down_for), dtype=np.int64)
        if not window > 0:
            return LossSolution(0.0, np.zeros(self.lp.m.size), 0.0)
        share = np.array([max(0.0, 1.0 - down_for[int(i)] / window) for i in nodes])
        upper = np.where(share > 0, self.lp.capacity[nodes] * share, 0.0)
        return self._loss(nodes, upper, window, slope=True)

    def _survive(self, nodes: IntArray, read: Callable[[float], T]) -> tuple[float, T | None]:
        self._set_mode("survive")
        upper = np.zeros(nodes.size)
        status, objective, values = self._solve(nodes, upper, "time-to-survive", read)
        if status is SolveStatus.INFEASIBLE:
            return 0.0, None  # some demand has neither inventory nor supply: no window survives
        return min(1.0 / max(objective, 1.0 / self.lp.horizon), self.lp.horizon), values

    def survive(self, down: NodeIndices) -> float:
        """Longest window (capped at the horizon) with no unmet demand while ``down`` fail."""
        return self._survive(np.unique(np.asarray(down, dtype=np.int64)), lambda _: None)[0]

    def survive_idle(self) -> tuple[float, NDArray[np.bool_]]:
        """The undisrupted time to survive, and which nodes make nothing in the optimum found.

        Any set of idle nodes can fail without changing that time: the optimum already has
        them at zero output, and a failure cannot lengthen a time to survive. When no window
        survives, none survives with nodes down either, so every node counts as idle.
        """
        session, v = self._session, self.lp.v
        tts, idle = self._survive(np.zeros(0, dtype=np.int64), lambda _: session.values(v) <= 0.0)
        return tts, np.ones(v.size, dtype=np.bool_) if idle is None else idle

    def extra_needed(self, down: NodeIndices, window: float, cost: FloatArray) -> FloatArray | None:
        """Least-cost extra supply per period at the ``down`` nodes to lose nothing in ``window``.

        ``cost`` weighs each down node's extra rate. None when no amount at those nodes suffices
        (the undisrupted network itself runs dry within ``window``). The LP must be built with
        ``extra_supply``.
        """
        lp, session = self.lp, self._session
        if not lp.extra.size:
            raise SolverError("extra_needed needs build_disruption_lp(..., extra_supply=True)")
        nodes = np.unique(np.asarray(down, dtype=np.int64))
        self._set_mode("size")
        session.set_col_bounds([lp.s], 1.0 / window, 1.0 / window)
        session.set_col_bounds(lp.extra[nodes], 0.0, INF)
        session.set_costs(lp.extra[nodes], cost)
        try:
            _, _, rates = self._solve(
                nodes,
                np.zeros(nodes.size),
                "mitigation sizing",
                lambda _: np.maximum(session.values(lp.extra[nodes]), 0.0),
            )
        finally:
            session.set_col_bounds(lp.extra[nodes], 0.0, 0.0)
            session.set_costs(lp.extra[nodes], 0.0)
            session.set_col_bounds([lp.s], 1.0 / lp.horizon, INF)
        return rates
