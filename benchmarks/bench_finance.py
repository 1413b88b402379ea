"""Finance: lattice speed and accuracy against Black-Scholes, and the purchase decision's time.

``python -m benchmarks.bench_finance``: a European call on the lattice at 100..5,000 steps
(value, error against Black-Scholes, seconds; best of three), an American put at 1,000 steps,
and the default scenario's decision (verdict, 12 drivers' flip points, NPV tornado).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rackwright.finance.option import ExerciseStyle, OptionKind, OptionSpec, black_scholes, lattice


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print lattice figures, then the decision's."""
    call = OptionSpec(100.0, 100.0, 0.05, 0.2, 1.0)
    exact = black_scholes(call)
    print(f"European call S=K=100 r=5% vol=20% T=1: Black-Scholes {exact:.6f}")
    print(f"{'steps':>6} {'lattice':>10} {'rel. error':>11} {'seconds':>9}")
    for steps in (100, 500, 1000, 2000, 5000):
        value = lattice(call, steps).value
        seconds = _best(lambda s=steps: lattice(call, s))
        print(f"{steps:>6} {value:>10.6f} {(value - exact) / exact:>+11.2e} {seconds:>9.4f}")
    put = OptionSpec(
        100.0, 100.0, 0.05, 0.2, 1.0, kind=OptionKind.PUT, style=ExerciseStyle.AMERICAN
    )
    print(
        f"American put, 1000 steps: {lattice(put, 1000).value:.6f} in "
        f"{_best(lambda: lattice(put, 1000)):.4f} s"
    )
    _decision()


def _decision() -> None:
    from rackwright.cli.engine_inputs import upstream
    from rackwright.finance import decide, load_finance_defaults
    from rackwright.finance.adapters import alternative_racks, decision_inputs
    from rackwright.plan import InputRequest, prepare

    inputs = prepare(InputRequest())
    option = inputs.scenario.purchase_option
    assert option is not None
    start = time.perf_counter()
    up = upstream(inputs, [*alternative_racks(inputs.scenario, inputs.catalog), option.rack])
    chain_s = time.perf_counter() - start
    defaults = load_finance_defaults(inputs.catalog)
    specs = decision_inputs(inputs.scenario, inputs.catalog, defaults, up.rates, up.analyses)
    seconds = _best(lambda: decide(specs, defaults.ranges), repeat=1)
    decision = decide(specs, defaults.ranges)
    print(
        f"default decision: {decision.verdict.value}; upstream stages {chain_s:.2f} s, "
        f"decide (12 flip points, {len(decision.tornado.bars)} tornado bars) {seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
