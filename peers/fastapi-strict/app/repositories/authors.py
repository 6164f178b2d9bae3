"""authors and posts, read the three ways scenario 11 compares."""
from typing import Any, Dict, List

import asyncpg

from .rows import as_dict

AUTHORS = "SELECT id, name, email, bio, created_at FROM authors ORDER BY id LIMIT $1 OFFSET $2"
POSTS = "id, title, content, view_count, created_at"


class AuthorRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def page(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.conn.fetch(AUTHORS, limit, offset)]

    async def posts_of(self, author_id: int) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.conn.fetch(
            f"SELECT {POSTS} FROM posts WHERE author_id = $1 ORDER BY id", author_id)]

    async def posts_of_all(self, author_ids: List[int]) -> List[Dict[str, Any]]:
        return [as_dict(r) for r in await self.conn.fetch(
            f"SELECT author_id, {POSTS} FROM posts WHERE author_id = ANY($1::int[]) "
            "ORDER BY author_id, id", author_ids)]

    async def page_joined(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        """One row per (author, post), authors with no post once with post_id null."""
        return [as_dict(r) for r in await self.conn.fetch(
            "SELECT a.id, a.name, a.email, a.bio, a.created_at, p.id AS post_id, p.title, "
            "p.content, p.view_count, p.created_at AS post_created_at "
            "FROM (SELECT * FROM authors ORDER BY id LIMIT $1 OFFSET $2) a "
            "LEFT JOIN posts p ON p.author_id = a.id ORDER BY a.id, p.id", limit, offset)]

    async def totals(self) -> List[Dict[str, Any]]:
        """Every author with post count and total views (the server-config query)."""
        return [dict(r) for r in await self.conn.fetch(
            "SELECT a.id, a.name, a.email, count(p.id) AS post_count, "
            "coalesce(sum(p.view_count), 0) AS total_views "
            "FROM authors a LEFT JOIN posts p ON p.author_id = a.id GROUP BY a.id ORDER BY a.id")]
