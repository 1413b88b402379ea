"""Report presenters, one module per stage; each exposes ``present(inputs, run) -> Section``."""
