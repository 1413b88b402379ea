"""``rackwright serve``: the API service and its web pages (FastAPI under uvicorn) on one
database."""

from __future__ import annotations

import gc
from typing import Annotated

import typer

from rackwright.cli.common import console_err
from rackwright.cli.db_cmd import DatabaseOption
from rackwright.errors import InputError


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    database: DatabaseOption = None,
) -> None:
    """Serve the API (OpenAPI at /openapi.json) and the web pages (/web/) until interrupted."""
    import uvicorn

    from rackwright.api.app import Settings, create_app
    from rackwright.store.config import database_url, redacted

    if not 0 < port < 65536:
        raise InputError("port must be 1-65535", field="--port", value=port)
    url = database_url(database)
    app = create_app(Settings(database_url=url))
    console_err.print(
        f"rackwright serving {redacted(url)} on http://{host}:{port} (pages at /web/)",
        markup=False,
    )
    _freeze_startup_heap()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _freeze_startup_heap() -> None:
    """Move everything loaded so far out of the garbage collector's view.

    The service imports ~150,000 long-lived objects (the engines, pydantic, SQLAlchemy, the
    catalog); every full collection walked them all, pausing every request for 65-110 ms every
    few seconds under load (measured with gc.callbacks in the load benchmark). Frozen objects are
    never collected, which is what they are: they live as long as the process
    (docs.python.org/3/library/gc.html#gc.freeze).
    """
    gc.collect()
    gc.freeze()
