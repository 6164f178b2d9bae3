"""Health, echo, the simulated and the real upstream, the bearer check, uploads."""
import asyncio
import platform
from typing import Any, Dict, Optional

import fastapi
import httpx
import pydantic
import uvicorn

from ..domain.errors import Unauthenticated, UpstreamFailed, UpstreamMissing
from .timing import Stopwatch


class BasicService:
    # what /health's X-Benchlab-Framework header reports (docs/peers.md)
    framework = (f"FastAPI/{fastapi.__version__} pydantic/{pydantic.VERSION} "
                 f"uvicorn/{uvicorn.__version__} Python/{platform.python_version()}")

    def __init__(self, name: str) -> None:
        self.name = name

    def health(self) -> Dict[str, str]:
        return {"status": "ok", "server": self.name}

    @staticmethod
    def echo(message: str, data: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        return {"message": message, "data": data}

    @staticmethod
    async def simulated_external() -> Dict[str, Any]:
        watch = Stopwatch()
        await asyncio.sleep(0.1)
        return {"source": "simulated_external_api", "latency_ms": watch.ms(),
                "data": {"message": "External API response"}}

    @staticmethod
    def grant(authorization: Optional[str]) -> Dict[str, str]:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or len(token) < 10 or any(c in token for c in " \t"):
            raise Unauthenticated("missing or invalid bearer token")
        return {"message": "Access granted", "user": "user_from_token_" + token[:8]}


class UpstreamService:
    def __init__(self, http: Optional[httpx.AsyncClient], base_url: str) -> None:
        self.http, self.base_url = http, base_url

    async def fetch(self) -> Dict[str, Any]:
        if not self.base_url or self.http is None:
            raise UpstreamMissing("BENCHLAB_UPSTREAM is not configured")
        watch = Stopwatch()
        try:
            reply = await self.http.get(self.base_url + "/")
            reply.raise_for_status()
            data = reply.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise UpstreamFailed(f"upstream failed: {type(exc).__name__}") from None
        return {"source": "upstream", "latency_ms": watch.ms(), "data": data}
