"""Bulk writes and the stock-decrement strategies."""
from typing import Any, Dict

from ..domain.errors import NotFound, SerializationFailure
from ..domain.keys import is_key
from ..repositories.bulk_items import BulkItemRepository
from ..repositories.products import ProductRepository
from .timing import Stopwatch


class BulkService:
    OPERATIONS = ("insert-individual", "insert-batch", "insert-raw", "update-individual",
                  "update-bulk")

    def __init__(self, items: BulkItemRepository) -> None:
        self.items = items

    async def cleanup(self) -> Dict[str, str]:
        await self.items.truncate()
        return {"message": "bulk_items truncated"}

    async def run(self, operation: str, count: int) -> Dict[str, Any]:
        if operation not in self.OPERATIONS:
            raise NotFound(f"unknown bulk operation '{operation}' ({', '.join(self.OPERATIONS)})")
        watch = Stopwatch()
        rows = [(f"item_{i}", i) for i in range(1, count + 1)]
        if operation == "insert-individual":
            done = 0
            for name, value in rows:
                done += await self.items.insert_one(name, value)
        elif operation == "insert-batch":
            done = await self.items.insert_in_one_transaction(rows)
        elif operation == "insert-raw":
            done = await self.items.insert_one_statement(rows)
        elif operation == "update-individual":
            done = 0
            for i in range(1, count + 1):
                done += await self.items.set_value(i, i * 10)
        else:
            done = await self.items.set_values({i: i * 10 for i in range(1, count + 1)})
        return {"operation": operation, "count": done, "elapsed_ms": watch.ms()}


OPTIMISTIC_RETRIES = 5


class StockService:
    METHODS = ("no-lock", "pessimistic", "optimistic", "serializable")

    def __init__(self, products: ProductRepository) -> None:
        self.products = products

    async def reset(self) -> Dict[str, str]:
        await self.products.reset_all()
        return {"message": "products reset"}

    async def product(self, product_id: int) -> Dict[str, Any]:
        found = await self.products.get(product_id) if is_key(product_id) else None
        if found is None:
            raise NotFound(f"product {product_id} not found")
        return found

    async def decrement(self, method: str, product_id: int, quantity: int) -> Dict[str, Any]:
        if method not in self.METHODS:
            raise NotFound(f"unknown method '{method}' ({', '.join(self.METHODS)})")
        out = {"success": False, "method": method, "product_id": product_id, "old_stock": None,
               "new_stock": None, "retries": 0, "elapsed_ms": 0.0, "error": None}
        watch = Stopwatch()
        await getattr(self, "_" + method.replace("-", "_"))(out, product_id, quantity)
        out["elapsed_ms"] = watch.ms()
        return out

    def _missing(self, product_id: int) -> NotFound:
        return NotFound(f"product {product_id} not found")

    @staticmethod
    def _enough(out: Dict[str, Any], stock: int, quantity: int) -> bool:
        out["old_stock"] = out["new_stock"] = stock
        if stock < quantity:
            out["error"] = "insufficient stock"
            return False
        return True

    async def _take(self, out, product_id: int, quantity: int, lock: bool) -> None:
        stock = await self.products.stock(product_id, lock=lock)
        if stock is None:
            raise self._missing(product_id)
        if self._enough(out, stock, quantity):
            await self.products.set_stock(product_id, stock - quantity)
            out["success"], out["new_stock"] = True, stock - quantity

    async def _no_lock(self, out, product_id: int, quantity: int) -> None:
        await self._take(out, product_id, quantity, lock=False)

    async def _pessimistic(self, out, product_id: int, quantity: int) -> None:
        async with self.products.transaction():
            await self._take(out, product_id, quantity, lock=True)

    async def _optimistic(self, out, product_id: int, quantity: int) -> None:
        while True:
            seen = await self.products.stock_and_version(product_id)
            if seen is None:
                raise self._missing(product_id)
            if not self._enough(out, seen["stock"], quantity):
                return
            if await self.products.set_stock_if_version(product_id, seen["stock"] - quantity,
                                                        seen["version"]):
                out["success"], out["new_stock"] = True, seen["stock"] - quantity
                return
            if out["retries"] == OPTIMISTIC_RETRIES:
                out["error"] = f"version conflict: gave up after {OPTIMISTIC_RETRIES} retries"
                return
            out["retries"] += 1

    async def _serializable(self, out, product_id: int, quantity: int) -> None:
        try:
            async with self.products.transaction("serializable"):
                await self._take(out, product_id, quantity, lock=False)
        except SerializationFailure:
            out["success"], out["new_stock"] = False, out["old_stock"]
            out["error"] = "serialization failure"
