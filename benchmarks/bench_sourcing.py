"""Sourcing at scale: the proof search against HiGHS on the plain model, and against the old code.

``python -m benchmarks.bench_sourcing [default | PARTS SITES PERIODS] [--limit S] [--workers N]
[--before DIR]``

- ``default``: the embedded default scenario's sourcing problem (scenario floors, policy.toml);
  otherwise a generated instance (``sourcing.generate``, seed 2026), 2,000 x 40 x 12 by default.
- **proof search**: ``solve_sourcing`` to a proven 1e-4 gap, one thread, no time limit (it stops
  on the gap or on its work limits); its part MILPs on ``--workers`` processes (default 1; the
  plan and bound are the same for any count, CPU time counts this process only);
- **HiGHS, plain model**: the same MILP without the cover cuts, handed to HiGHS whole (one
  thread, 1e-4 gap) with a ``--limit`` second wall-clock cap (default 60);
- **before**: with ``--before DIR`` (a checkout of the code before the proof search, e.g.
  ``git archive 9ae1de3 src | tar -x -C DIR``) that code's own benchmark on the same instance, in
  a subprocess, in the same run.

Wall and CPU seconds are both printed: on a shared machine CPU time is the steadier figure.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

from rackwright.optim import SolveOptions, solve
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.generate import generate_problem
from rackwright.sourcing.milp import build_model
from rackwright.sourcing.problem import SourcingProblem

GAP = 1e-4


def default_problem() -> SourcingProblem:
    """The embedded default scenario's sourcing problem under the package rules."""
    from rackwright.plan import InputRequest, prepare
    from rackwright.sourcing.stage import scenario_problem

    return scenario_problem(prepare(InputRequest()))


def proof_search(problem: SourcingProblem, workers: int = 1) -> str:
    """One line: the proof search's wall and CPU time, plan, bound, gap and why it stopped."""
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    options = SolveOptions(mip_rel_gap=GAP, threads=1, workers=workers)
    result = solve_sourcing(problem, options, explain=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    workers_cpu = _children_cpu() - children
    return (
        f"proof search      : {workers} worker(s), {wall:6.1f} s wall, {cpu:6.1f} s CPU "
        f"(+{workers_cpu:.1f} s in worker processes), load average {os.getloadavg()[0]:.1f}; plan "
        f"{result.objective_usd:,.0f} USD, bound {result.bound_usd:,.0f}, gap {result.mip_gap:.2e} "
        f"({result.gap_usd:,.0f} USD), stopped: {result.stopped_by}"
    )


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes (the part-MILP workers)."""
    times = os.times()
    return times.children_user + times.children_system


def plain_highs(problem: SourcingProblem, limit_s: float) -> str:
    """One line: HiGHS alone on the model without cover cuts, to the gap or the time cap."""
    built = build_model(problem, cover_cuts=False)
    wall, cpu = time.perf_counter(), time.process_time()
    result = solve(built.model, SolveOptions(mip_rel_gap=GAP, threads=1, time_limit_s=limit_s))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    plan = f"plan {result.objective:,.0f} USD" if result.has_solution else "no plan"
    return (
        f"HiGHS, plain model: {wall:6.1f} s wall, {cpu:6.1f} s CPU; {plan}, bound "
        f"{result.dual_bound:,.0f}, gap {result.mip_gap:.2e}, status {result.status.value}"
    )


def before(directory: Path, args: list[str], limit_s: float) -> str:
    """The old code's own benchmark (or ``rackwright source``) on the same instance."""
    env = {**os.environ, "PYTHONPATH": str(directory / "src")}
    if args == ["default"]:
        script = (
            "import time,json,sys;from rackwright.cli.app import main;t=time.perf_counter();"
            f"main(['source','--dual-share','0','--gap','{GAP}','--time-limit','{limit_s}',"
            "'--json'])"
        )
        command = [sys.executable, "-c", script]
    else:
        command = [sys.executable, "-m", "benchmarks.bench_sourcing", *args, str(limit_s)]
    began = time.perf_counter()
    out = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if args == ["default"]:
        import json

        try:
            data = json.loads(out.stdout)
        except json.JSONDecodeError:
            return f"before (old code): failed: {out.stderr.strip()[-200:]}"
        return (
            f"before (old code) : {wall:6.1f} s wall (whole command, --dual-share 0); plan "
            f"{data['objective_usd'] or float('nan'):,.0f} USD, gap {data['mip_gap']}, status "
            f"{data['status']}"
        )
    lines = [line for line in out.stdout.splitlines() if line.startswith("solve")]
    return f"before (old code) : {lines[-1] if lines else out.stderr.strip()[-200:]}"


def main(argv: list[str] | None = None) -> None:
    """Print the instance, then one line per method."""
    args = sys.argv[1:] if argv is None else list(argv)
    limit = 60.0
    old: Path | None = None
    workers = 1
    if "--workers" in args:
        i = args.index("--workers")
        workers = int(args[i + 1])
        del args[i : i + 2]
    if "--limit" in args:
        i = args.index("--limit")
        limit = float(args[i + 1])
        del args[i : i + 2]
    if "--before" in args:
        i = args.index("--before")
        old = Path(args[i + 1])
        del args[i : i + 2]
    if args[:1] == ["default"]:
        problem, args = default_problem(), ["default"]
    else:
        parts, sites, periods = (int(a) for a in (args[:3] if len(args) >= 3 else (2000, 40, 12)))
        problem = generate_problem(parts=parts, sites=sites, periods=periods, seed=2026)
        args = [str(parts), str(sites), str(periods)]
    model = build_model(problem).model
    print(
        f"instance {' x '.join(args)}: {len(problem.parts)} parts, {len(problem.offers)} offers, "
        f"{len(problem.periods)} quarters; model {model.num_col:,} columns "
        f"({int(model.integer.sum()):,} integer), {model.num_row:,} rows, {model.num_nz:,} nz",
        flush=True,
    )
    print(proof_search(problem, workers), flush=True)
    print(plain_highs(dataclasses.replace(problem), limit), flush=True)
    if old is not None:
        print(before(old, args, limit), flush=True)


if __name__ == "__main__":
    main()
