"""The Redis client (redis.asyncio, with its own connection pool)."""
from typing import Optional

import redis.asyncio as aioredis

from .settings import settings

client: Optional[aioredis.Redis] = None


def open_client() -> None:
    global client
    client = aioredis.from_url(settings.redis_url, decode_responses=True)


async def close_client() -> None:
    if client is not None:
        await client.close()
        await client.connection_pool.disconnect()


def get_redis() -> aioredis.Redis:
    assert client is not None, "redis client not open"
    return client
