"""The server-configuration study: I/O-bound, CPU-bound and mixed handlers."""
import asyncio
import json
import time

import bcrypt
from fastapi import APIRouter, Query

from .. import db

router = APIRouter()

# n=35 already takes seconds in CPython; above that one request could hold a
# worker for minutes.
FIB_MAX = 35
PASSWORD = b"benchmark-password-2026"

AUTHOR_TOTALS = (
    "SELECT a.id, a.name, a.email, count(p.id) AS post_count, "
    "coalesce(sum(p.view_count), 0) AS total_views "
    "FROM authors a LEFT JOIN posts p ON p.author_id = a.id "
    "GROUP BY a.id ORDER BY a.id")


@router.get("/io/sleep")
async def io_sleep():
    start = time.perf_counter()
    await asyncio.sleep(0.1)
    return {"status": "ok", "slept": 0.1, "slept_ms": (time.perf_counter() - start) * 1000.0}


async def _author_totals():
    return [dict(r) for r in await db.get_pool().fetch(AUTHOR_TOTALS)]


@router.get("/io/db")
async def io_db():
    authors = await _author_totals()
    return {"count": len(authors), "authors": authors}


def fibonacci(n: int) -> int:
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


@router.get("/cpu/fibonacci")
async def cpu_fibonacci(n: int = Query(32, ge=0, le=FIB_MAX)):
    # Deliberately on the event loop: this endpoint measures a CPU-bound
    # handler, and threads would not run Python in parallel anyway.
    return {"n": n, "result": fibonacci(n)}


@router.get("/cpu/hash")
def cpu_hash():
    # A plain `def`: FastAPI runs it in its thread pool, and bcrypt releases
    # the GIL while hashing, so the event loop keeps serving.
    hashed = bcrypt.hashpw(PASSWORD, bcrypt.gensalt(rounds=12))
    return {"status": "ok", "hash_length": len(hashed)}


@router.get("/cpu/json-serialize")
async def cpu_json_serialize():
    items = [{"id": i, "name": f"item_{i}", "email": f"user{i}@example.com", "value": i * 1.5}
             for i in range(10000)]
    # Compact, as FastAPI's own JSONResponse renders.
    payload = json.dumps(items, separators=(",", ":"))
    return {"status": "ok", "items": len(items), "bytes": len(payload)}


def _top10(authors, field):
    """Top 10 by field, descending, ties by id, as {id, name, field}."""
    ranked = sorted(authors, key=lambda a: (-a[field], a["id"]))[:10]
    return [{"id": a["id"], "name": a["name"], field: a[field]} for a in ranked]


@router.get("/mixed/report")
async def mixed_report():
    # A JSON round trip of the rows, as a report built from a cached blob does.
    blob = json.dumps(await _author_totals(), separators=(",", ":"))
    authors = json.loads(blob)
    total_posts = sum(a["post_count"] for a in authors)
    total_views = sum(a["total_views"] for a in authors)
    summary = {"total_authors": len(authors), "total_posts": total_posts,
               "total_views": total_views,
               "avg_posts_per_author": total_posts / len(authors) if authors else 0.0,
               "avg_views_per_post": total_views / total_posts if total_posts else 0.0,
               "json_bytes": len(blob)}
    return {"summary": summary, "top_by_posts": _top10(authors, "post_count"),
            "top_by_views": _top10(authors, "total_views")}
