"""Aggregations over users_wide and posts, as an ORM plans them and as one statement."""
from typing import Any, Dict, List

import asyncpg


def _row(r) -> Dict[str, Any]:
    return {k: (float(v) if k.startswith("avg") and v is not None else v) for k, v in r.items()}


class StatsRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def count(self, expression: str) -> int:
        expressions = {"star": "count(*)", "id": "count(id)", "status": "count(DISTINCT status)"}
        return await self.pool.fetchval(f"SELECT {expressions[expression]} FROM users_wide")

    async def counts(self) -> Dict[str, int]:
        return dict(await self.pool.fetchrow(
            "SELECT count(*) AS count_star, count(id) AS count_id, "
            "count(DISTINCT status) AS count_distinct_status FROM users_wide"))

    async def countries_ranked(self, limit: int) -> List[Dict[str, Any]]:
        return [dict(r) for r in await self.pool.fetch(
            "SELECT country, count(*) AS user_count FROM users_wide GROUP BY country "
            "ORDER BY user_count DESC, country LIMIT $1", limit)]

    async def login_sums(self, countries: List[str]) -> Dict[str, Dict[str, Any]]:
        rows = await self.pool.fetch(
            "SELECT country, sum(login_count) AS total_logins, avg(login_count) AS avg_logins "
            "FROM users_wide WHERE country = ANY($1::varchar[]) GROUP BY country", countries)
        return {r["country"]: _row(r) for r in rows}

    async def country_stats(self, limit: int) -> List[Dict[str, Any]]:
        return [_row(r) for r in await self.pool.fetch(
            "SELECT country, count(*) AS user_count, sum(login_count) AS total_logins, "
            "avg(login_count) AS avg_logins FROM users_wide GROUP BY country "
            "ORDER BY user_count DESC, country LIMIT $1", limit)]

    async def post_stats_by_author(self, limit: int) -> List[Dict[str, Any]]:
        return [_row(r) for r in await self.pool.fetch(
            "SELECT author_id, count(*) AS post_count, sum(view_count) AS total_views, "
            "avg(view_count) AS avg_views FROM posts GROUP BY author_id "
            "ORDER BY post_count DESC, author_id LIMIT $1", limit)]

    async def author_names(self, ids: List[int]) -> Dict[int, str]:
        return dict(await self.pool.fetch("SELECT id, name FROM authors WHERE id = ANY($1::int[])", ids))

    async def author_stats(self, limit: int) -> List[Dict[str, Any]]:
        return [_row(r) for r in await self.pool.fetch(
            "SELECT a.id AS author_id, a.name AS author_name, count(p.id) AS post_count, "
            "sum(p.view_count) AS total_views, avg(p.view_count) AS avg_views "
            "FROM authors a JOIN posts p ON p.author_id = a.id GROUP BY a.id, a.name "
            "ORDER BY post_count DESC, a.id LIMIT $1", limit)]
