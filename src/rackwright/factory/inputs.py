"""What both factory engines read: the factory data, the rack designs, the build plan, the sites.

``FactoryInputs`` is the typed input a chain stage builds once (from the plan's inputs, and the
demand and rack stages' results) and hands to ``SimulationRequest`` and ``RampRequest``, which
add only how to run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rackwright.errors import InputError
from rackwright.factory.buildplan import BuildOrder, SiteShare
from rackwright.factory.models import FactoryData
from rackwright.factory.products import RackProduct


@dataclass(frozen=True)
class FactoryInputs:
    """The factory data, every rack design the plan builds, the plan, and the sites' shares."""

    factory: FactoryData
    products: Mapping[str, RackProduct]
    builds: tuple[BuildOrder, ...]
    shares: tuple[SiteShare, ...]

    def check_inputs(self) -> None:
        """One-line errors for a plan the factory data cannot build."""
        if not self.builds:
            raise InputError("the build plan is empty: nothing to build", field="build")
        for order in self.builds:
            if order.rack_id not in self.products:
                raise InputError(
                    "no rack design for a build order", field="rack", value=order.rack_id
                )
            try:
                self.factory.profile_for(order.rack_id)
            except KeyError:
                raise InputError(
                    f"rack '{order.rack_id}' has no factory profile; add it to a [[profile]] "
                    f"racks list in {self.factory.file}",
                    field="rack",
                    value=order.rack_id,
                ) from None
        for share in self.shares:
            if share.site_id not in self.factory.sites:
                raise InputError(
                    f"site '{share.site_id}' has no line data in {self.factory.file}",
                    field="site",
                    value=share.site_id,
                )
