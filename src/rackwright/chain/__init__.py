"""The plan chain: every engine a stage that hands typed results downstream.

- ``PlanInputs`` (chain.inputs): everything the plan reads, loaded once at the edge
  (``chain.load.load_inputs``) and hashed;
- ``Stage`` / ``Upstream`` (chain.stage): one engine's key, needs and pure ``run``;
- ``run_chain`` (chain.runner): orders stages by their needs and runs each once.
"""

from rackwright.chain.inputs import InputDigest, InputFile, PlanInputs, PlanSettings
from rackwright.chain.runner import ChainRun, order_stages, run_chain
from rackwright.chain.stage import Stage, StageResult, StageWiringError, Upstream

__all__ = [
    "ChainRun",
    "InputDigest",
    "InputFile",
    "PlanInputs",
    "PlanSettings",
    "Stage",
    "StageResult",
    "StageWiringError",
    "Upstream",
    "order_stages",
    "run_chain",
]
