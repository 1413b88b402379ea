"""Package data of the finance engine: the sourced TCO and decision defaults."""
