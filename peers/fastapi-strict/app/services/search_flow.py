"""Text search three ways (scenario 19) and the end-to-end flow (scenario 20)."""
import re
import time
from typing import Any, Dict

import bcrypt
import jwt
from starlette.concurrency import run_in_threadpool

from ..domain.errors import Invalid, NotFound, Unauthenticated
from ..domain.keys import is_key
from ..repositories.search_flow import AccountRepository, SearchRepository
from .timing import Stopwatch

TOKEN_TTL = 1800
INT4_MAX = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SearchService:
    def __init__(self, posts: SearchRepository) -> None:
        self.posts = posts

    @staticmethod
    def like_pattern(q: str) -> str:
        """'%q%' with LIKE's metacharacters (and its escape, \\) matching themselves."""
        return "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"

    async def search(self, q: str, method: str, limit: int) -> Dict[str, Any]:
        if _CONTROL.search(q):
            raise Invalid("q: control characters are not allowed")
        arg = q if method == "fts" else self.like_pattern(q)
        items = await self.posts.newest_matching(method, arg, limit)
        return {"method": method, "q": q, "count": len(items), "items": items}


class FlowService:
    def __init__(self, accounts: AccountRepository, secret: str) -> None:
        self.accounts, self.secret = accounts, secret

    async def login(self, email: str, password: str) -> Dict[str, Any]:
        watch = Stopwatch()
        account = await self.accounts.credentials(email)
        # bcrypt is CPU work: off the event loop, in Starlette's thread pool.
        if account is None or not await run_in_threadpool(
                bcrypt.checkpw, password.encode(), account["password_hash"].encode()):
            raise Unauthenticated("wrong email or password")
        claims = {"sub": str(account["id"]), "email": email, "exp": int(time.time()) + TOKEN_TTL}
        return {"access_token": jwt.encode(claims, self.secret, algorithm="HS256"),
                "token_type": "bearer", "account_id": account["id"], "elapsed_ms": watch.ms()}

    def account_of(self, token: str) -> int:
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"],
                                options={"require": ["exp", "sub"]})
            account_id = int(claims["sub"])
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        if not is_key(account_id):
            raise Unauthenticated("invalid token: bad sub")
        return account_id

    async def feed(self, token: str, limit: int, before: int) -> Dict[str, Any]:
        account_id = self.account_of(token)
        rows = await self.accounts.feed(account_id, before, limit + 1)
        items = rows[:limit]
        return {"account_id": account_id, "items": items,
                "next_before": items[-1]["id"] if len(rows) > limit else None}

    async def write(self, token: str, title: str, body: str) -> Dict[str, Any]:
        return await self.accounts.add_post(self.account_of(token), title, body)

    async def read_back(self, token: str, post_id: int) -> Dict[str, Any]:
        account_id = self.account_of(token)
        post = await self.accounts.post(post_id, account_id) if is_key(post_id) else None
        if post is None:
            raise NotFound("post not found")
        return post
