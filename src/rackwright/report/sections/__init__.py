"""Report section builders, one module per engine; each exposes ``build(ctx) -> Section``."""
