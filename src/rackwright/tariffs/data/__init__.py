"""Package data: the tariff rules, part classifications, policy scenarios and their sources."""
