"""Scenarios 01, 02, 05, 06, 07: health, echo, external, middleware chain, upload."""
import asyncio
import logging
import platform
import time
import uuid
from typing import Any, Dict, Optional

import fastapi
import httpx
import pydantic
import uvicorn
from fastapi import APIRouter, Depends, File, Header, HTTPException, Request, Response, UploadFile
from pydantic import BaseModel, StrictStr

from ..settings import settings

router = APIRouter()
log = logging.getLogger("benchlab.peer")
# what the server runs on, read into the study's manifest (docs/peers.md)
FRAMEWORK = (f"FastAPI/{fastapi.__version__} pydantic/{pydantic.VERSION} "
             f"uvicorn/{uvicorn.__version__} Python/{platform.python_version()}")


@router.get("/health")
async def health(response: Response):
    response.headers["X-Benchlab-Framework"] = FRAMEWORK
    return {"status": "ok", "server": settings.name}


class EchoIn(BaseModel):
    message: StrictStr
    data: Optional[Dict[str, Any]] = None


@router.post("/echo")
async def echo(body: EchoIn):
    return {"message": body.message, "data": body.data}


@router.get("/external")
async def external():
    # The simulated upstream: a timer on the event loop, no CPU held.
    start = time.perf_counter()
    await asyncio.sleep(0.1)
    return {"source": "simulated_external_api",
            "latency_ms": (time.perf_counter() - start) * 1000.0,
            "data": {"message": "External API response"}}


_http: Optional[httpx.AsyncClient] = None


def open_http_client() -> None:
    global _http
    _http = httpx.AsyncClient(timeout=10.0,
                              limits=httpx.Limits(max_connections=256,
                                                  max_keepalive_connections=64))


async def close_http_client() -> None:
    if _http is not None:
        await _http.aclose()


@router.get("/external/http")
async def external_http():
    """The real-upstream variant: one GET to BENCHLAB_UPSTREAM over a pooled client."""
    if not settings.upstream_url or _http is None:
        raise HTTPException(503, "BENCHLAB_UPSTREAM is not configured")
    start = time.perf_counter()
    try:
        upstream = await _http.get(settings.upstream_url + "/")
        upstream.raise_for_status()
        data = upstream.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise HTTPException(502, f"upstream failed: {type(exc).__name__}") from None
    return {"source": "upstream",
            "latency_ms": (time.perf_counter() - start) * 1000.0,
            "data": data}


# The /protected chain, as route dependencies run in order:
# request id -> request logging -> bearer auth.
async def request_id(response: Response,
                     x_request_id: Optional[str] = Header(default=None)) -> str:
    rid = x_request_id or str(uuid.uuid4())
    response.headers["X-Request-Id"] = rid
    return rid


async def log_request(request: Request, rid: str = Depends(request_id)) -> str:
    if log.isEnabledFor(logging.INFO):
        log.info("request %s %s id=%s", request.method, request.url.path, rid)
    return rid


async def bearer_token(rid: str = Depends(log_request),
                       authorization: Optional[str] = Header(default=None)) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    # one token of 10+ characters (RFC 6750's b64token has no space), nothing after it
    if scheme.lower() != "bearer" or len(token) < 10 or " " in token or "\t" in token:
        raise HTTPException(401, "missing or invalid bearer token",
                            headers={"WWW-Authenticate": "Bearer", "X-Request-Id": rid})
    return token


@router.get("/protected")
async def protected(token: str = Depends(bearer_token)):
    return {"message": "Access granted", "user": "user_from_token_" + token[:8]}


@router.post("/upload")
async def upload(file: UploadFile = File(...)):
    size = 0
    while chunk := await file.read(65536):
        size += len(chunk)
    return {"filename": file.filename, "size": size, "content_type": file.content_type}
