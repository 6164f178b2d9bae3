"""The application: routers, error format, resources opened at startup."""
import logging
import os
import sys

from fastapi import FastAPI

from .core import http_errors
from .core.config import config
from .core.resources import resources
from .routers import auth, basic, cache, reads, search_flow, stats, users, workloads, writes

_LEVELS = {"off": logging.CRITICAL + 1, "error": logging.ERROR, "warn": logging.WARNING,
           "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
_log = logging.getLogger("benchlab.peer")
_log.setLevel(_LEVELS.get(config.log_level, logging.ERROR))
_log.propagate = False
if config.log_level != "off":
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    _log.addHandler(_handler)

app = FastAPI(title="benchlab peer (FastAPI, strict layering)", docs_url=None, redoc_url=None,
              openapi_url=None)
http_errors.install(app)
for module in (basic, users, reads, writes, cache, auth, stats, workloads, search_flow):
    app.include_router(module.router)


@app.on_event("startup")
async def startup() -> None:
    try:
        await resources.open()
    except Exception as exc:  # noqa: BLE001 - any failure here means "cannot start"
        print(f"fastapi-strict peer: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr,
              flush=True)
        os._exit(3)  # uvicorn's code for a failed startup; gunicorn stops instead of respawning


@app.on_event("shutdown")
async def shutdown() -> None:
    await resources.close()
