"""Scenario 13: decrementing stock under contention with four strategies."""
import time
from typing import Any, Dict

import asyncpg
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from .. import db
from ..params import INT4_MAX, is_key

router = APIRouter()

OPTIMISTIC_RETRIES = 5


class Outcome:
    def __init__(self, method: str, product_id: int):
        self.method, self.product_id = method, product_id
        self.success, self.old_stock, self.new_stock = False, None, None
        self.retries, self.error = 0, None

    def as_dict(self, elapsed_ms: float) -> Dict[str, Any]:
        return {"success": self.success, "method": self.method,
                "product_id": self.product_id, "old_stock": self.old_stock,
                "new_stock": self.new_stock, "retries": self.retries,
                "elapsed_ms": elapsed_ms, "error": self.error}


def _not_found(product_id: int) -> HTTPException:
    return HTTPException(404, f"product {product_id} not found")


def _enough(out: Outcome, stock: int, quantity: int) -> bool:
    out.old_stock = out.new_stock = stock
    if stock < quantity:
        out.error = "insufficient stock"
        return False
    return True


# Every write bumps the version (as benchlab-server does), so a compare-and-swap
# never misses a change made by another method.
SET_STOCK = ("UPDATE products SET stock = $2, version = version + 1, updated_at = now() "
             "WHERE id = $1")


async def no_lock(conn, out: Outcome, pid: int, qty: int) -> None:
    # Read, then write what was read minus qty: concurrent requests lose updates.
    stock = await conn.fetchval("SELECT stock FROM products WHERE id = $1", pid)
    if stock is None:
        raise _not_found(pid)
    if _enough(out, stock, qty):
        await conn.execute(SET_STOCK, pid, stock - qty)
        out.success, out.new_stock = True, stock - qty


async def pessimistic(conn, out: Outcome, pid: int, qty: int) -> None:
    async with conn.transaction():
        stock = await conn.fetchval("SELECT stock FROM products WHERE id = $1 FOR UPDATE", pid)
        if stock is None:
            raise _not_found(pid)
        if _enough(out, stock, qty):
            await conn.execute(SET_STOCK, pid, stock - qty)
            out.success, out.new_stock = True, stock - qty


async def optimistic(conn, out: Outcome, pid: int, qty: int) -> None:
    # Compare-and-swap on version; a lost race is retried up to 5 times.
    while True:
        r = await conn.fetchrow("SELECT stock, version FROM products WHERE id = $1", pid)
        if r is None:
            raise _not_found(pid)
        if not _enough(out, r["stock"], qty):
            return
        status = await conn.execute(
            "UPDATE products SET stock = $2, version = version + 1, updated_at = now() "
            "WHERE id = $1 AND version = $3", pid, r["stock"] - qty, r["version"])
        if status == "UPDATE 1":
            out.success, out.new_stock = True, r["stock"] - qty
            return
        if out.retries == OPTIMISTIC_RETRIES:
            out.error = f"version conflict: gave up after {OPTIMISTIC_RETRIES} retries"
            return
        out.retries += 1


async def serializable(conn, out: Outcome, pid: int, qty: int) -> None:
    # A serialization failure is the result being measured: reported, not retried.
    try:
        async with conn.transaction(isolation="serializable"):
            stock = await conn.fetchval("SELECT stock FROM products WHERE id = $1", pid)
            if stock is None:
                raise _not_found(pid)
            if _enough(out, stock, qty):
                await conn.execute(SET_STOCK, pid, stock - qty)
                out.new_stock = stock - qty
    except asyncpg.SerializationError:
        out.new_stock, out.error = out.old_stock, "serialization failure"
        return
    out.success = out.error is None


METHODS = {"no-lock": no_lock, "pessimistic": pessimistic, "optimistic": optimistic,
           "serializable": serializable}


@router.post("/transactions/reset")
async def reset():
    await db.get_pool().execute("UPDATE products SET stock = 1000, version = 0, updated_at = now()")
    return {"message": "products reset"}


@router.get("/transactions/products/{product_id}")
async def product(product_id: int):
    r = None if not is_key(product_id) else await db.get_pool().fetchrow(
        "SELECT id, name, stock, version, updated_at FROM products WHERE id = $1", product_id)
    if r is None:
        raise _not_found(product_id)
    return JSONResponse(db.row(r))


@router.post("/transactions/decrement/{method}")
async def decrement(method: str, product_id: int = Query(1, ge=1, le=INT4_MAX),
                    quantity: int = Query(1, ge=1, le=1_000_000)):
    run = METHODS.get(method)
    if run is None:
        raise HTTPException(404, f"unknown method '{method}' ({', '.join(METHODS)})")
    out = Outcome(method, product_id)
    async with db.get_pool().acquire() as conn:
        start = time.perf_counter()
        await run(conn, out, product_id, quantity)
        elapsed = (time.perf_counter() - start) * 1000.0
    return out.as_dict(elapsed)
