"""Scenario 11: authors with their posts, loaded three ways."""
from collections import defaultdict
from typing import Any, Dict, List

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from .. import db

router = APIRouter()

AUTHORS = "SELECT id, name, email, bio, created_at FROM authors ORDER BY id LIMIT $1 OFFSET $2"
POST_COLUMNS = "id, title, content, view_count, created_at"


def _author(r) -> Dict[str, Any]:
    return {"id": r["id"], "name": r["name"], "email": r["email"], "bio": r["bio"],
            "created_at": r["created_at"].isoformat(), "posts": []}


def _post(r) -> Dict[str, Any]:
    return {"id": r["id"], "title": r["title"], "content": r["content"],
            "view_count": r["view_count"], "created_at": r["created_at"].isoformat()}


async def lazy(conn, limit: int, offset: int) -> List[Dict[str, Any]]:
    """1 query for the authors + 1 per author, as a lazy-loading ORM does."""
    authors = [_author(r) for r in await conn.fetch(AUTHORS, limit, offset)]
    for a in authors:
        posts = await conn.fetch(
            f"SELECT {POST_COLUMNS} FROM posts WHERE author_id = $1 ORDER BY id", a["id"])
        a["posts"] = [_post(p) for p in posts]
    return authors


async def eager(conn, limit: int, offset: int) -> List[Dict[str, Any]]:
    """One LEFT JOIN; the authors are rebuilt from the joined rows."""
    records = await conn.fetch(
        "SELECT a.id, a.name, a.email, a.bio, a.created_at, p.id AS post_id, p.title, "
        "p.content, p.view_count, p.created_at AS post_created_at "
        "FROM (SELECT * FROM authors ORDER BY id LIMIT $1 OFFSET $2) a "
        "LEFT JOIN posts p ON p.author_id = a.id ORDER BY a.id, p.id", limit, offset)
    authors: Dict[int, Dict[str, Any]] = {}
    for r in records:
        a = authors.get(r["id"])
        if a is None:
            a = authors[r["id"]] = _author(r)
        if r["post_id"] is not None:
            a["posts"].append({"id": r["post_id"], "title": r["title"],
                               "content": r["content"], "view_count": r["view_count"],
                               "created_at": r["post_created_at"].isoformat()})
    return list(authors.values())


async def subquery(conn, limit: int, offset: int) -> List[Dict[str, Any]]:
    """Two queries: the authors, then all their posts WHERE author_id = ANY(...)."""
    authors = [_author(r) for r in await conn.fetch(AUTHORS, limit, offset)]
    posts = await conn.fetch(
        f"SELECT author_id, {POST_COLUMNS} FROM posts WHERE author_id = ANY($1::int[]) "
        "ORDER BY author_id, id", [a["id"] for a in authors])
    by_author = defaultdict(list)
    for p in posts:
        by_author[p["author_id"]].append(_post(p))
    for a in authors:
        a["posts"] = by_author.get(a["id"], [])
    return authors


STRATEGIES = {"lazy": lazy, "eager": eager, "subquery": subquery}


@router.get("/n-plus-one/{strategy}")
async def authors_with_posts(strategy: str, limit: int = Query(20, ge=1, le=100),
                             offset: int = Query(0, ge=0, le=10_000_000)):
    load = STRATEGIES.get(strategy)
    if load is None:
        raise HTTPException(404, f"unknown strategy '{strategy}' (lazy, eager, subquery)")
    async with db.get_pool().acquire() as conn:
        return JSONResponse(await load(conn, limit, offset))
