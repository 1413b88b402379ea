"""Everything a plan reads, gathered once at the edge and frozen: engines do no I/O.

``PlanInputs`` is built by ``rackwright.chain.load.load_inputs`` (or by a test, field by field);
its ``digest`` is a content hash of every input, so two reports can be compared and a stored run
reproduced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rackwright.bom.domestic import DomesticRules
from rackwright.bom.supply import SupplyData
from rackwright.catalog.catalog import Catalog
from rackwright.factory.models import FactoryData
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.models import ModelArch
from rackwright.scenario import Scenario
from rackwright.sourcing.rules import SourcingRules
from rackwright.sourcing.tariffs import Logistics
from rackwright.tariffs.models import TariffRules

if TYPE_CHECKING:  # both packages import the chain's stages: a runtime import would cycle
    from rackwright.evaluation.inputs import EvaluationInputs
    from rackwright.finance.assumptions import FinanceDefaults


@dataclass(frozen=True)
class InputFile:
    """One file the plan read: its role, its name as shown, and the SHA-256 of its bytes."""

    role: str
    name: str
    sha256: str


@dataclass(frozen=True)
class InputDigest:
    """The content hash of a plan's inputs and the files that went into it."""

    content_hash: str
    files: tuple[InputFile, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON form (report.json's ``inputs``)."""
        return {
            "content_hash": self.content_hash,
            "files": [{"role": f.role, "name": f.name, "sha256": f.sha256} for f in self.files],
        }


@dataclass(frozen=True)
class PlanSettings:
    """How the plan runs, beyond what it plans: the seed of every draw, where parallel work runs."""

    seed: int = 0
    executor: str = "local"
    # where a long stage says what it is doing now (the CLI's progress bar); not an input to any
    # figure, so it is neither compared nor hashed
    status: StatusCallback | None = field(default=None, compare=False)


StatusCallback = Callable[[str], None]


@dataclass(frozen=True)
class PlanInputs:
    """The scenario and every table the engines read, loaded and checked before any stage runs."""

    scenario: Scenario
    scenario_file: str
    catalog: Catalog
    supply: SupplyData
    rules: DomesticRules
    tariffs: TariffRules  # dated duty rules, HTS classification of the parts, scenarios
    logistics: Logistics
    sourcing_rules: SourcingRules
    efficiency: Efficiency
    models: Mapping[str, ModelArch]  # by the model name or path each workload gives
    factory: FactoryData
    finance: FinanceDefaults  # TCO and decision assumptions with their sources and sweep ranges
    evaluation: EvaluationInputs | None = None  # an early-access program the decision counts
    settings: PlanSettings = field(default_factory=PlanSettings)
    digest: InputDigest = field(default_factory=lambda: InputDigest(""))

    def model(self, spec: str) -> ModelArch:
        """The architecture a workload's ``model`` names (loaded with the inputs)."""
        return self.models[spec]
