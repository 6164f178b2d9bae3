"""The process's shared clients: asyncpg pool, Redis, the upstream HTTP
client. Opened at startup, closed at shutdown, handed to repositories by the
dependency providers (app/dependencies.py)."""
import json
from typing import Optional

import asyncpg
import httpx
import redis.asyncio as aioredis

from .config import config


class Resources:
    def __init__(self) -> None:
        self.pool: Optional[asyncpg.Pool] = None
        self.redis: Optional[aioredis.Redis] = None
        self.http: Optional[httpx.AsyncClient] = None

    async def open(self) -> None:
        async def init(conn: asyncpg.Connection) -> None:
            for typename in ("json", "jsonb"):
                await conn.set_type_codec(typename, encoder=json.dumps, decoder=json.loads,
                                          schema="pg_catalog")

        self.pool = await asyncpg.create_pool(**config.pg, min_size=config.db_pool,
                                              max_size=config.db_pool, init=init)
        self.redis = aioredis.from_url(config.redis_url, decode_responses=True)
        await self.redis.ping()
        self.http = httpx.AsyncClient(timeout=10.0, limits=httpx.Limits(
            max_connections=256, max_keepalive_connections=64))

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        if self.redis is not None:
            await self.redis.close()
            await self.redis.connection_pool.disconnect()
        if self.pool is not None:
            await self.pool.close()


resources = Resources()
