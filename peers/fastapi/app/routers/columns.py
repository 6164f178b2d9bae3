"""Scenario 10: the cost of columns and column types (SELECT * ... LIMIT N)."""
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from .. import db

router = APIRouter()

WIDTH_TABLES = {"narrow": "users_narrow", "wide": "users_wide",
                "extra-wide": "users_extra_wide"}
TYPE_TABLES = {t: f"users_type_{t}"
               for t in ("int", "varchar", "text", "jsonb", "timestamp", "uuid")}


async def _select_all(table: str, limit: int) -> JSONResponse:
    # The table name comes from the fixed maps above, never from the request.
    records = await db.get_pool().fetch(f"SELECT * FROM {table} ORDER BY id LIMIT $1", limit)
    return JSONResponse(db.rows(records))


@router.get("/column-overhead/type/{kind}")
async def by_type(kind: str, limit: int = Query(100, ge=1, le=1000)):
    if kind not in TYPE_TABLES:
        raise HTTPException(404, f"unknown column type '{kind}' (int, varchar, text, jsonb, timestamp, uuid)")
    return await _select_all(TYPE_TABLES[kind], limit)


@router.get("/column-overhead/{width}")
async def by_width(width: str, limit: int = Query(100, ge=1, le=1000)):
    if width not in WIDTH_TABLES:
        raise HTTPException(404, f"unknown width '{width}' (narrow, wide, extra-wide)")
    return await _select_all(WIDTH_TABLES[width], limit)
