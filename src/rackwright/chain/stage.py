"""A stage: one engine's place in the plan chain.

A stage has a key, the keys of the stages whose results it reads, and a pure ``run`` that takes
the plan's inputs and those upstream results and returns a frozen, typed result with a JSON form.
A later stage reads an earlier stage's result through ``Upstream``; it never recomputes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from rackwright.chain.inputs import PlanInputs


class StageResult(Protocol):
    """What every stage returns: frozen, typed, and with a JSON-able form."""

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON types."""
        ...


R = TypeVar("R", bound=StageResult)
T = TypeVar("T", bound=StageResult)


@dataclass(frozen=True)
class Stage(Generic[R]):
    """One engine in the chain: ``run(inputs, upstream)`` -> its frozen result."""

    key: str
    title: str
    needs: tuple[str, ...]
    run: Callable[[PlanInputs, Upstream], R]
    result_type: type[R]


class StageWiringError(RuntimeError):
    """A stage read a result it did not declare in ``needs``: a bug in the chain, not bad input."""


@dataclass(frozen=True)
class Upstream:
    """The finished results one stage may read: exactly those it names in ``needs``."""

    reader: str
    results: Mapping[str, StageResult]

    def of(self, stage: Stage[T]) -> T:
        """``stage``'s result, typed; StageWiringError when ``stage`` is not a declared need."""
        if stage.key not in self.results:
            raise StageWiringError(
                f"stage '{self.reader}' reads '{stage.key}' but does not list it in needs"
            )
        result = self.results[stage.key]
        if not isinstance(result, stage.result_type):
            raise StageWiringError(
                f"stage '{stage.key}' returned {type(result).__name__}, "
                f"not {stage.result_type.__name__}"
            )
        return result
