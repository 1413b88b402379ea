"""Supply-disruption risk: time to recover / time to survive, exposure, Monte Carlo, mitigation.

Build a ``SupplyNetwork`` (in code, or ``load_network`` on an exchange-format file, see
``shared/data/risk/README.md``), then:

- ``analyze(net, scenarios)`` -> ``RiskAnalysis``: loss over the TTR, REI, TTS, red flags and
  per-product losses for every scenario (default ``network_scenarios``: each node with a TTR,
  each group; add ``country_scenarios`` for every country down at once);
- ``simulate(net, events, trials=, seed=)`` -> ``MonteCarloResult``: lost units and value with
  mean, VaR and CVaR (events default to ``default_events``);
- ``size_mitigations(net, analysis)`` -> ``MitigationPlan``: buffer or second source per red
  flag, ranked by exposure removed per dollar.
"""

from rackwright.risk.analysis import analyze
from rackwright.risk.events import Duration, DurationKind, RiskEvent, default_events
from rackwright.risk.exchange import network_from_toml, network_to_toml
from rackwright.risk.loader import load_events, load_network, save_network
from rackwright.risk.mitigation import (
    Mitigation,
    MitigationCosts,
    MitigationKind,
    MitigationPlan,
    size_mitigations,
)
from rackwright.risk.montecarlo import Distribution, MonteCarloResult, TailMeasure, simulate
from rackwright.risk.network import Edge, Group, NetworkError, Node, SupplyNetwork
from rackwright.risk.results import ProductLoss, RiskAnalysis, ScenarioResult
from rackwright.risk.scenarios import (
    Scenario,
    ScenarioKind,
    country_groups,
    country_scenarios,
    network_scenarios,
)

__all__ = [
    "Distribution",
    "Duration",
    "DurationKind",
    "Edge",
    "Group",
    "Mitigation",
    "MitigationCosts",
    "MitigationKind",
    "MitigationPlan",
    "MonteCarloResult",
    "NetworkError",
    "Node",
    "ProductLoss",
    "RiskAnalysis",
    "RiskEvent",
    "Scenario",
    "ScenarioKind",
    "ScenarioResult",
    "SupplyNetwork",
    "TailMeasure",
    "analyze",
    "country_groups",
    "country_scenarios",
    "default_events",
    "load_events",
    "load_network",
    "network_from_toml",
    "network_scenarios",
    "network_to_toml",
    "save_network",
    "simulate",
    "size_mitigations",
]
