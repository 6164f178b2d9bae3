"""Scenarios 14-16: a user read from PostgreSQL, or from Redis in front of it."""
import json
import time

from fastapi import APIRouter, HTTPException, Query

from .. import db
from ..cache import get_redis
from ..params import is_key

router = APIRouter()

TTL_SECONDS = 300
USER = "SELECT id, name, email FROM users WHERE id = $1"


def _answer(source: str, user: dict, start: float) -> dict:
    return {"source": source, "user_id": user["id"], "name": user["name"],
            "email": user["email"], "elapsed_ms": (time.perf_counter() - start) * 1000.0}


async def _from_db(user_id: int) -> dict:
    r = await db.get_pool().fetchrow(USER, user_id) if is_key(user_id) else None
    if r is None:
        raise HTTPException(404, f"user {user_id} not found")
    return {"id": r["id"], "name": r["name"], "email": r["email"]}


@router.get("/cache/users/{user_id}/no-cache")
async def no_cache(user_id: int):
    start = time.perf_counter()
    return _answer("database", await _from_db(user_id), start)


@router.get("/cache/users/{user_id}/cached")
async def cached(user_id: int):
    start = time.perf_counter()
    redis = get_redis()
    hit = await redis.get(f"user:{user_id}")
    if hit is not None:
        return _answer("cache", json.loads(hit), start)
    user = await _from_db(user_id)
    await redis.setex(f"user:{user_id}", TTL_SECONDS, json.dumps(user))
    return _answer("database", user, start)


@router.post("/cache/warmup")
async def warmup(count: int = Query(100, ge=1, le=1000)):
    start = time.perf_counter()
    records = await db.get_pool().fetch(
        "SELECT id, name, email FROM users ORDER BY id LIMIT $1", count)
    async with get_redis().pipeline(transaction=False) as pipe:
        for r in records:
            pipe.setex(f"user:{r['id']}", TTL_SECONDS,
                       json.dumps({"id": r["id"], "name": r["name"], "email": r["email"]}))
        await pipe.execute()
    return {"warmed_count": len(records), "elapsed_ms": (time.perf_counter() - start) * 1000.0}


@router.delete("/cache/flush")
async def flush():
    await get_redis().flushdb()
    return {"message": "cache flushed"}


@router.delete("/cache/users/{user_id}")
async def forget(user_id: int):
    deleted = await get_redis().delete(f"user:{user_id}")
    return {"deleted": deleted > 0, "success": True}
