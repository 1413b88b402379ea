"""The BOM stage: each scenario generation's BOM, expanded once, priced, and its domestic content.

Each generation is priced in its first year two ways: the cheapest offer per part (the baseline,
and the rack's cost everywhere downstream) and the cheapest domestic offer where one can ship
(what U.S. sourcing can reach). A part's need is the scenario's peak quarterly build of that rack
in that year (or its peak in any year), filled up to each offer's capacity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rackwright.bom.domestic import DomesticResult, DomesticRules, domestic_content
from rackwright.bom.expand import Bom, PartDemand, expand_bom, flatten
from rackwright.bom.rollup import Policy, Rollup, rollup
from rackwright.bom.supply import SupplyData
from rackwright.bom.views import by_part, domestic_json, line_json, tree_json
from rackwright.catalog.catalog import Catalog
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.errors import RackwrightError
from rackwright.scenario import Scenario

TOP_FOREIGN = 8


@dataclass(frozen=True)
class RackPrice:
    """What one rack costs, and where that figure comes from (shown beside every use of it)."""

    rack: str
    usd: float
    basis: str
    list_price_usd: float  # the catalog's list price, labelled as such, for comparison


@dataclass(frozen=True)
class GenerationBom:
    """One generation's BOM and its two roll-ups in its first year."""

    rack: str
    year: int
    racks_per_quarter: float | None
    target: float
    bom: Bom
    parts: tuple[PartDemand, ...]
    baseline: Rollup
    reachable: Rollup
    baseline_domestic: DomesticResult
    reachable_domestic: DomesticResult

    @property
    def cost_usd(self) -> float:
        """The rack's cost: its baseline roll-up (cheapest offers, attrition included)."""
        return self.baseline.total_cost_usd

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rack": self.rack,
            "year": self.year,
            "racks_per_quarter": self.racks_per_quarter,
            "target": self.target,
            "baseline": _cost_json(self.baseline),
            "domestic_policy": _cost_json(self.reachable),
            "baseline_domestic": domestic_json(self.baseline_domestic),
            "domestic": domestic_json(self.reachable_domestic),
            "top_foreign": [line_json(x) for x in self.baseline_domestic.top_foreign[:TOP_FOREIGN]],
            # the whole tree with cost and origin per node (baseline offers): the BOM explorer's
            "tree": tree_json(self.bom.root, by_part(self.baseline)),
        }


@dataclass(frozen=True)
class BomStageResult:
    """Every generation's BOM, the reachable domestic share per year, and what failed to price."""

    rules: DomesticRules
    generations: tuple[GenerationBom, ...]
    years: tuple[int, ...]
    trajectory: Mapping[str, tuple[float | None, ...]]
    prices: Mapping[str, RackPrice]
    failures: tuple[str, ...] = field(default=())

    def generation(self, rack: str) -> GenerationBom | None:
        """The BOM of ``rack`` (None when it could not be priced; see ``failures``)."""
        return next((g for g in self.generations if g.rack == rack), None)

    def price(self, rack: str) -> RackPrice:
        """The one rack price every later figure uses."""
        return self.prices[rack]

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rules": self.rules.name,
            "generations": [g.to_json() for g in self.generations],
            "trajectory": {
                **{k: list(v) for k, v in self.trajectory.items()},
                "years": list(self.years),
            },
            "prices": {k: p.__dict__ for k, p in self.prices.items()},
            "failures": list(self.failures),
        }


def build_rate(scenario: Scenario, rack_id: str, year: int) -> float | None:
    """Peak quarterly build of ``rack_id`` in ``year``, else its peak in any year, else None."""
    lots = [b for b in scenario.builds if b.rack == rack_id]
    in_year = [b.racks for b in lots if b.year == year]
    if in_year:
        return float(max(in_year))
    return float(max(b.racks for b in lots)) if lots else None


def assembly_sites(scenario: Scenario, rules: DomesticRules) -> dict[str, tuple[str, ...]]:
    """The final-assembly categories, each kept at the scenario's own integration sites."""
    sites = tuple(s.site for s in scenario.sites)
    return {category: sites for category in rules.final_assembly.categories}


def price_generation(
    scenario: Scenario,
    catalog: Catalog,
    supply: SupplyData,
    rules: DomesticRules,
    rack_id: str,
    year: int,
) -> GenerationBom:
    """Expand and price one generation in ``year`` (RackwrightError when it cannot be priced)."""
    bom = expand_bom(catalog.rack(rack_id), catalog, supply)
    rate = build_rate(scenario, rack_id, year)
    at = assembly_sites(scenario, rules)
    base = rollup(
        bom, supply, year=year, policy=Policy.CHEAPEST, racks_per_quarter=rate, sites_by_category=at
    )
    best = rollup(
        bom, supply, year=year, policy=Policy.DOMESTIC, racks_per_quarter=rate, sites_by_category=at
    )
    return GenerationBom(
        rack=rack_id,
        year=year,
        racks_per_quarter=rate,
        target=scenario.domestic_target(year),
        bom=bom,
        parts=tuple(flatten(bom)),
        baseline=base,
        reachable=best,
        baseline_domestic=domestic_content(base, rules),
        reachable_domestic=domestic_content(best, rules),
    )


def reachable_share(inputs: PlanInputs, generation: GenerationBom, year: int) -> float | None:
    """The domestic share U.S.-first offers reach for ``generation`` in ``year`` (None: none)."""
    if year < generation.year:
        return None
    rate = build_rate(inputs.scenario, generation.rack, year)
    try:
        result = rollup(
            generation.bom,
            inputs.supply,
            year=year,
            policy=Policy.DOMESTIC,
            racks_per_quarter=rate,
            sites_by_category=assembly_sites(inputs.scenario, inputs.rules),
        )
    except RackwrightError:
        return None
    return domestic_content(result, inputs.rules).share


def standalone_price(catalog: Catalog, supply: SupplyData, rack_id: str, year: int) -> RackPrice:
    """A rack's cost outside a plan (``explore --rack``): its BOM, cheapest offers in ``year``."""
    design = catalog.rack(rack_id)
    cost = rollup(expand_bom(design, catalog, supply), supply, year=year).total_cost_usd
    basis = f"BOM roll-up, cheapest offers in {year}, one rack"
    return RackPrice(rack_id, cost, basis, design.price_usd)


def _price(inputs: PlanInputs, rack: str, generation: GenerationBom | None, why: str) -> RackPrice:
    design = inputs.catalog.rack(rack)
    if generation is None:
        return RackPrice(
            rack, design.price_usd, f"catalog list price (the BOM could not be priced: {why})",
            design.price_usd,
        )  # fmt: skip
    rate = generation.racks_per_quarter
    volume = f" at {rate:,.0f} racks/quarter" if rate else ""
    return RackPrice(
        rack,
        generation.cost_usd,
        f"BOM roll-up, cheapest offers in {generation.year}{volume}",
        design.price_usd,
    )


def run(inputs: PlanInputs, upstream: Upstream) -> BomStageResult:
    """Price every generation's BOM in its first year and trace its reachable domestic share."""
    scenario = inputs.scenario
    generations: list[GenerationBom] = []
    failures: list[str] = []
    prices: dict[str, RackPrice] = {}
    for gen in sorted(scenario.generations, key=lambda g: (g.first_year, g.rack)):
        priced: GenerationBom | None = None
        why = ""
        try:
            priced = price_generation(
                scenario, inputs.catalog, inputs.supply, inputs.rules, gen.rack, gen.first_year
            )
            generations.append(priced)
        except RackwrightError as exc:
            why = exc.one_line()
            failures.append(f"{gen.rack}: {why}")
        prices[gen.rack] = _price(inputs, gen.rack, priced, why)
    years = tuple(scenario.horizon.years())
    trajectory = {
        g.rack: tuple(reachable_share(inputs, g, year) for year in years) for g in generations
    }
    trajectory["target"] = tuple(scenario.domestic_target(y) for y in years)
    return BomStageResult(
        rules=inputs.rules,
        generations=tuple(generations),
        years=years,
        trajectory=trajectory,
        prices=prices,
        failures=tuple(failures),
    )


def _cost_json(result: Rollup) -> dict[str, Any]:
    return {
        "total_cost_usd": result.total_cost_usd,
        "by_subsystem_usd": {k.value: v for k, v in result.cost_by_subsystem().items()},
    }


BOM = Stage("bom", "Bill of materials and domestic content", (), run, BomStageResult)
