"""What a rack's TCO buys: cost per million tokens, per training run, per watt and per dollar.

A rack delivers ``tokens_per_s_per_gpu x GPUs`` while busy and is busy ``utilisation`` of the
year; cost per million tokens is the rack-year's TCO over the million tokens of that year. A
training run occupies whole racks for its days, so it costs racks x days / 365 x TCO per
rack-year. Performance per watt is tokens/s per kW of facility power (typical power x PUE).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from rackwright.demand.rates import WorkRate
from rackwright.errors import InputError
from rackwright.finance.tco import HOURS_PER_YEAR, RackTco

SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600.0
DAYS_PER_YEAR = HOURS_PER_YEAR / 24.0


@dataclass(frozen=True)
class WorkloadEconomics:
    """One workload on one rack design: what its work costs."""

    workload: str
    kind: str
    rack: str
    tokens_per_s_per_gpu: float
    tokens_per_rack_year: float
    usd_per_million_tokens: float
    tokens_per_s_per_kw: float
    tokens_per_usd: float
    run_racks: int
    run_days: float
    run_cost_usd: float
    basis: str

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)


def useful_tokens_per_rack_year(tco: RackTco, rate: WorkRate, utilisation: float) -> float:
    """Tokens one rack delivers in a year at ``utilisation``."""
    return rate.tokens_per_s_per_gpu * tco.gpus * SECONDS_PER_YEAR * utilisation


def workload_economics(tco: RackTco, rate: WorkRate, utilisation: float) -> WorkloadEconomics:
    """Cost of ``rate``'s work on the rack whose TCO is ``tco``."""
    if rate.rack != tco.rack:
        raise InputError(
            f"work rate is for rack '{rate.rack}', the TCO for '{tco.rack}'",
            field="rack",
            value=rate.rack,
        )
    tokens = useful_tokens_per_rack_year(tco, rate, utilisation)
    racks = math.ceil(rate.run_gpus / tco.gpus) if rate.run_gpus else 0
    return WorkloadEconomics(
        workload=rate.workload,
        kind=rate.kind,
        rack=rate.rack,
        tokens_per_s_per_gpu=rate.tokens_per_s_per_gpu,
        tokens_per_rack_year=tokens,
        usd_per_million_tokens=tco.tco_usd_per_rack_year / (tokens / 1e6),
        tokens_per_s_per_kw=rate.tokens_per_s_per_gpu * tco.gpus / (tco.facility_power_w / 1e3),
        tokens_per_usd=tokens / tco.tco_usd_per_rack_year,
        run_racks=racks,
        run_days=rate.run_days,
        run_cost_usd=racks * rate.run_days / DAYS_PER_YEAR * tco.tco_usd_per_rack_year,
        basis=rate.basis,
    )
