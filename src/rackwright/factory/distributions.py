"""Cycle-time distributions, sampled by inverse CDF from one uniform draw each.

Every draw is a function of one uniform number, so a station's k-th service always uses its
stream's k-th uniform whatever the distribution: that is what keeps common random numbers aligned
between two runs that differ only in a station's capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

_STANDARD_NORMAL = NormalDist()
_U_MIN = 1e-12  # keeps log(1 - u) and the normal quantile finite at the ends of [0, 1)


class DistributionKind(StrEnum):
    """Families a cycle time may follow."""

    EXPONENTIAL = "exponential"  # memoryless; the textbook M/M/c service
    LOGNORMAL = "lognormal"  # right-skewed manual work: most cycles near the mode, a long tail
    UNIFORM = "uniform"  # bounded spread around the mean
    DETERMINISTIC = "deterministic"  # a fixed recipe time (a timed test step)


@dataclass(frozen=True)
class ServiceTime:
    """A cycle-time distribution by its mean (seconds) and coefficient of variation.

    ``cv`` is ignored for exponential (always 1) and deterministic (always 0); a uniform
    distribution needs ``cv`` <= 1/sqrt(3) so that it stays non-negative.
    """

    kind: DistributionKind
    mean_s: float
    cv: float = 0.0

    def problem(self) -> str | None:
        """Why this distribution is impossible, or None when it is fine."""
        if not math.isfinite(self.mean_s) or self.mean_s < 0:
            return f"cycle time mean must be a non-negative number of seconds (got {self.mean_s})"
        if not math.isfinite(self.cv) or self.cv < 0:
            return f"cycle time cv must be non-negative (got {self.cv})"
        if self.kind is DistributionKind.UNIFORM and self.cv > 1 / math.sqrt(3):
            return f"a uniform cycle time needs cv <= 0.577 (got {self.cv})"
        return None

    @property
    def effective_cv(self) -> float:
        """The coefficient of variation the samples really have."""
        if self.kind is DistributionKind.EXPONENTIAL:
            return 1.0
        if self.kind is DistributionKind.DETERMINISTIC:
            return 0.0
        return self.cv

    @property
    def minimum_s(self) -> float:
        """The smallest value a sample can take (0 for unbounded families)."""
        if self.kind is DistributionKind.DETERMINISTIC:
            return self.mean_s
        if self.kind is DistributionKind.UNIFORM:
            return self.mean_s * (1.0 - math.sqrt(3) * self.cv)
        return 0.0

    def sample(self, u: float) -> float:
        """The sample for one uniform ``u`` in [0, 1) (the inverse CDF at ``u``)."""
        kind = self.kind
        if kind is DistributionKind.EXPONENTIAL:
            return -self.mean_s * math.log(max(1.0 - u, _U_MIN))
        if kind is DistributionKind.DETERMINISTIC or self.cv == 0.0:
            return self.mean_s
        if kind is DistributionKind.LOGNORMAL:
            sigma2 = math.log1p(self.cv * self.cv)
            z = _STANDARD_NORMAL.inv_cdf(min(max(u, _U_MIN), 1.0 - _U_MIN))
            return self.mean_s * math.exp(math.sqrt(sigma2) * z - sigma2 / 2.0)
        half_width = math.sqrt(3.0) * self.cv * self.mean_s
        return self.mean_s - half_width + 2.0 * half_width * u

    def scaled(self, factor: float) -> ServiceTime:
        """The same family with its mean multiplied by ``factor`` (cv unchanged)."""
        return ServiceTime(self.kind, self.mean_s * factor, self.cv)


def exponential(mean_s: float) -> ServiceTime:
    """An exponential cycle time with mean ``mean_s``."""
    return ServiceTime(DistributionKind.EXPONENTIAL, mean_s, 1.0)


def deterministic(mean_s: float) -> ServiceTime:
    """A fixed cycle time."""
    return ServiceTime(DistributionKind.DETERMINISTIC, mean_s, 0.0)
