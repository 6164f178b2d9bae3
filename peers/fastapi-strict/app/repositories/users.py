"""The users and users_pagination tables."""
from typing import Any, Dict, List, Optional

import asyncpg

from ..domain.errors import Conflict
from .rows import as_dict

COLUMNS = "id, name, email, created_at"


class UserRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def all(self) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.pool.fetch(f"SELECT {COLUMNS} FROM users ORDER BY id")]

    async def get(self, user_id: int) -> Optional[Dict[str, Any]]:
        return as_dict(await self.pool.fetchrow(f"SELECT {COLUMNS} FROM users WHERE id = $1", user_id))

    async def add(self, name: str, email: str) -> Dict[str, Any]:
        try:
            return as_dict(await self.pool.fetchrow(
                f"INSERT INTO users (name, email, created_at) VALUES ($1, $2, now()) RETURNING {COLUMNS}",
                name, email))
        except asyncpg.UniqueViolationError:
            raise Conflict(f"email {email} already exists") from None

    async def change(self, user_id: int, name: Optional[str], email: Optional[str]) -> Optional[Dict[str, Any]]:
        try:
            return as_dict(await self.pool.fetchrow(
                "UPDATE users SET name = COALESCE($2, name), email = COALESCE($3, email) "
                f"WHERE id = $1 RETURNING {COLUMNS}", user_id, name, email))
        except asyncpg.UniqueViolationError:
            raise Conflict(f"email {email} already exists") from None

    async def remove(self, user_id: int) -> bool:
        return await self.pool.execute("DELETE FROM users WHERE id = $1", user_id) == "DELETE 1"

    async def identity(self, user_id: int) -> Optional[Dict[str, Any]]:
        """id, name and email only (the cache and auth use cases)."""
        return as_dict(await self.pool.fetchrow("SELECT id, name, email FROM users WHERE id = $1", user_id))

    async def first(self, count: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.pool.fetch(
            "SELECT id, name, email FROM users ORDER BY id LIMIT $1", count)]


class PaginationRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def page(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.pool.fetch(
            f"SELECT {COLUMNS} FROM users_pagination ORDER BY id LIMIT $1 OFFSET $2", limit, offset)]

    async def count(self) -> int:
        return await self.pool.fetchval("SELECT count(*) FROM users_pagination")

    async def after(self, cursor: int, limit: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.pool.fetch(
            f"SELECT {COLUMNS} FROM users_pagination WHERE id > $1 ORDER BY id LIMIT $2", cursor, limit)]
