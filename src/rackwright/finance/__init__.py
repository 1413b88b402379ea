"""Finance: TCO per rack, the cost of work, option valuation and the purchase decision.

Public API (engines are pure; the chain's finance stage builds the typed inputs)::

    defaults = load_finance_defaults(catalog)             # FinanceDefaults (sourced)
    rack = RackTcoInputs(rack_id, gpus_count, RackCapex(usd, CostSource.BOM_ROLLUP, detail),
                         power_typical_w, power_provisioned_w, NetworkShare.of(sizing, racks))
    tco = rack_tco(rack, FacilityEconomics.of(facility), defaults.assumptions)   # RackTco
    econ = workload_economics(tco, rate, defaults.assumptions.utilisation)       # per workload
    study = tco_study(racks, rates, facility, defaults, decision_inputs)         # TcoStudy
    decision = decide(DecisionInputs(...), defaults.ranges)    # PurchaseDecision (memo, flips)
    lattice(OptionSpec(...), steps) / black_scholes(spec) / closed_form(spec)

``adapters`` builds the inputs from catalog entries and a BOM roll-up (rack_inputs,
rack_bom_capex, market_capex, decision_inputs) until the chain passes upstream results.
"""

from rackwright.finance.assumptions import (
    AssumptionRange,
    FinanceAssumptions,
    FinanceDefaults,
    Uncertainty,
)
from rackwright.finance.decision import (
    DecisionFigures,
    DecisionInputs,
    OptionTerms,
    SystemOffer,
    Verdict,
    evaluate,
)
from rackwright.finance.loader import load_finance_defaults
from rackwright.finance.memo import PurchaseDecision, decide
from rackwright.finance.option import (
    ExerciseStyle,
    LatticeValue,
    OptionKind,
    OptionSpec,
    black_scholes,
    closed_form,
    lattice,
)
from rackwright.finance.sensitivity import Tornado, TornadoBar, tco_tornado, tornado
from rackwright.finance.study import TcoStudy, tco_study
from rackwright.finance.tco import (
    CostSource,
    FacilityEconomics,
    NetworkShare,
    RackCapex,
    RackTco,
    RackTcoInputs,
    capital_recovery_factor,
    rack_tco,
)
from rackwright.finance.work import WorkloadEconomics, workload_economics

__all__ = [
    "AssumptionRange",
    "CostSource",
    "DecisionFigures",
    "DecisionInputs",
    "ExerciseStyle",
    "FacilityEconomics",
    "FinanceAssumptions",
    "FinanceDefaults",
    "LatticeValue",
    "NetworkShare",
    "OptionKind",
    "OptionSpec",
    "OptionTerms",
    "PurchaseDecision",
    "RackCapex",
    "RackTco",
    "RackTcoInputs",
    "SystemOffer",
    "TcoStudy",
    "Tornado",
    "TornadoBar",
    "Uncertainty",
    "Verdict",
    "WorkloadEconomics",
    "black_scholes",
    "capital_recovery_factor",
    "closed_form",
    "decide",
    "evaluate",
    "lattice",
    "load_finance_defaults",
    "rack_tco",
    "tco_study",
    "tco_tornado",
    "tornado",
    "workload_economics",
]
