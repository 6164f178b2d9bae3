"""Scenario 19 (text search three ways) and scenario 20 (the end-to-end flow:
bcrypt login, feed, write, read back)."""
import re
import time
from typing import Optional

import bcrypt
import jwt
from fastapi import APIRouter, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, constr
from starlette.concurrency import run_in_threadpool

from .. import db
from ..params import INT4_MAX, is_key
from ..settings import settings

router = APIRouter()

SEARCH_COLUMNS = "id, title, body, created_at"
NEWEST = "ORDER BY created_at DESC, id DESC LIMIT $2"
# like: no index can serve ILIKE '%q%' (a scan); trgm: the pg_trgm GIN index on
# lower(body); fts: the tsvector column and its GIN index.
SEARCH = {
    "like": f"SELECT {SEARCH_COLUMNS} FROM search_posts WHERE body ILIKE $1 {NEWEST}",
    "trgm": f"SELECT {SEARCH_COLUMNS} FROM search_posts WHERE lower(body) LIKE lower($1) {NEWEST}",
    "fts": f"SELECT {SEARCH_COLUMNS} FROM search_posts "
           f"WHERE tsv @@ websearch_to_tsquery('english', $1) {NEWEST}",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def like_pattern(q: str) -> str:
    """'%q%' with LIKE's metacharacters (and its escape, \\) matching themselves."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"


@router.get("/search/posts")
async def search_posts(q: str = Query(..., min_length=1, max_length=100),
                       method: str = Query(..., regex="^(like|trgm|fts)$"),
                       limit: int = Query(20, ge=1, le=100)):
    if _CONTROL.search(q):
        raise HTTPException(422, "q: control characters are not allowed")
    arg = q if method == "fts" else like_pattern(q)
    records = await db.get_pool().fetch(SEARCH[method], arg, limit)
    return JSONResponse({"method": method, "q": q, "count": len(records),
                         "items": db.rows(records)})


TOKEN_TTL_SECONDS = 1800
POST_COLUMNS = "id, account_id, title, body, created_at"


class LoginIn(BaseModel):
    email: constr(strict=True, min_length=1, max_length=255)
    password: constr(strict=True, min_length=1, max_length=72)


class PostIn(BaseModel):
    title: constr(strict=True, min_length=1, max_length=200)
    body: constr(strict=True, min_length=1, max_length=10000)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def _account(authorization: Optional[str]) -> int:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing bearer token")
    try:
        claims = jwt.decode(token.strip(), settings.jwt_secret, algorithms=["HS256"],
                            options={"require": ["exp", "sub"]})
        account = int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise _unauthorized(f"invalid token: {exc}") from None
    if not is_key(account):
        raise _unauthorized("invalid token: bad sub")
    return account


@router.post("/flow/login")
async def flow_login(body: LoginIn):
    start = time.perf_counter()
    row = await db.get_pool().fetchrow(
        "SELECT id, password_hash FROM accounts WHERE email = $1", body.email)
    # bcrypt is CPU work: off the event loop, in Starlette's thread pool.
    if row is None or not await run_in_threadpool(
            bcrypt.checkpw, body.password.encode(), row["password_hash"].encode()):
        raise _unauthorized("wrong email or password")
    claims = {"sub": str(row["id"]), "email": body.email,
              "exp": int(time.time()) + TOKEN_TTL_SECONDS}
    token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    return {"access_token": token, "token_type": "bearer", "account_id": row["id"],
            "elapsed_ms": (time.perf_counter() - start) * 1000.0}


@router.get("/flow/feed")
async def flow_feed(limit: int = Query(20, ge=1, le=100),
                    before: int = Query(INT4_MAX, ge=1, le=INT4_MAX),
                    authorization: Optional[str] = Header(default=None)):
    account = _account(authorization)
    records = await db.get_pool().fetch(
        "SELECT p.id, p.title, p.body, p.created_at, a.name AS author_name "
        "FROM account_posts p JOIN accounts a ON a.id = p.account_id "
        "WHERE p.account_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3",
        account, before, limit + 1)
    items = db.rows(records[:limit])
    more = len(records) > limit
    return JSONResponse({"account_id": account, "items": items,
                         "next_before": items[-1]["id"] if more else None})


@router.post("/flow/posts", status_code=201)
async def flow_post_create(body: PostIn, authorization: Optional[str] = Header(default=None)):
    account = _account(authorization)
    row = await db.get_pool().fetchrow(
        f"INSERT INTO account_posts (account_id, title, body) VALUES ($1, $2, $3) "
        f"RETURNING {POST_COLUMNS}", account, body.title, body.body)
    return JSONResponse(db.row(row), status_code=201)


@router.get("/flow/posts/{post_id}")
async def flow_post_get(post_id: int, authorization: Optional[str] = Header(default=None)):
    account = _account(authorization)
    row = await db.get_pool().fetchrow(
        f"SELECT {POST_COLUMNS} FROM account_posts WHERE id = $1 AND account_id = $2",
        post_id, account) if is_key(post_id) else None
    if row is None:
        raise HTTPException(404, "post not found")
    return JSONResponse(db.row(row))
