"""Numeric precisions: one type every engine, file and command reads.

A precision name (``bf16``, ``fp8``, ``nvfp4`` ...) is parsed once, at the edge, into a
``Precision``; an unknown name is a one-line ``InputError`` naming the value. Engines then ask the
type what they need (its tensor-core class, the bytes a stored weight takes) instead of matching
strings, so no two places can classify a precision differently.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator

from rackwright.errors import InputError


class PrecisionClass(StrEnum):
    """Which dense tensor-core peak a precision runs at: 16-bit, 8-bit or 4-bit."""

    BF16 = "bf16"
    FP8 = "fp8"
    FP4 = "fp4"


class Precision(StrEnum):
    """A GEMM/storage precision as frameworks name it (NVFP4 and MXFP4 are 4-bit block formats)."""

    BF16 = "bf16"
    FP16 = "fp16"
    FP8 = "fp8"
    FP8_CS = "fp8-cs"  # fp8 with per-tensor current scaling (Megatron/TE)
    FP8_MX = "fp8-mx"  # MXFP8 block scaling
    FP4 = "fp4"
    NVFP4 = "nvfp4"
    MXFP4 = "mxfp4"

    @property
    def klass(self) -> PrecisionClass:
        """The tensor-core class whose dense peak this precision runs at."""
        if self in _FP8:
            return PrecisionClass.FP8
        if self in _FP4:
            return PrecisionClass.FP4
        return PrecisionClass.BF16

    @property
    def is_low(self) -> bool:
        """Below 16 bits (fp8/fp4): GEMM inputs are cast, which costs memory traffic."""
        return self.klass is not PrecisionClass.BF16

    @property
    def weight_bytes(self) -> float:
        """Stored bytes per weight; 4-bit formats carry one fp8 scale per 16 values."""
        if self.klass is PrecisionClass.FP8:
            return 1.0
        if self.klass is PrecisionClass.FP4:
            return 0.5 + 1.0 / 16.0
        return 2.0


_FP8 = frozenset({Precision.FP8, Precision.FP8_CS, Precision.FP8_MX})
_FP4 = frozenset({Precision.FP4, Precision.NVFP4, Precision.MXFP4})
NAMES = tuple(p.value for p in Precision)


def parse_precision(
    value: object, *, field: str = "precision", file: str | None = None, line: int | None = None
) -> Precision:
    """``value`` as a Precision (case-insensitive); InputError naming the field and value."""
    if isinstance(value, Precision):
        return value
    if isinstance(value, str):
        try:
            return Precision(value.strip().lower())
        except ValueError:
            pass
    raise InputError(
        f"unknown precision; use one of {', '.join(NAMES)}",
        file=file,
        line=line,
        field=field,
        value=value,
    )


def _lenient(value: Any) -> Any:
    """Pydantic pre-step: accept any case; leave unknown names for the enum's own error."""
    return value.strip().lower() if isinstance(value, str) else value


PrecisionField = Annotated[Precision, BeforeValidator(_lenient)]
"""A pydantic field type for precisions (case-insensitive; unknown names fail validation)."""
