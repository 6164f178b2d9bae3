"""Stateless JWT (HS256) versus server-side sessions in Redis."""
import secrets
import time
from typing import Any, Dict

import jwt

from ..domain.errors import Unauthenticated
from ..domain.keys import is_key
from ..repositories.kv import SessionRepository
from ..repositories.users import UserRepository
from .timing import Stopwatch

TOKEN_TTL = 1800


class AuthService:
    def __init__(self, users: UserRepository, sessions: SessionRepository, secret: str) -> None:
        self.users, self.sessions, self.secret = users, sessions, secret

    async def _user(self, user_id: int) -> Dict[str, Any]:
        user = await self.users.identity(user_id) if is_key(user_id) else None
        if user is None:
            raise Unauthenticated(f"no user {user_id}")
        return user

    @staticmethod
    def public() -> Dict[str, Any]:
        return {"message": "public endpoint", "authenticated": False}

    async def issue_jwt(self, user_id: int) -> Dict[str, Any]:
        watch = Stopwatch()
        user = await self._user(user_id)
        claims = {"sub": str(user["id"]), "email": user["email"], "exp": int(time.time()) + TOKEN_TTL}
        return {"access_token": jwt.encode(claims, self.secret, algorithm="HS256"),
                "token_type": "bearer", "elapsed_ms": watch.ms()}

    async def verify_jwt(self, token: str) -> Dict[str, Any]:
        watch = Stopwatch()
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"],
                                options={"require": ["exp", "sub"]})
            user_id = int(claims["sub"])
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        user = await self._user(user_id)
        return {"message": "jwt authentication successful", "auth_type": "jwt",
                "user_id": user["id"], "email": user["email"], "elapsed_ms": watch.ms()}

    async def open_session(self, user_id: int) -> Dict[str, Any]:
        watch = Stopwatch()
        user = await self._user(user_id)
        token = secrets.token_urlsafe(32)
        await self.sessions.create(token, user["id"])
        return {"session_token": token, "token_type": "session", "elapsed_ms": watch.ms()}

    async def verify_session(self, token: str) -> Dict[str, Any]:
        watch = Stopwatch()
        user_id = await self.sessions.user_id(token) if len(token) <= 256 else None
        if user_id is None:
            raise Unauthenticated("unknown or expired session")
        user = await self._user(user_id)
        return {"message": "session authentication successful", "auth_type": "session",
                "user_id": user["id"], "email": user["email"], "elapsed_ms": watch.ms()}
