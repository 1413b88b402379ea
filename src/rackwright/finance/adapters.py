"""Adapter layer: the finance engine's typed inputs from catalog entries and upstream results.

A rack's capex is the BOM stage's price (``capex_from_price``; the sourcing plan's landed cost
can replace it the same way); the engine itself only ever sees a ``RackCapex`` with its label.
An alternative bought on the market carries its catalog price, labelled ``market-price`` with
the entry's sources. Rack power is the rack analysis's (sum of components, the rack stage's
figure); the network share comes from ``catalog.fabric_sizing``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from rackwright.bom.stage import RackPrice
from rackwright.catalog.catalog import Catalog
from rackwright.catalog.fabric_sizing import size_system_fabric
from rackwright.demand.rates import WorkRate
from rackwright.errors import InputError
from rackwright.finance.assumptions import FinanceDefaults, Uncertainty
from rackwright.finance.decision import DecisionInputs, OptionTerms, SystemOffer
from rackwright.finance.tco import (
    CostSource,
    FacilityEconomics,
    NetworkShare,
    RackCapex,
    RackTcoInputs,
)
from rackwright.rack import RackAnalysis
from rackwright.scenario import DemandSpec, Scenario

Z_95 = 1.6449  # standard normal 95th percentile: low/high cases read as 5th/95th percentiles


def capex_from_price(price: RackPrice) -> RackCapex:
    """A rack's capex from the BOM stage's price, labelled with its basis.

    The BOM stage falls back to the catalog list price when a BOM cannot be priced; that figure
    keeps its own label (``list-price-fallback``) so no report mistakes it for a roll-up.
    """
    fallback = price.basis.startswith("catalog list price")
    source = CostSource.LIST_PRICE_FALLBACK if fallback else CostSource.BOM_ROLLUP
    return RackCapex(price.usd, source, price.basis)


def market_capex(catalog: Catalog, rack_id: str) -> RackCapex:
    """An alternative's market price from the catalog, labelled with its sources."""
    rack = catalog.rack(rack_id)
    cited = ", ".join(rack.provenance_of("price_usd").sources)
    return RackCapex(rack.price_usd, CostSource.MARKET_PRICE, f"catalog market price ({cited})")


def network_share(catalog: Catalog, rack_id: str, cluster_gpus: int) -> NetworkShare:
    """The rack's share of its system's scale-out fabric sized for a cluster of whole racks."""
    rack = catalog.rack(rack_id)
    system = catalog.system(rack.system)
    rack_gpus = rack.systems_count * system.gpus_count
    racks = max(1, math.ceil(cluster_gpus / rack_gpus))
    sizing = size_system_fabric(system, catalog.fabric(system.scaleout_fabric), racks * rack_gpus)
    return NetworkShare.of(sizing, racks)


def rack_inputs(
    catalog: Catalog, analysis: RackAnalysis, capex: RackCapex, cluster_gpus: int
) -> RackTcoInputs:
    """TCO inputs of a rack: its capex (given), engineered power and network share."""
    rack_id = analysis.rack_id
    return RackTcoInputs(
        rack_id=rack_id,
        gpus_count=analysis.gpus_count,
        capex=capex,
        power_typical_w=analysis.power_typical_w,
        power_provisioned_w=analysis.power_max_w,
        network=network_share(catalog, rack_id, cluster_gpus),
    )


def demand_volatility(spec: DemandSpec | None, kind: str, fallback: Uncertainty) -> Uncertainty:
    """Demand volatility from the spread of the demand cases' growth (lowest and highest read as
    5th and 95th percentiles of a yearly log-growth); the default when there is one case or none."""
    if spec is None or len(spec.case) < 2:
        return fallback
    growth = [
        c.training_compute_growth_per_year
        if kind == "train"
        else c.inference_tokens_growth_per_year
        for c in spec.case
    ]
    low, high = 1.0 + min(growth), 1.0 + max(growth)
    if low <= 0 or high <= low:
        return fallback
    sigma = (math.log(high) - math.log(low)) / (2 * Z_95)
    basis = f"demand cases {min(growth):+.0%} to {max(growth):+.0%} a year as 5th-95th pct"
    return replace(fallback, demand_volatility_per_year=sigma, demand_volatility_basis=basis)


def option_workload(scenario: Scenario) -> str:
    """The option's unit of useful work: its workload, else the first inference workload."""
    option = scenario.purchase_option
    if option is not None and option.workload is not None:
        return option.workload
    serving = scenario.inference()
    return serving[0].id if serving else scenario.workloads[0].id


def alternative_racks(scenario: Scenario, catalog: Catalog) -> list[str]:
    """The option's alternatives: as listed, else every reference rack (generation 0)."""
    option = scenario.purchase_option
    if option is None:
        return []
    if option.alternatives:
        return list(option.alternatives)
    return [r.id for r in catalog.racks() if r.generation == 0 and r.id != option.rack]


def decision_inputs(
    scenario: Scenario,
    catalog: Catalog,
    defaults: FinanceDefaults,
    rates: Sequence[WorkRate],
    analyses: Mapping[str, RackAnalysis],
    throughput: tuple[float, str] = (1.0, "model prediction (no evaluation)"),
) -> DecisionInputs:
    """The purchase decision's inputs for ``scenario``'s [purchase_option]."""
    option = scenario.purchase_option
    if option is None:
        raise InputError("the scenario has no [purchase_option]", field="purchase_option")
    workload = option_workload(scenario)
    kind = next(w.kind for w in scenario.workloads if w.id == workload)
    cluster = defaults.assumptions.cluster_gpus

    def offer(rack_id: str, capex: RackCapex, ratio: tuple[float, str]) -> SystemOffer:
        rate = next((r for r in rates if r.rack == rack_id and r.workload == workload), None)
        if rate is None:
            raise InputError(f"{workload} cannot run on {rack_id}", field="rack", value=rack_id)
        inputs = rack_inputs(catalog, analyses[rack_id], capex, cluster)
        return SystemOffer(inputs, rate, *ratio)

    price = RackCapex(option.price_usd_per_rack, CostSource.OPTION_PRICE, "option price")
    alternatives = [
        offer(r, market_capex(catalog, r), (1.0, "model prediction"))
        for r in alternative_racks(scenario, catalog)
    ]
    terms = OptionTerms(
        rack=option.rack,
        racks=option.racks,
        price_usd_per_rack=option.price_usd_per_rack,
        years_to_deadline=(option.deadline - option.delivery).days / 365.25,
        delivery=option.delivery.isoformat(),
        deadline=option.deadline.isoformat(),
    )
    return DecisionInputs(
        terms=terms,
        option=offer(option.rack, price, throughput),
        alternatives=tuple(alternatives),
        facility=FacilityEconomics.of(catalog.facility(scenario.facility)),
        assumptions=defaults.assumptions,
        uncertainty=demand_volatility(scenario.demand, kind, defaults.uncertainty),
    )
