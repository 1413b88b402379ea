"""Design-space search throughput: configurations evaluated per second.

Sweeps every catalog system over GPU counts 64..16384 for a dense and a MoE model and reports
configs_evaluated / seconds for the whole search (enumeration, core evaluation, pruning, top-K and
Pareto), on one thread and on two processes. Run: ``.venv/bin/python -m benchmarks.bench_explore``.
"""

from __future__ import annotations

import os
import platform

from rackwright.catalog import load_catalog
from rackwright.explore import LocalExecutor, explore, make_job, system_choices
from rackwright.perf.models import load_models

CASES = (("llama3-70b", 15e12, 8192), ("deepseek-v3", 15e12, 4096))


def main() -> None:
    """Print configs/s per case and executor setting (best of three runs)."""
    catalog = load_catalog([])
    systems = sorted(catalog.entries["system"])
    print(f"cpu: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    for model_id, tokens, seq in CASES:
        model = load_models()[model_id]
        choices = system_choices(catalog, systems, "us-avg", 64, 16384)
        job = make_job(model, tokens, "fp8", seq)
        for workers, processes, how in ((1, False, "1 thread"), (2, True, "2 processes")):
            executor = LocalExecutor(workers, processes=processes)
            runs = [
                explore(model, choices, job, objective="cost", executor=executor) for _ in range(3)
            ]
            best = min(runs, key=lambda r: r.seconds)
            print(
                f"{model_id}: {best.configs_evaluated:,} configs evaluated "
                f"({best.configs_valid:,} valid) in {best.seconds:.2f} s = "
                f"{best.configs_per_s:,.0f} configs/s on {how}, {len(systems)} systems"
            )


if __name__ == "__main__":
    main()
