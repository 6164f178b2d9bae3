"""Scenarios 03, 04, 09: the users resource and its two pagination styles."""
import math
from typing import Optional

import asyncpg
from fastapi import APIRouter, HTTPException, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, constr, validator

from .. import db
from ..params import INT4_MAX, is_key

router = APIRouter()

USER_COLUMNS = "id, name, email, created_at"


def one_at(email: Optional[str]) -> Optional[str]:
    # An address has exactly one '@' with something on both sides (benchlab-server's rule).
    if email is not None:
        at = email.find("@")
        if at <= 0 or at == len(email) - 1 or "@" in email[at + 1:]:
            raise ValueError("an address with one '@' is required")
    return email


class UserIn(BaseModel):
    name: constr(strict=True, min_length=1, max_length=100)
    email: constr(strict=True, min_length=3, max_length=255)
    _email = validator("email", allow_reuse=True)(one_at)


class UserPatch(BaseModel):
    name: Optional[constr(strict=True, min_length=1, max_length=100)] = None
    email: Optional[constr(strict=True, min_length=3, max_length=255)] = None
    _email = validator("email", allow_reuse=True)(one_at)


@router.get("/users")
async def list_users():
    records = await db.get_pool().fetch(f"SELECT {USER_COLUMNS} FROM users ORDER BY id")
    return JSONResponse([db.user(r) for r in records])


# The two pagination routes come before /users/{user_id} so they are not
# taken for an id.
@router.get("/users/offset")
async def users_offset(page: int = Query(1, ge=1, le=10_000_000),
                       size: int = Query(20, ge=1, le=100)):
    pool = db.get_pool()
    records = await pool.fetch(
        f"SELECT {USER_COLUMNS} FROM users_pagination ORDER BY id LIMIT $1 OFFSET $2",
        size, (page - 1) * size)
    total = await pool.fetchval("SELECT count(*) FROM users_pagination")
    return JSONResponse({"items": [db.user(r) for r in records], "total": total,
                         "page": page, "size": size,
                         "total_pages": math.ceil(total / size)})


@router.get("/users/cursor")
async def users_cursor(cursor: int = Query(0, ge=0, le=INT4_MAX), size: int = Query(20, ge=1, le=100)):
    records = await db.get_pool().fetch(
        f"SELECT {USER_COLUMNS} FROM users_pagination WHERE id > $1 ORDER BY id LIMIT $2",
        cursor, size + 1)
    more = len(records) > size
    items = [db.user(r) for r in records[:size]]
    return JSONResponse({"items": items,
                         "next_cursor": items[-1]["id"] if more else None,
                         "size": size})


@router.get("/users/{user_id}")
async def get_user(user_id: int):
    r = None if not is_key(user_id) else await db.get_pool().fetchrow(f"SELECT {USER_COLUMNS} FROM users WHERE id = $1", user_id)
    if r is None:
        raise HTTPException(404, f"user {user_id} not found")
    return JSONResponse(db.user(r))


@router.post("/users", status_code=201)
async def create_user(body: UserIn):
    try:
        r = await db.get_pool().fetchrow(
            f"INSERT INTO users (name, email, created_at) VALUES ($1, $2, now()) "
            f"RETURNING {USER_COLUMNS}", body.name, body.email)
    except asyncpg.UniqueViolationError:
        raise HTTPException(409, f"email {body.email} already exists") from None
    return JSONResponse(db.user(r), status_code=201)


@router.put("/users/{user_id}")
async def update_user(user_id: int, body: UserPatch):
    if body.name is None and body.email is None:
        raise HTTPException(422, "body: name or email is required")
    if not is_key(user_id):
        raise HTTPException(404, f"user {user_id} not found")
    try:
        r = await db.get_pool().fetchrow(
            f"UPDATE users SET name = COALESCE($2, name), email = COALESCE($3, email) "
            f"WHERE id = $1 RETURNING {USER_COLUMNS}", user_id, body.name, body.email)
    except asyncpg.UniqueViolationError:
        raise HTTPException(409, f"email {body.email} already exists") from None
    if r is None:
        raise HTTPException(404, f"user {user_id} not found")
    return JSONResponse(db.user(r))


@router.delete("/users/{user_id}", status_code=204)
async def delete_user(user_id: int):
    status = "DELETE 0" if not is_key(user_id) else await db.get_pool().execute("DELETE FROM users WHERE id = $1", user_id)
    if status == "DELETE 0":
        raise HTTPException(404, f"user {user_id} not found")
    return Response(status_code=204)
