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
    from rackwright.finance import decide
    from rackwright.finance.stage import DECISION
    from rackwright.plan import InputRequest, prepare, run_only

    inputs = prepare(InputRequest())
    start = time.perf_counter()
    decision = run_only(inputs, DECISION.key).result(DECISION).decision
    chain_s = time.perf_counter() - start
    assert decision is not None
    ranges = inputs.finance.ranges
    seconds = _best(lambda: decide(decision.inputs, ranges), repeat=1)
    print(
        f"default decision: {decision.verdict.value}; the plan's stages up to the decision "
        f"{chain_s:.2f} s, decide (12 flip points, {len(decision.tornado.bars)} tornado bars) "
        f"{seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
