"""Rail-optimized, non-blocking fat-tree sizing of a scale-out fabric for N GPUs.

The rule that reproduces NVIDIA's DGX SuperPOD B200 scaling table (S33: QM9700, 64 ports, 8 rails,
32 DGX per scalable unit) is:

* every GPU NIC is one endpoint on its own rail; a leaf switch serves one rail and gives half its
  ports to endpoints and half to uplinks, so ``leaves = rails x ceil(nodes / (radix / 2))``;
* one tier when all endpoints fit on one switch;
* two tiers while ``leaves <= radix`` (each spine port meets one leaf uplink):
  ``spines = endpoints / radix``; 512 GPUs -> 16 leaf + 8 spine, 2,048 -> 64 + 32;
* three tiers while ``leaves <= radix**2 / 2``: spines also give half their ports to uplinks, so
  ``spines = 2 x endpoints / radix`` and ``cores = endpoints / radix``;
  4,096 GPUs -> 128 leaf, 128 spine, 64 core;
* non-blocking, so each tier carries as many cables as there are endpoints.

Every cable is taken as optical with one pluggable per end. A NIC slower than a switch port
uses a split port (a 400G port serves two 200G NICs); a faster one takes several ports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rackwright.catalog.models import Fabric, System
from rackwright.errors import InfeasibleError, InputError

# NVL72-class racks expose 4 GPUs (one compute tray, 4 NICs) per fabric "node" (S29).
RACK_SCALE_GPUS_PER_NODE = 4
MAX_TIERS = 3


@dataclass(frozen=True)
class FatTree:
    """Switch and cable counts of a rail-optimized non-blocking fat tree."""

    endpoints_count: int
    radix_count: int
    rails_count: int
    tiers_count: int
    leaf_switches_count: int
    spine_switches_count: int
    core_switches_count: int
    node_leaf_cables_count: int
    leaf_spine_cables_count: int
    spine_core_cables_count: int

    @property
    def switches_count(self) -> int:
        """Switches in every tier."""
        return self.leaf_switches_count + self.spine_switches_count + self.core_switches_count

    @property
    def cables_count(self) -> int:
        """Cables in every tier."""
        tiers = (self.node_leaf_cables_count, self.leaf_spine_cables_count)
        return sum(tiers) + self.spine_core_cables_count


@dataclass(frozen=True)
class FabricSizing:
    """A fabric sized for a GPU count: topology, optics, power and cost."""

    fabric: str
    gpus_count: int
    ports_per_gpu_count: int
    tree: FatTree
    optics_count: int
    optics_per_gpu_ratio: float
    switch_power_w: float
    optics_power_w: float
    switch_cost_usd: float
    optics_cost_usd: float
    switch_rack_units_u: int

    @property
    def power_w(self) -> float:
        """Switches plus optics."""
        return self.switch_power_w + self.optics_power_w

    @property
    def cost_usd(self) -> float:
        """Switches plus optics."""
        return self.switch_cost_usd + self.optics_cost_usd


def fat_tree(endpoints_count: int, radix_count: int, rails_count: int = 1) -> FatTree:
    """Size a rail-optimized non-blocking fat tree for ``endpoints_count`` NIC ports.

    ``rails_count`` endpoints per node go to ``rails_count`` separate leaf groups. Raises
    InfeasibleError beyond three tiers.
    """
    if endpoints_count < 1:
        raise InputError("need at least one endpoint", field="gpus_count", value=endpoints_count)
    if radix_count < 2 or radix_count % 2:
        raise InputError("switch radix must be even and >= 2", field="radix", value=radix_count)
    if rails_count < 1:
        raise InputError("need at least one rail", field="rails", value=rails_count)
    if endpoints_count <= radix_count:
        return FatTree(endpoints_count, radix_count, rails_count, 1, 1, 0, 0, endpoints_count, 0, 0)
    half = radix_count // 2
    nodes = math.ceil(endpoints_count / rails_count)
    leaves = rails_count * math.ceil(nodes / half)
    if leaves <= radix_count:
        spines = math.ceil(endpoints_count / radix_count)
        return FatTree(
            endpoints_count,
            radix_count,
            rails_count,
            2,
            leaves,
            spines,
            0,
            endpoints_count,
            endpoints_count,
            0,
        )
    if leaves <= radix_count * radix_count // 2:
        spines = math.ceil(endpoints_count / half)
        cores = math.ceil(endpoints_count / radix_count)
        return FatTree(
            endpoints_count,
            radix_count,
            rails_count,
            3,
            leaves,
            spines,
            cores,
            endpoints_count,
            endpoints_count,
            endpoints_count,
        )
    most = radix_count**3 // 4
    raise InfeasibleError(
        f"{endpoints_count} endpoints need more than {MAX_TIERS} tiers of {radix_count}-port "
        f"switches (at most about {most})",
        field="gpus_count",
        value=endpoints_count,
    )


def size_fabric(
    fabric: Fabric,
    gpus_count: int,
    *,
    gpus_per_node_count: int = 8,
    nic_bits_per_s: float | None = None,
    nics_per_gpu_count: float = 1.0,
) -> FabricSizing:
    """Size ``fabric`` for ``gpus_count`` GPUs with one rail per GPU of a node.

    ``nic_bits_per_s`` (per NIC, default the port speed) decides split or bonded ports.
    """
    if gpus_count < 1:
        raise InputError("need at least one GPU", field="gpus_count", value=gpus_count)
    if gpus_per_node_count < 1:
        raise InputError(
            "need at least one GPU per node", field="gpus_per_node", value=gpus_per_node_count
        )
    per_gpu = (nic_bits_per_s or fabric.port_bits_per_s) * nics_per_gpu_count
    if per_gpu >= fabric.port_bits_per_s:
        ports_per_gpu = math.ceil(per_gpu / fabric.port_bits_per_s - 1e-9)
        split = 1
    else:
        ports_per_gpu = 1
        split = max(1, math.floor(fabric.port_bits_per_s / per_gpu + 1e-9))
    radix = fabric.switch_radix_count * split
    rails = gpus_per_node_count * ports_per_gpu if fabric.rail_optimized else 1
    endpoints = gpus_count * ports_per_gpu
    tree = fat_tree(endpoints, radix, rails)
    optics = 2 * tree.cables_count
    return FabricSizing(
        fabric=fabric.id,
        gpus_count=gpus_count,
        ports_per_gpu_count=ports_per_gpu,
        tree=tree,
        optics_count=optics,
        optics_per_gpu_ratio=optics / gpus_count,
        switch_power_w=tree.switches_count * fabric.switch_power_w,
        optics_power_w=optics * fabric.optic_power_w,
        switch_cost_usd=tree.switches_count * fabric.switch_price_usd,
        optics_cost_usd=optics * fabric.optic_price_usd,
        switch_rack_units_u=tree.switches_count * fabric.switch_rack_units_u,
    )


def gpus_per_node(system: System) -> int:
    """GPUs behind one fabric node: the whole server up to 8 GPUs, one compute tray in a rack."""
    if system.scaleup_domain_count <= 8:
        return min(system.gpus_count, 8)
    return RACK_SCALE_GPUS_PER_NODE


def size_system_fabric(system: System, fabric: Fabric, gpus_count: int) -> FabricSizing:
    """Size ``fabric`` for ``gpus_count`` GPUs of ``system`` using the system's NICs."""
    return size_fabric(
        fabric,
        gpus_count,
        gpus_per_node_count=gpus_per_node(system),
        nic_bits_per_s=system.scaleout_nic_bits_per_s,
        nics_per_gpu_count=system.nics_per_gpu_count,
    )
