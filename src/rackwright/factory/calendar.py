"""Shift calendars: when a staffed station works, and when a job started now will finish.

Labour stations work only in their shifts; a job not finished at the end of a shift pauses and
resumes at the next shift's start (no preemption, no extra simulation events: ``finish`` computes
the completion time directly). Automated stations (burn-in) run around the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HOUR_S = 3600.0
DAY_S = 24 * HOUR_S
WEEK_S = 7 * DAY_S


@dataclass(frozen=True)
class ShiftCalendar:
    """``shifts_per_day`` back-to-back shifts of ``hours_per_shift`` from ``first_shift_start_h``
    on the first ``days_per_week`` days of every week; ``always_on`` ignores all of that."""

    shifts_per_day: int = 3
    hours_per_shift: float = 8.0
    days_per_week: int = 7
    first_shift_start_h: float = 6.0
    always_on: bool = False

    def problem(self) -> str | None:
        """Why this calendar is impossible, or None when it is fine."""
        if self.always_on:
            return None
        if self.shifts_per_day < 1 or self.days_per_week < 1 or self.days_per_week > 7:
            return (
                f"a calendar needs 1-3 shifts and 1-7 days (got {self.shifts_per_day} shifts, "
                f"{self.days_per_week} days)"
            )
        if not self.hours_per_shift > 0 or self.shifts_per_day * self.hours_per_shift > 24:
            return (
                f"shifts must fit in a day (got {self.shifts_per_day} x {self.hours_per_shift} h)"
            )
        if not 0 <= self.first_shift_start_h < 24:
            return f"the first shift starts between 0 and 24 h (got {self.first_shift_start_h})"
        return None

    @property
    def open_s_per_day(self) -> float:
        """Staffed seconds in a working day."""
        return DAY_S if self.always_on else self.shifts_per_day * self.hours_per_shift * HOUR_S

    @property
    def open_s_per_week(self) -> float:
        """Staffed seconds in a week."""
        return WEEK_S if self.always_on else self.open_s_per_day * self.days_per_week

    def _window(self, t: float) -> tuple[float, float]:
        """The staffed window [start, end) at or after time ``t`` (the one containing t if any)."""
        span = self.open_s_per_day
        offset = self.first_shift_start_h * HOUR_S
        day = math.floor((t - offset) / DAY_S)
        while True:
            if (day % 7) < self.days_per_week:
                start = day * DAY_S + offset
                end = start + span
                if t < end:
                    return max(start, t), end
            day += 1

    def finish(self, start_s: float, work_s: float) -> float:
        """When ``work_s`` seconds of staffed work begun at ``start_s`` are done."""
        if self.always_on:
            return start_s + work_s
        week_work = self.open_s_per_week
        t, remaining = self._window(start_s)[0], work_s
        if remaining > week_work:  # skip whole weeks: each holds exactly week_work staffed seconds
            weeks = math.floor(remaining / week_work) - 1
            if weeks > 0:
                t += weeks * WEEK_S
                remaining -= weeks * week_work
        while True:
            begin, end = self._window(t)
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
            t = end

    def open_seconds(self, t0: float, t1: float) -> float:
        """Staffed seconds in [t0, t1)."""
        if t1 <= t0:
            return 0.0
        if self.always_on:
            return t1 - t0
        total, t = 0.0, t0
        weeks = math.floor((t1 - t0) / WEEK_S)
        total += weeks * self.open_s_per_week
        t += weeks * WEEK_S
        while t < t1:
            begin, end = self._window(t)
            if begin >= t1:
                break
            total += min(end, t1) - begin
            t = end
        return total


ALWAYS_ON = ShiftCalendar(always_on=True)
