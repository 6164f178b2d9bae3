"""The asyncpg pool and turning records into JSON-ready dicts."""
import datetime
import decimal
import json
import uuid
from typing import Any, Dict, Iterable, List, Optional

import asyncpg

from .settings import settings

pool: Optional[asyncpg.Pool] = None


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb/json columns come back as Python objects, so they serialize as
    # JSON objects rather than as strings holding JSON.
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(typename, encoder=json.dumps, decoder=json.loads,
                                  schema="pg_catalog")


async def open_pool() -> None:
    global pool
    pool = await asyncpg.create_pool(**settings.pg, min_size=settings.db_pool,
                                     max_size=settings.db_pool, init=_init_connection)


async def close_pool() -> None:
    if pool is not None:
        await pool.close()


def get_pool() -> asyncpg.Pool:
    assert pool is not None, "database pool not open"
    return pool


def _value(v: Any) -> Any:
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, decimal.Decimal):
        return float(v)
    return v


def row(record: asyncpg.Record) -> Dict[str, Any]:
    """Any record as a dict of JSON-ready values (all columns)."""
    return {k: _value(v) for k, v in record.items()}


def rows(records: Iterable[asyncpg.Record]) -> List[Dict[str, Any]]:
    return [row(r) for r in records]


def user(r: asyncpg.Record) -> Dict[str, Any]:
    """The {id,name,email,created_at} shape, without the generic type checks."""
    created = r["created_at"]
    return {"id": r["id"], "name": r["name"], "email": r["email"],
            "created_at": created.isoformat() if created is not None else None}
