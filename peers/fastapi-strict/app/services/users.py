"""Users: CRUD and the two pagination styles."""
import math
from typing import Any, Dict, List, Optional

from ..domain.errors import Invalid, NotFound
from ..domain.keys import is_key
from ..repositories.users import PaginationRepository, UserRepository


class UserService:
    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def list(self) -> List[Dict[str, Any]]:
        return await self.users.all()

    async def get(self, user_id: int) -> Dict[str, Any]:
        user = await self.users.get(user_id) if is_key(user_id) else None
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user

    async def create(self, name: str, email: str) -> Dict[str, Any]:
        return await self.users.add(name, email)

    async def update(self, user_id: int, name: Optional[str], email: Optional[str]) -> Dict[str, Any]:
        if name is None and email is None:
            raise Invalid("body: name or email is required")
        user = await self.users.change(user_id, name, email) if is_key(user_id) else None
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user

    async def delete(self, user_id: int) -> None:
        if not (is_key(user_id) and await self.users.remove(user_id)):
            raise NotFound(f"user {user_id} not found")


class PaginationService:
    def __init__(self, rows: PaginationRepository) -> None:
        self.rows = rows

    async def by_offset(self, page: int, size: int) -> Dict[str, Any]:
        items = await self.rows.page(size, (page - 1) * size)
        total = await self.rows.count()
        return {"items": items, "total": total, "page": page, "size": size,
                "total_pages": math.ceil(total / size)}

    async def by_cursor(self, cursor: int, size: int) -> Dict[str, Any]:
        rows = await self.rows.after(cursor, size + 1)
        items = rows[:size]
        return {"items": items, "next_cursor": items[-1]["id"] if len(rows) > size else None,
                "size": size}
