"""Random sourcing instances of a chosen size, for benchmarks and property tests.

Offers draw prices around a per-part base (U.S. sites dearer, tariffs by country), two or three
all-units price breaks, MOQ and order multiples, lead times of 0-3 quarters and capacities that
cover demand with room to spare, so generated instances are feasible unless the policy is tight.
"""

from __future__ import annotations

import numpy as np

from rackwright.sourcing.problem import (
    PriceTier,
    SourcingOffer,
    SourcingPart,
    SourcingPolicy,
    SourcingProblem,
    period_label,
)

_COUNTRIES = ("US", "MX", "TW", "CN", "VN", "MY", "TH", "JP", "KR", "DE")
_TARIFF = {"US": 0.0, "MX": 0.0, "TW": 0.2, "CN": 0.45, "VN": 0.2, "MY": 0.19}
_CATEGORIES = ("psu", "power-shelf", "cold-plate", "manifold", "pcb", "optic", "cable-kit", "nic")


def generate_problem(
    *,
    parts: int,
    sites: int,
    periods: int,
    offers_per_part: int = 4,
    seed: int = 0,
    domestic_floor: float = 0.2,
    critical_fraction: float = 0.1,
    first_period: str = "2027Q1",
) -> SourcingProblem:
    """A feasible-by-construction instance: ``parts`` x ``sites`` x ``periods``."""
    rng = np.random.default_rng(seed)
    first = int(first_period[:4]) * 4 + int(first_period[-1]) - 1
    labels = tuple(period_label(first + i) for i in range(periods))
    site_country = [_COUNTRIES[i % len(_COUNTRIES)] for i in range(sites)]
    part_list: list[SourcingPart] = []
    offer_list: list[SourcingOffer] = []
    per_part = min(offers_per_part, sites)
    for p in range(parts):
        base_demand = float(rng.integers(50, 5000))
        demand = np.round(base_demand * rng.uniform(0.5, 1.5, periods))
        part_id = f"p{p:05d}"
        category = _CATEGORIES[p % len(_CATEGORIES)]
        part_list.append(
            SourcingPart(
                part_id=part_id,
                name=f"{category} {p}",
                category=category,
                subsystem="power",
                tariff_class=category,
                critical=bool(rng.random() < critical_fraction),
                demand=tuple(float(d) for d in demand),
            )
        )
        base_price = float(rng.uniform(5.0, 5000.0))
        chosen = rng.choice(sites, size=per_part, replace=False)
        us_sites = [s for s in range(sites) if site_country[s] == "US"]
        if us_sites and not any(site_country[s] == "US" for s in chosen):
            chosen[0] = us_sites[int(rng.integers(len(us_sites)))]
        for s in chosen:
            country = site_country[s]
            price = base_price * rng.uniform(0.85, 1.15) * (1.25 if country == "US" else 1.0)
            # breaks sit below a typical quarter's order, as rack-scale volumes do
            break_qty = max(int(base_demand * rng.uniform(0.05, 0.3)), 2)
            tiers = [PriceTier(1, round(price, 2)), PriceTier(break_qty, round(price * 0.95, 2))]
            if rng.random() < 0.5:
                tiers.append(PriceTier(break_qty * 2, round(price * 0.9, 2)))
            capacity = base_demand * rng.uniform(0.8, 2.0)
            offer_list.append(
                SourcingOffer(
                    offer_id=f"{part_id}-s{s:02d}",
                    part_id=part_id,
                    site_id=f"site-{s:02d}",
                    site_name=f"Site {s:02d} ({country})",
                    country=country,
                    tiers=tuple(tiers),
                    moq=int(rng.choice([1, 10, 50, 100])),
                    order_multiple=int(rng.choice([1, 1, 5, 10])),
                    lead_periods=int(rng.integers(0, 4)),
                    capacity=tuple(float(round(capacity)) for _ in range(periods)),
                    tariff_rate=_TARIFF.get(country, 0.15),
                    freight_usd_per_unit=round(float(rng.uniform(0.2, 3.0)) * (country != "US"), 2),
                    qualification_usd=float(rng.choice([0.0, 5_000.0, 25_000.0])),
                )
            )
    policy = SourcingPolicy(domestic_floor=tuple(domestic_floor for _ in labels))
    return SourcingProblem(
        periods=labels, parts=tuple(part_list), offers=tuple(offer_list), policy=policy
    ).check()
