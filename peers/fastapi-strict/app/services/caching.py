"""A user read from PostgreSQL, or from Redis in front of it."""
from typing import Any, Dict

from ..domain.errors import NotFound
from ..domain.keys import is_key
from ..repositories.kv import UserCacheRepository
from ..repositories.users import UserRepository
from .timing import Stopwatch


class CacheService:
    def __init__(self, users: UserRepository, cache: UserCacheRepository) -> None:
        self.users, self.cache = users, cache

    async def _from_database(self, user_id: int) -> Dict[str, Any]:
        user = await self.users.identity(user_id) if is_key(user_id) else None
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user

    @staticmethod
    def _answer(source: str, user: Dict[str, Any], watch: Stopwatch) -> Dict[str, Any]:
        return {"source": source, "user_id": user["id"], "name": user["name"],
                "email": user["email"], "elapsed_ms": watch.ms()}

    async def uncached(self, user_id: int) -> Dict[str, Any]:
        watch = Stopwatch()
        return self._answer("database", await self._from_database(user_id), watch)

    async def cached(self, user_id: int) -> Dict[str, Any]:
        watch = Stopwatch()
        user = await self.cache.get(user_id)
        if user is not None:
            return self._answer("cache", user, watch)
        user = await self._from_database(user_id)
        await self.cache.put(user)
        return self._answer("database", user, watch)

    async def warm(self, count: int) -> Dict[str, Any]:
        watch = Stopwatch()
        users = await self.users.first(count)
        await self.cache.put_many(users)
        return {"warmed_count": len(users), "elapsed_ms": watch.ms()}

    async def flush(self) -> Dict[str, str]:
        await self.cache.flush()
        return {"message": "cache flushed"}

    async def forget(self, user_id: int) -> Dict[str, bool]:
        return {"deleted": await self.cache.forget(user_id), "success": True}
