"""Scenario 12: bulk inserts and updates into bulk_items, five ways."""
import time

from fastapi import APIRouter, HTTPException, Query

from .. import db

router = APIRouter()

INSERT_ONE = "INSERT INTO bulk_items (name, value, created_at) VALUES ($1, $2, now())"


async def insert_individual(conn, n: int) -> int:
    # Autocommit: every INSERT is its own statement and its own commit.
    for i in range(1, n + 1):
        await conn.execute(INSERT_ONE, f"item_{i}", i)
    return n


async def insert_batch(conn, n: int) -> int:
    # All rows in one transaction (what an ORM's add_all + commit does).
    async with conn.transaction():
        await conn.executemany(INSERT_ONE, [(f"item_{i}", i) for i in range(1, n + 1)])
    return n


async def insert_raw(conn, n: int) -> int:
    # One multi-row INSERT ... VALUES ($1,$2),($3,$4),...
    values = ",".join(f"(${2 * k + 1}, ${2 * k + 2}, now())" for k in range(n))
    args = []
    for i in range(1, n + 1):
        args += (f"item_{i}", i)
    status = await conn.execute(
        f"INSERT INTO bulk_items (name, value, created_at) VALUES {values}", *args)
    return int(status.rsplit(" ", 1)[1])


async def update_individual(conn, n: int) -> int:
    updated = 0
    for i in range(1, n + 1):
        status = await conn.execute("UPDATE bulk_items SET value = $1 WHERE id = $2", i * 10, i)
        updated += int(status.rsplit(" ", 1)[1])
    return updated


async def update_bulk(conn, n: int) -> int:
    # One UPDATE with a CASE over the ids 1..n (integers generated here, not
    # taken from the request, so they are written into the statement).
    cases = " ".join(f"WHEN {i} THEN {i * 10}" for i in range(1, n + 1))
    status = await conn.execute(
        f"UPDATE bulk_items SET value = CASE id {cases} END WHERE id BETWEEN 1 AND $1", n)
    return int(status.rsplit(" ", 1)[1])


OPERATIONS = {"insert-individual": insert_individual, "insert-batch": insert_batch,
              "insert-raw": insert_raw, "update-individual": update_individual,
              "update-bulk": update_bulk}


@router.delete("/bulk-operations/cleanup")
async def cleanup():
    await db.get_pool().execute("TRUNCATE bulk_items RESTART IDENTITY")
    return {"message": "bulk_items truncated"}


@router.post("/bulk-operations/{operation}")
async def bulk(operation: str, count: int = Query(1000, ge=1, le=10000)):
    run = OPERATIONS.get(operation)
    if run is None:
        raise HTTPException(404, f"unknown bulk operation '{operation}' ({', '.join(OPERATIONS)})")
    async with db.get_pool().acquire() as conn:
        start = time.perf_counter()
        done = await run(conn, count)
        elapsed = (time.perf_counter() - start) * 1000.0
    return {"operation": operation, "count": done, "elapsed_ms": elapsed}
