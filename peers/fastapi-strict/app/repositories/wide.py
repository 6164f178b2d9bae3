"""The column-overhead tables (users_narrow ... users_type_uuid)."""
from typing import Any, Dict, List

import asyncpg

from .rows import as_dict

TABLES = {"narrow": "users_narrow", "wide": "users_wide", "extra-wide": "users_extra_wide",
          **{f"type/{t}": f"users_type_{t}"
             for t in ("int", "varchar", "text", "jsonb", "timestamp", "uuid")}}


class WideTableRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def first_rows(self, table_key: str, limit: int) -> List[Dict[str, Any]]:
        # The table name is one of TABLES' values, never the request's text.
        table = TABLES[table_key]
        return [as_dict(r) for r in await self.pool.fetch(
            f"SELECT * FROM {table} ORDER BY id LIMIT $1", limit)]
