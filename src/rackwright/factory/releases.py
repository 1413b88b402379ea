"""Turn a site's weekly plan into kit release times on each line.

Each line gets an even share of the site's plan. Kits are released in whole numbers (the running
total is rounded down, so fractions carry to the next week), evenly through the week, in one
campaign per generation a week (oldest generation first): a line that builds two generations
changes over about twice a week, not at every kit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rackwright.factory.calendar import WEEK_S
from rackwright.factory.network import Release

Week = Mapping[str, float]  # racks of each variant label to release that week


def _kits_per_week(plan: Sequence[Week], label: str, share: float) -> list[int]:
    """Whole kits of ``label`` per week for a line taking ``share`` of the site's plan."""
    counts, total, released = [], 0.0, 0
    for week in plan:
        total += week.get(label, 0.0) * share
        whole = math.floor(total + 1e-9)
        counts.append(whole - released)
        released = whole
    return counts


def line_releases(
    plan: Sequence[Week], order: Sequence[str], lines: Sequence[int], products: Mapping[str, int]
) -> tuple[Release, ...]:
    """Release lists per (line entry station, variant) for ``plan``.

    ``order`` lists variant labels in campaign order, ``lines`` the entry station of each line
    and ``products`` each label's product index in the network.
    """
    share = 1.0 / len(lines) if lines else 0.0
    out: list[Release] = []
    for entry in lines:
        kits = {label: _kits_per_week(plan, label, share) for label in order}
        times: dict[str, list[float]] = {label: [] for label in order}
        for week in range(len(plan)):
            sequence = [label for label in order for _ in range(kits[label][week])]
            gap = WEEK_S / len(sequence) if sequence else 0.0
            for k, label in enumerate(sequence):
                times[label].append(week * WEEK_S + (k + 0.5) * gap)
        out += [
            Release(products[label], entry, tuple(times[label])) for label in order if times[label]
        ]
    return tuple(out)
