"""OR-Library capacitated warehouse location (Beasley): reader and MILP.

File format (token based, so wrapped customer lines are fine): ``m n``; m pairs
``capacity fixed_cost`` (the capacity may be the literal word ``capacity``, to be replaced by an
override); then per customer its demand and m costs of serving its *whole* demand from each
warehouse. Model (whose optimum equals the published values)::

    min  sum_i f_i y_i + sum_ij c_ij x_ij
    s.t. sum_i x_ij = 1 (every customer j);  sum_j d_j x_ij <= Cap_i y_i (capacitated case)
         x_ij <= y_i;  y binary;  0 <= x <= 1
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rackwright.errors import InputError
from rackwright.fileio import read_text
from rackwright.optim import ModelBuilder, SolveOptions, SolveStatus, SparseModel, solve
from rackwright.optim.model import FloatArray, IntArray

CAPACITY_WORD = "capacity"


@dataclass(frozen=True)
class CflpInstance:
    """A capacitated facility-location instance.

    ``capacity`` is NaN for warehouses whose file says ``capacity`` and no override was given.
    ``assign_cost[i, j]`` is the cost of serving customer j's whole demand from warehouse i.
    """

    name: str
    capacity: FloatArray
    fixed_cost: FloatArray
    demand: FloatArray
    assign_cost: FloatArray

    @property
    def num_warehouses(self) -> int:
        """m."""
        return int(self.capacity.shape[0])

    @property
    def num_customers(self) -> int:
        """n."""
        return int(self.demand.shape[0])


@dataclass(frozen=True)
class CflpResult:
    """A solved instance: status, objective, the open warehouses and solve time."""

    name: str
    capacitated: bool
    status: SolveStatus
    objective: float
    open_warehouses: tuple[int, ...]
    mip_gap: float
    seconds: float


def _tokens(text: str) -> list[tuple[str, int]]:
    """Every whitespace-separated token with its 1-based line number."""
    return [
        (token, number)
        for number, line in enumerate(text.splitlines(), start=1)
        for token in line.split()
    ]


def parse_cflp(text: str, file: str, *, capacity_override: float | None = None) -> CflpInstance:
    """Parse OR-Library cap* text; errors name the file, line and bad token."""
    tokens = _tokens(text)
    position = 0

    def take(what: str, *, allow_word: bool = False) -> float:
        nonlocal position
        if position >= len(tokens):
            last_line = tokens[-1][1] if tokens else None
            raise InputError(f"file ends early: expected {what}", file=file, line=last_line)
        token, line = tokens[position]
        position += 1
        if allow_word and token.lower() == CAPACITY_WORD:
            return math.nan if capacity_override is None else float(capacity_override)
        try:
            value = float(token)
        except ValueError:
            raise InputError(
                f"expected a number for {what}", file=file, line=line, value=token
            ) from None
        if not math.isfinite(value) or value < 0:
            raise InputError(
                f"{what} must be a finite non-negative number", file=file, line=line, value=token
            )
        return value

    def take_count(what: str) -> int:
        line = tokens[position][1] if position < len(tokens) else None
        value = take(what)
        if value != int(value) or value < 1:
            raise InputError(
                f"{what} must be a positive whole number", file=file, line=line, value=value
            )
        return int(value)

    m = take_count("the number of warehouses")
    n = take_count("the number of customers")
    capacity = np.empty(m)
    fixed = np.empty(m)
    for i in range(m):
        capacity[i] = take(f"warehouse {i + 1} capacity", allow_word=True)
        fixed[i] = take(f"warehouse {i + 1} fixed cost")
    demand = np.empty(n)
    cost = np.empty((m, n))
    for j in range(n):
        demand[j] = take(f"customer {j + 1} demand")
        for i in range(m):
            cost[i, j] = take(f"customer {j + 1} cost from warehouse {i + 1}")
    if position < len(tokens):
        token, line = tokens[position]
        raise InputError(f"unexpected data after {n} customers", file=file, line=line, value=token)
    return CflpInstance(
        name=Path(file).stem, capacity=capacity, fixed_cost=fixed, demand=demand, assign_cost=cost
    )


def read_cflp(path: Path, *, capacity_override: float | None = None) -> CflpInstance:
    """Read an OR-Library capacitated warehouse-location file."""
    return parse_cflp(read_text(path), str(path), capacity_override=capacity_override)


@dataclass(frozen=True)
class CflpModel:
    """The MILP of an instance with the column indices of y (open) and x (assign, m x n)."""

    model: SparseModel
    y: IntArray
    x: IntArray


def build_cflp_model(instance: CflpInstance, *, capacitated: bool = True) -> CflpModel:
    """The facility-location MILP, assembled from numpy index arrays."""
    m, n = instance.num_warehouses, instance.num_customers
    if capacitated and np.isnan(instance.capacity).any():
        raise InputError(
            f"instance '{instance.name}' gives capacity as the word 'capacity': "
            "pass a capacity override (--capacity N) or solve it uncapacitated",
            field="capacity",
        )
    b = ModelBuilder()
    y = b.add_vars(m, cost=instance.fixed_cost, upper=1.0, integer=True)
    x = b.add_vars(m * n, cost=instance.assign_cost.ravel(), upper=1.0).reshape(m, n)
    ii, jj = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    assign = b.add_rows(n, lower=1.0, upper=1.0)
    b.add_coeffs(assign[jj], x, 1.0)
    link = b.add_rows(m * n, upper=0.0).reshape(m, n)
    b.add_coeffs(link, x, 1.0)
    b.add_coeffs(link, y[ii], -1.0)
    if capacitated:
        cap = b.add_rows(m, upper=0.0)
        b.add_coeffs(cap[ii], x, instance.demand[jj])
        b.add_coeffs(cap, y, -instance.capacity)
        # total capacity of open warehouses covers total demand: a valid cut that helps the MIP
        cover = b.add_rows(1, lower=float(instance.demand.sum()))
        b.add_coeffs(cover[0], y, instance.capacity)
    return CflpModel(model=b.build(), y=y, x=x)


def solve_cflp(
    instance: CflpInstance,
    *,
    capacitated: bool = True,
    options: SolveOptions | None = None,
) -> CflpResult:
    """Solve an instance to (near) proven optimality.

    The default gap is tight enough that the objective matches published optima to 1e-3.
    """
    built = build_cflp_model(instance, capacitated=capacitated)
    opts = options or SolveOptions(mip_rel_gap=1e-10, mip_abs_gap=1e-4)
    result = solve(built.model, opts)
    opened: tuple[int, ...] = ()
    objective = result.objective
    if result.has_solution:
        y = result.x[built.y]
        opened = tuple(int(i) for i in np.flatnonzero(y > 0.5))
        # price the plan with exact 0/1 openings: integrality tolerance must not move the figure
        x = result.x[built.x]
        objective = float(
            instance.fixed_cost[list(opened)].sum() + (instance.assign_cost * x).sum()
        )
    return CflpResult(
        name=instance.name,
        capacitated=capacitated,
        status=result.status,
        objective=objective,
        open_warehouses=opened,
        mip_gap=result.mip_gap,
        seconds=result.seconds,
    )
