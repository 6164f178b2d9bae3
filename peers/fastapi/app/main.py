"""The FastAPI application: routers, error format, pools opened at startup."""
import logging
import os
import sys

from fastapi import FastAPI

from . import cache, db, errors
from .routers import (aggregation, auth, basic, bulk, columns, nplusone, search_flow,
                      server_config, transactions, users)
from .routers import cache as cache_routes
from .settings import settings

_LEVELS = {"off": logging.CRITICAL + 1, "error": logging.ERROR, "warn": logging.WARNING,
           "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
# Our own logger (the /protected chain's log line, handler failures); uvicorn
# and gunicorn configure theirs from the launcher's --log-level.
_log = logging.getLogger("benchlab.peer")
_log.setLevel(_LEVELS.get(settings.log_level, logging.ERROR))
_log.propagate = False
if settings.log_level != "off":
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    _log.addHandler(_handler)

# No /docs, /redoc or /openapi.json: the benchmarked app serves the contract only.
app = FastAPI(title="benchlab peer (FastAPI)", docs_url=None, redoc_url=None,
              openapi_url=None)
errors.install(app)
for module in (basic, users, columns, nplusone, bulk, transactions, cache_routes, auth,
               aggregation, server_config, search_flow):
    app.include_router(module.router)


@app.on_event("startup")
async def startup() -> None:
    # Fail fast, in one line, on a wrong DSN or Redis URL rather than answering
    # /health and failing every other request. Exit code 3 is what uvicorn uses
    # for a failed startup and what makes gunicorn stop instead of respawning.
    try:
        await db.open_pool()
        cache.open_client()
        await cache.get_redis().ping()
    except Exception as exc:  # noqa: BLE001 - any failure here means "cannot start"
        print(f"fastapi peer: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        os._exit(3)
    basic.open_http_client()


@app.on_event("shutdown")
async def shutdown() -> None:
    await basic.close_http_client()
    await cache.close_client()
    await db.close_pool()
