"""U.S. rack factories: line simulation, bottlenecks, and a capacity and ramp plan per generation.

Inputs (typed, loaded at the edge):

- ``load_factory(path, catalog) -> FactoryData``: sites, line types and stations, generation
  profiles, costs (``factory/data/factory.toml`` by default);
- ``rack_products(catalog, analyses, costs) -> {id: RackProduct}``: power, GPUs and trays of
  each rack design from the rack stage's analyses, its cost from the BOM stage;
- the build plan as ``BuildOrder(rack_id, period, racks)`` and each site's ``SiteShare``
  (``builds_from_scenario``, ``shares_from_scenario``), all four in ``FactoryInputs``.

Engines (pure):

- ``simulate_factory(SimulationRequest, executor) -> FactorySimulation``: the SimPy line model of
  every site, replicated (in parallel through the explore executors);
- ``plan_ramp(RampRequest) -> RampPlan``: the MILP of lines, shifts and people per site and
  quarter, with the elastic shortfall;
- ``run_queue_bench(QueueSystem, BenchRun, executor) -> QueueBenchResult``: the same engine on
  M/M/1, M/M/c and tandem queues, against their closed forms.
"""

from rackwright.factory.buildplan import (
    BuildOrder,
    SiteShare,
    builds_from_scenario,
    shares_from_scenario,
)
from rackwright.factory.engine import simulate_factory
from rackwright.factory.inputs import FactoryInputs
from rackwright.factory.loader import load_factory
from rackwright.factory.models import FactoryData
from rackwright.factory.products import RackProduct, catalog_products, rack_products
from rackwright.factory.queueing import (
    BenchRun,
    QueueBenchResult,
    QueueSystem,
    queue_system,
    run_queue_bench,
)
from rackwright.factory.ramp import plan_ramp
from rackwright.factory.ramp_data import RampRequest
from rackwright.factory.ramp_result import RampPlan
from rackwright.factory.results import FactorySimulation
from rackwright.factory.site_model import SimulationRequest

__all__ = [
    "BenchRun",
    "BuildOrder",
    "FactoryData",
    "FactoryInputs",
    "FactorySimulation",
    "QueueBenchResult",
    "QueueSystem",
    "RackProduct",
    "RampPlan",
    "RampRequest",
    "SimulationRequest",
    "SiteShare",
    "builds_from_scenario",
    "catalog_products",
    "load_factory",
    "plan_ramp",
    "queue_system",
    "rack_products",
    "run_queue_bench",
    "shares_from_scenario",
    "simulate_factory",
]
