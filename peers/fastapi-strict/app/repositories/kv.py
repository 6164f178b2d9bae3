"""Redis: cached users and sessions."""
import json
from typing import Any, Dict, Iterable, Optional

import redis.asyncio as aioredis

USER_TTL = 300
SESSION_TTL = 1800


class UserCacheRepository:
    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def get(self, user_id: int) -> Optional[Dict[str, Any]]:
        hit = await self.redis.get(f"user:{user_id}")
        return json.loads(hit) if hit is not None else None

    async def put(self, user: Dict[str, Any]) -> None:
        await self.redis.setex(f"user:{user['id']}", USER_TTL, json.dumps(user))

    async def put_many(self, users: Iterable[Dict[str, Any]]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for user in users:
                pipe.setex(f"user:{user['id']}", USER_TTL, json.dumps(user))
            await pipe.execute()

    async def forget(self, user_id: int) -> bool:
        return await self.redis.delete(f"user:{user_id}") > 0

    async def flush(self) -> None:
        await self.redis.flushdb()


class SessionRepository:
    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def create(self, token: str, user_id: int) -> None:
        await self.redis.setex(f"session:{token}", SESSION_TTL, user_id)

    async def user_id(self, token: str) -> Optional[int]:
        stored = await self.redis.get(f"session:{token}")
        return int(stored) if stored is not None else None
