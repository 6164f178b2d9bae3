"""products: the stock the transaction strategies fight over."""
import contextlib
from typing import Any, AsyncIterator, Dict, Optional

import asyncpg

from ..domain.errors import SerializationFailure
from .rows import as_dict

SET_STOCK = "UPDATE products SET stock = $2, version = version + 1, updated_at = now() WHERE id = $1"


class ProductRepository:
    def __init__(self, conn) -> None:
        self.conn = conn  # a pool, or one connection for the decrement strategies

    @contextlib.asynccontextmanager
    async def transaction(self, isolation: str = "read_committed") -> AsyncIterator[None]:
        try:
            async with self.conn.transaction(isolation=isolation):
                yield
        except asyncpg.SerializationError:
            raise SerializationFailure("serialization failure") from None

    async def reset_all(self) -> None:
        await self.conn.execute("UPDATE products SET stock = 1000, version = 0, updated_at = now()")

    async def get(self, product_id: int) -> Optional[Dict[str, Any]]:
        return as_dict(await self.conn.fetchrow(
            "SELECT id, name, stock, version, updated_at FROM products WHERE id = $1", product_id))

    async def stock(self, product_id: int, lock: bool = False) -> Optional[int]:
        suffix = " FOR UPDATE" if lock else ""
        return await self.conn.fetchval(f"SELECT stock FROM products WHERE id = $1{suffix}", product_id)

    async def stock_and_version(self, product_id: int) -> Optional[asyncpg.Record]:
        return await self.conn.fetchrow("SELECT stock, version FROM products WHERE id = $1", product_id)

    async def set_stock(self, product_id: int, stock: int) -> None:
        await self.conn.execute(SET_STOCK, product_id, stock)

    async def set_stock_if_version(self, product_id: int, stock: int, version: int) -> bool:
        status = await self.conn.execute(SET_STOCK + " AND version = $3", product_id, stock, version)
        return status == "UPDATE 1"
