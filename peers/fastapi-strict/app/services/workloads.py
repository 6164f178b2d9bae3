"""The server-configuration workloads: I/O-bound, CPU-bound, mixed."""
import asyncio
import json
from typing import Any, Dict, List

import bcrypt

from ..repositories.authors import AuthorRepository
from .timing import Stopwatch

FIB_MAX = 35
PASSWORD = b"benchmark-password-2026"


def fibonacci(n: int) -> int:
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


class WorkloadService:
    def __init__(self, authors: AuthorRepository) -> None:
        self.authors = authors

    @staticmethod
    async def sleep() -> Dict[str, Any]:
        watch = Stopwatch()
        await asyncio.sleep(0.1)
        return {"status": "ok", "slept": 0.1, "slept_ms": watch.ms()}

    async def author_totals(self) -> Dict[str, Any]:
        authors = await self.authors.totals()
        return {"count": len(authors), "authors": authors}

    @staticmethod
    def fibonacci(n: int) -> Dict[str, int]:
        return {"n": n, "result": fibonacci(n)}

    @staticmethod
    def hash_password() -> Dict[str, Any]:
        return {"status": "ok", "hash_length": len(bcrypt.hashpw(PASSWORD, bcrypt.gensalt(rounds=12)))}

    @staticmethod
    def serialize() -> Dict[str, Any]:
        items = [{"id": i, "name": f"item_{i}", "email": f"user{i}@example.com", "value": i * 1.5}
                 for i in range(10000)]
        return {"status": "ok", "items": len(items),
                "bytes": len(json.dumps(items, separators=(",", ":")))}

    @staticmethod
    def _top(authors: List[Dict[str, Any]], field: str) -> List[Dict[str, Any]]:
        ranked = sorted(authors, key=lambda a: (-a[field], a["id"]))[:10]
        return [{"id": a["id"], "name": a["name"], field: a[field]} for a in ranked]

    async def report(self) -> Dict[str, Any]:
        blob = json.dumps(await self.authors.totals(), separators=(",", ":"))
        authors = json.loads(blob)
        posts = sum(a["post_count"] for a in authors)
        views = sum(a["total_views"] for a in authors)
        summary = {"total_authors": len(authors), "total_posts": posts, "total_views": views,
                   "avg_posts_per_author": posts / len(authors) if authors else 0.0,
                   "avg_views_per_post": views / posts if posts else 0.0, "json_bytes": len(blob)}
        return {"summary": summary, "top_by_posts": self._top(authors, "post_count"),
                "top_by_views": self._top(authors, "total_views")}
