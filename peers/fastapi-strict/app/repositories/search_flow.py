"""search_posts (scenario 19) and accounts / account_posts (scenario 20)."""
from typing import Any, Dict, List, Optional

import asyncpg

from .rows import as_dict

SEARCH_COLUMNS = "id, title, body, created_at"
NEWEST = "ORDER BY created_at DESC, id DESC LIMIT $2"
POST_COLUMNS = "id, account_id, title, body, created_at"


class SearchRepository:
    # like: body ILIKE (no index can serve it); trgm: the pg_trgm GIN index on
    # lower(body); fts: the tsvector column and its GIN index.
    SQL = {
        "like": f"SELECT {SEARCH_COLUMNS} FROM search_posts WHERE body ILIKE $1 {NEWEST}",
        "trgm": f"SELECT {SEARCH_COLUMNS} FROM search_posts WHERE lower(body) LIKE lower($1) "
                f"{NEWEST}",
        "fts": f"SELECT {SEARCH_COLUMNS} FROM search_posts "
               f"WHERE tsv @@ websearch_to_tsquery('english', $1) {NEWEST}",
    }

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def newest_matching(self, method: str, arg: str, limit: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.pool.fetch(self.SQL[method], arg, limit)]


class AccountRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def credentials(self, email: str) -> Optional[Dict[str, Any]]:
        return as_dict(await self.pool.fetchrow(
            "SELECT id, password_hash FROM accounts WHERE email = $1", email))

    async def feed(self, account_id: int, before: int, limit: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.pool.fetch(
            "SELECT p.id, p.title, p.body, p.created_at, a.name AS author_name "
            "FROM account_posts p JOIN accounts a ON a.id = p.account_id "
            "WHERE p.account_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3",
            account_id, before, limit)]

    async def add_post(self, account_id: int, title: str, body: str) -> Dict[str, Any]:
        return as_dict(await self.pool.fetchrow(
            f"INSERT INTO account_posts (account_id, title, body) VALUES ($1, $2, $3) "
            f"RETURNING {POST_COLUMNS}", account_id, title, body))

    async def post(self, post_id: int, account_id: int) -> Optional[Dict[str, Any]]:
        return as_dict(await self.pool.fetchrow(
            f"SELECT {POST_COLUMNS} FROM account_posts WHERE id = $1 AND account_id = $2",
            post_id, account_id))
