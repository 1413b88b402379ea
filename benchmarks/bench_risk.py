"""Supply-disruption risk at scale.

1. TTR and TTS for every node (and every country group) of a generated five-tier network of
   5,000 nodes, on 1 and 2 local processes (target: under 60 s on 2 cores).
2. Monte Carlo: 100,000 seeded trials on a generated network the size of the default plan's
   (about 170 sites: 164 supplier offers, 3 integration sites, 3 rack products), local against
   Ray, with the same numbers.

3. ``plan``: the plan's own network (the risk stage's, from the default scenario's BOM and
   sourcing, or SCENARIO's): 100,000 seeded trials local against Ray, same numbers; and the
   stage's own work at its default trial count.

``python -m benchmarks.bench_risk [NODES [TRIALS [MC_NODES]]]``; ``RISK_BENCH_SKIP=ttr`` or
``=mc`` skips a part; ``python -m benchmarks.bench_risk plan [TRIALS [SCENARIO]]`` runs part 3.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

from rackwright.bom.stage import BOM
from rackwright.explore.executors import make_executor
from rackwright.plan import InputRequest, prepare, run_plan
from rackwright.risk import SupplyNetwork, analyze, network_scenarios, simulate
from rackwright.risk.generate import generate_network
from rackwright.risk.lp import build_disruption_lp
from rackwright.risk.network_from_plan import network_from_plan
from rackwright.risk.stage import DEFAULT_TRIALS, assess
from rackwright.sourcing.stage import SOURCING


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished worker processes."""
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def bench_ttr(nodes: int) -> None:
    """Every scenario of a generated network, 1 then 2 worker processes."""
    start = time.perf_counter()
    net = generate_network(nodes, 5, seed=2026)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    model = build_disruption_lp(net).model
    built = time.perf_counter() - start
    scenarios = network_scenarios(net)
    print(
        f"network {len(net.nodes):,} nodes, {len(net.edges):,} edges, 5 tiers, "
        f"{len(net.groups)} country groups -> {len(scenarios):,} scenarios; LP {model.num_col:,} "
        f"columns, {model.num_row:,} rows, {model.num_nz:,} non-zeros "
        f"(generate {generated:.2f} s, build {built:.3f} s)",
        flush=True,
    )
    reference = None
    for workers in (1, 2):
        started, cpu = time.perf_counter(), _cpu_seconds()
        with make_executor("local", workers=workers) as executor:
            analysis = analyze(net, scenarios, executor=executor)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu
        same = "" if reference is None else f", same numbers as 1 worker: {analysis == reference}"
        reference = reference or analysis
        print(
            f"  TTR+TTS all scenarios, {workers} worker(s): {seconds:.1f} s ({cpu:.1f} CPU-s), "
            f"{analysis.lp_solves:,} LP solves ({1000 * seconds / analysis.lp_solves:.1f} ms "
            f"each), {len(analysis.red_flags()):,} red flags{same}",
            flush=True,
        )


def bench_montecarlo(trials: int, nodes: int) -> None:
    """``trials`` seeded trials, local (1 and 2 processes) and Ray (2 CPUs)."""
    net = generate_network(nodes, 4, seed=7)
    print(
        f"Monte Carlo network: {len(net.nodes)} nodes, {len(net.edges)} edges, "
        f"{len(net.groups)} country groups; default events; {trials:,} trials, seed 2026"
    )
    compare_executors(net, trials, 2026)


def compare_executors(net: SupplyNetwork, trials: int, seed: int) -> None:
    """``trials`` seeded trials of ``net`` on local 1 and 2 processes and Ray with 2 CPUs."""
    results = {}
    for name, workers in (("local", 1), ("local", 2), ("ray", 2)):
        started = time.perf_counter()
        with make_executor(name, workers=workers) as executor:
            result = simulate(net, trials=trials, seed=seed, executor=executor)
        seconds = time.perf_counter() - started
        results[(name, workers)] = result
        var = {t.level: t.var for t in result.loss.tails}
        cvar = {t.level: t.cvar for t in result.loss.tails}
        print(
            f"  {name} x{workers}: {seconds:.1f} s; mean loss {result.loss.mean:,.2f}, "
            f"VaR95 {var[0.95]:,.2f}, CVaR95 {cvar[0.95]:,.2f}, VaR99 {var[0.99]:,.2f}, "
            f"CVaR99 {cvar[0.99]:,.2f}; mean lost racks {result.lost_units.mean:.4f}; "
            f"{result.multi_event_trials:,} multi-event trials, {result.lp_solves:,} LP solves",
            flush=True,
        )
    first = next(iter(results.values())).to_json()
    print(f"  identical on every executor: {all(r.to_json() == first for r in results.values())}")


def bench_plan(trials: int, scenario: Path | None) -> None:
    """The plan's network: Monte Carlo per executor, then the stage's work at its defaults."""
    inputs = prepare(InputRequest(scenario=scenario))
    started = time.perf_counter()
    run = run_plan(inputs, only=["sourcing"]).run
    solved = time.perf_counter() - started
    plan = network_from_plan(inputs, run.result(BOM), run.result(SOURCING).plan)
    net = plan.network
    print(
        f"plan network of {inputs.scenario_file}, window {plan.window}: {len(net.nodes)} nodes, "
        f"{len(net.edges)} edges, {len(net.groups)} groups; {plan.basis} (BOM + sourcing "
        f"{solved:.1f} s); default events; {trials:,} trials, seed {inputs.settings.seed}",
        flush=True,
    )
    compare_executors(net, trials, inputs.settings.seed)
    started = time.perf_counter()
    analysis = analyze(net)
    analysed = time.perf_counter() - started
    started = time.perf_counter()
    assessment = assess(plan, trials=DEFAULT_TRIALS, seed=inputs.settings.seed, executor="local")
    print(
        f"  stage work: TTR+TTS of {len(analysis.scenarios)} scenarios {analysed:.2f} s; "
        f"everything at {DEFAULT_TRIALS:,} trials {time.perf_counter() - started:.2f} s "
        f"({len(assessment.analysis.red_flags())} red flags)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    """Run the parts (see the module docstring)."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "plan":
        trials = int(args[1]) if len(args) > 1 else 100_000
        bench_plan(trials, Path(args[2]) if len(args) > 2 else None)
        return
    nodes = int(args[0]) if args else 5000
    trials = int(args[1]) if len(args) > 1 else 100_000
    mc_nodes = int(args[2]) if len(args) > 2 else 170
    skip = os.environ.get("RISK_BENCH_SKIP", "")
    if skip != "ttr":
        bench_ttr(nodes)
    if skip != "mc":
        bench_montecarlo(trials, mc_nodes)


if __name__ == "__main__":
    main()
