"""rackwright: plan co-designed AI data-center racks from workload to supply chain."""

__version__ = "0.1.0"
