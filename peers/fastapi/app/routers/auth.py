"""Scenario 17: stateless JWT (HS256) versus server-side sessions in Redis."""
import secrets
import time
from typing import Optional

import jwt
from fastapi import APIRouter, Header, HTTPException, Query

from .. import db
from ..cache import get_redis
from ..params import is_key
from ..settings import settings

router = APIRouter()

TOKEN_TTL_SECONDS = 1800
USER = "SELECT id, email FROM users WHERE id = $1"


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def _bearer(authorization: Optional[str]) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing bearer token")
    return token.strip()


async def _user(user_id: int):
    r = await db.get_pool().fetchrow(USER, user_id) if is_key(user_id) else None
    if r is None:
        raise _unauthorized(f"no user {user_id}")
    return r


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


@router.get("/auth/public")
async def public():
    return {"message": "public endpoint", "authenticated": False}


@router.post("/auth/login/jwt")
async def login_jwt(user_id: int = Query(...)):
    start = time.perf_counter()
    user = await _user(user_id)
    claims = {"sub": str(user["id"]), "email": user["email"],
              "exp": int(time.time()) + TOKEN_TTL_SECONDS}
    token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    return {"access_token": token, "token_type": "bearer", "elapsed_ms": _ms(start)}


@router.get("/auth/protected/jwt")
async def protected_jwt(authorization: Optional[str] = Header(default=None)):
    start = time.perf_counter()
    token = _bearer(authorization)
    try:
        # algorithms pinned: a token signed with anything but HS256 (or "none") fails.
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            options={"require": ["exp", "sub"]})
        user_id = int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise _unauthorized(f"invalid token: {exc}") from None
    user = await _user(user_id)
    return {"message": "jwt authentication successful", "auth_type": "jwt",
            "user_id": user["id"], "email": user["email"], "elapsed_ms": _ms(start)}


@router.post("/auth/login/session")
async def login_session(user_id: int = Query(...)):
    start = time.perf_counter()
    user = await _user(user_id)
    token = secrets.token_urlsafe(32)
    await get_redis().setex(f"session:{token}", TOKEN_TTL_SECONDS, user["id"])
    return {"session_token": token, "token_type": "session", "elapsed_ms": _ms(start)}


@router.get("/auth/protected/session")
async def protected_session(authorization: Optional[str] = Header(default=None),
                            x_session_token: Optional[str] = Header(default=None)):
    start = time.perf_counter()
    token = x_session_token or _bearer(authorization)
    if len(token) > 256:
        raise _unauthorized("invalid session token")
    stored = await get_redis().get(f"session:{token}")
    if stored is None:
        raise _unauthorized("unknown or expired session")
    user = await _user(int(stored))
    return {"message": "session authentication successful", "auth_type": "session",
            "user_id": user["id"], "email": user["email"], "elapsed_ms": _ms(start)}
