"""Per station and rack design: how long the work takes, and how often it passes.

Process and rework stations take their cycle time per work unit times the units in the rack
(18 compute trays, 72 Kyber blades), divided among the ``parallel_units`` one server (a cell of
benches) works at once; test stations take a fixed time plus time per GPU plus time
per kW of rack power, so a 600 kW rack burns in longer than a 140 kW one. A kit passes a tray
station when every tray does (unit yield ^ trays). A new generation fails more often: each unit's
failure rate starts at the profile's multiple of the mature rate and the excess halves every
``halving_quarters`` (the yield learning curve).
"""

from __future__ import annotations

from rackwright.factory.distributions import ServiceTime
from rackwright.factory.models import resolve, station_distribution, station_yield
from rackwright.factory.products import RackProduct
from rackwright.factory.spec import Profile, StationKind, StationSpec

MAX_FAILURE = 0.9  # a kit always keeps a one-in-ten chance to pass, so learning never traps it


def work_time_s(station: StationSpec, profile: Profile, product: RackProduct) -> float:
    """Mean seconds of work ``station`` spends on one rack kit of ``product``."""
    if station.kind is StationKind.TEST:
        base = resolve(station, profile, "base_time_s") or 0.0
        per_gpu = resolve(station, profile, "time_per_gpu_s") or 0.0
        per_kw = resolve(station, profile, "time_per_kw_s") or 0.0
        return float(base + per_gpu * product.gpus_count + per_kw * product.power_max_w / 1e3)
    cycle = float(resolve(station, profile, "cycle_time_s") or 0.0)
    units = product.units(station.unit)
    return cycle * units / min(station.parallel_units, units)


def learning_multiplier(profile: Profile, quarters_since_launch: int) -> float:
    """Failure-rate multiple of a generation ``quarters_since_launch`` quarters after its first."""
    learning = profile.learning
    excess = learning.initial_failure_multiplier - 1.0
    decay = 0.5 ** (max(quarters_since_launch, 0) / learning.halving_quarters)
    return 1.0 + excess * float(decay)


def pass_probability(
    station: StationSpec, profile: Profile, product: RackProduct, quarters_since_launch: int = 99
) -> float:
    """Probability a kit passes ``station`` first time (a rework station: is repaired).

    Learning multiplies each work unit's failure rate; the kit passes when all its units do.
    """
    unit_yield = station_yield(station, profile)
    if station.kind is StationKind.REWORK:
        return unit_yield
    unit_failure = (1.0 - unit_yield) * learning_multiplier(profile, quarters_since_launch)
    kit_pass = max(1.0 - unit_failure, 0.0) ** product.units(station.unit)
    return max(kit_pass, 1.0 - MAX_FAILURE)


def service_time(station: StationSpec, profile: Profile, product: RackProduct) -> ServiceTime:
    """The cycle-time distribution of ``station`` for one kit of ``product``."""
    kind, cv = station_distribution(station, profile)
    return ServiceTime(kind, work_time_s(station, profile, product), cv)
