"""An early-access evaluation program as the plan reads it: parsed and checked at the edge.

``evaluation.loader.load_evaluation_inputs`` reads the program, the catalog it names and its
result files; the decision stage predicts and judges them (``evaluation.evaluate``) and counts
the delivered / predicted throughput.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rackwright.catalog.catalog import Catalog
from rackwright.evaluation.program import Program

if TYPE_CHECKING:  # the loader builds these, so it imports this module
    from rackwright.evaluation.loader import LoadedResults


@dataclass(frozen=True)
class EvaluationInputs:
    """A program, the catalog its systems come from, its measured results, and its files."""

    file: str
    program: Program
    catalog: Catalog
    results: LoadedResults
    result_files: tuple[str, ...]
