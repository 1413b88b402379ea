"""Output analysis across replications: Student-t intervals and control-variate estimates.

The t quantile is computed exactly for integer degrees of freedom from the closed-form t CDF
(Abramowitz & Stegun 26.7.3-4) and bisection, so no statistics library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def _t_two_sided_mass(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with ``df`` degrees of freedom (A&S 26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df == 1:
        return 2.0 * theta / math.pi
    if df % 2 == 1:
        term, total = c, c
        for k in range(1, (df - 3) // 2 + 1):
            term *= c * c * (2 * k) / (2 * k + 1)
            total += term
        return 2.0 / math.pi * (theta + s * total)
    term, total = 1.0, 1.0
    for k in range(1, (df - 2) // 2 + 1):
        term *= c * c * (2 * k - 1) / (2 * k)
        total += term
    return s * total


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` >= 1 degrees of freedom (p in (0.5, 1))."""
    if df < 1 or not 0.5 < p < 1.0:
        raise ValueError(f"t_quantile needs df >= 1 and 0.5 < p < 1 (got df={df}, p={p})")
    mass = 2.0 * p - 1.0
    lo, hi = 0.0, 1.0
    while _t_two_sided_mass(hi, df) < mass:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _t_two_sided_mass(mid, df) < mass:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % confidence interval (``lo`` = ``hi`` with one sample)."""

    mean: float
    lo: float
    hi: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return 0.5 * (self.hi - self.lo)

    def covers(self, value: float) -> bool:
        """True when ``value`` lies in the interval."""
        return self.lo <= value <= self.hi

    def to_json(self) -> dict[str, float]:
        """``{"mean", "lo", "hi"}``."""
        return {"mean": self.mean, "lo": self.lo, "hi": self.hi}


def mean_ci(samples: Sequence[float], confidence: float = 0.95) -> Estimate:
    """The mean of independent replications and its Student-t interval."""
    values = np.asarray(samples, dtype=np.float64)
    n = int(values.size)
    if n == 0:
        raise ValueError("mean_ci needs at least one sample")
    mean = float(values.mean())
    if n == 1:
        return Estimate(mean, mean, mean, 1)
    half = t_quantile(0.5 + confidence / 2, n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def control_variate_ci(
    samples: Sequence[float],
    controls: Sequence[Sequence[float]],
    confidence: float = 0.95,
) -> Estimate:
    """The mean of ``samples`` adjusted by controls whose expectation is zero.

    ``controls[r]`` holds, for replication r, each control's observed value minus its known
    expectation (e.g. the mean sampled service time minus the mean the input asks for). The
    estimate is the intercept of the least-squares fit samples ~ 1 + controls and its interval
    uses the fit's residual variance with n - q - 1 degrees of freedom (Law, Simulation Modeling
    and Analysis, 5th ed., section 11.4). With too few replications for the fit it falls back to
    the plain mean.
    """
    y = np.asarray(samples, dtype=np.float64)
    c = np.asarray(controls, dtype=np.float64).reshape(len(y), -1)
    n, q = c.shape
    if n - q - 1 < 2:
        return mean_ci(samples, confidence)
    x = np.column_stack([np.ones(n), c])
    beta, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    if rank < q + 1:
        return mean_ci(samples, confidence)
    residual = y - x @ beta
    df = n - q - 1
    s2 = float(residual @ residual) / df
    cov = s2 * np.linalg.inv(x.T @ x)
    half = t_quantile(0.5 + confidence / 2, df) * math.sqrt(max(float(cov[0, 0]), 0.0))
    mean = float(beta[0])
    return Estimate(mean, mean - half, mean + half, n)
