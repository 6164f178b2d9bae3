"""Column overhead and the N+1 strategies."""
from collections import defaultdict
from typing import Any, Dict, List

from ..domain.errors import NotFound
from ..repositories.authors import AuthorRepository
from ..repositories.wide import TABLES, WideTableRepository


class ColumnService:
    def __init__(self, tables: WideTableRepository) -> None:
        self.tables = tables

    async def rows(self, table_key: str, limit: int) -> List[Dict[str, Any]]:
        if table_key not in TABLES:
            raise NotFound(f"unknown table '{table_key}' ({', '.join(TABLES)})")
        return await self.tables.first_rows(table_key, limit)


def _post(row: Dict[str, Any]) -> Dict[str, Any]:
    return {k: row[k] for k in ("id", "title", "content", "view_count", "created_at")}


class AuthorService:
    STRATEGIES = ("lazy", "eager", "subquery")

    def __init__(self, authors: AuthorRepository) -> None:
        self.authors = authors

    async def with_posts(self, strategy: str, limit: int, offset: int) -> List[Dict[str, Any]]:
        if strategy not in self.STRATEGIES:
            raise NotFound(f"unknown strategy '{strategy}' ({', '.join(self.STRATEGIES)})")
        return await getattr(self, strategy)(limit, offset)

    async def lazy(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        authors = await self.authors.page(limit, offset)
        for author in authors:
            author["posts"] = await self.authors.posts_of(author["id"])
        return authors

    async def eager(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        authors: Dict[int, Dict[str, Any]] = {}
        for row in await self.authors.page_joined(limit, offset):
            author = authors.get(row["id"])
            if author is None:
                author = authors[row["id"]] = {k: row[k] for k in
                                               ("id", "name", "email", "bio", "created_at")}
                author["posts"] = []
            if row["post_id"] is not None:
                author["posts"].append({"id": row["post_id"], "title": row["title"],
                                        "content": row["content"], "view_count": row["view_count"],
                                        "created_at": row["post_created_at"]})
        return list(authors.values())

    async def subquery(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        authors = await self.authors.page(limit, offset)
        posts = defaultdict(list)
        for row in await self.authors.posts_of_all([a["id"] for a in authors]):
            posts[row["author_id"]].append(_post(row))
        for author in authors:
            author["posts"] = posts.get(author["id"], [])
        return authors
