"""Scenario 18: aggregations as an ORM would plan them ("orm": several
statements, combined in Python) versus one hand-written statement ("raw")."""
from fastapi import APIRouter, HTTPException, Query

from .. import db

router = APIRouter()


def _variant(variant: str) -> str:
    if variant not in ("orm", "raw"):
        raise HTTPException(404, f"unknown variant '{variant}' (orm, raw)")
    return variant


@router.get("/aggregation/count/{variant}")
async def counts(variant: str):
    pool = db.get_pool()
    if _variant(variant) == "orm":
        return {"count_star": await pool.fetchval("SELECT count(*) FROM users_wide"),
                "count_id": await pool.fetchval("SELECT count(id) FROM users_wide"),
                "count_distinct_status": await pool.fetchval(
                    "SELECT count(DISTINCT status) FROM users_wide")}
    r = await pool.fetchrow("SELECT count(*) AS count_star, count(id) AS count_id, "
                            "count(DISTINCT status) AS count_distinct_status FROM users_wide")
    return dict(r)


def _num(v):
    return float(v) if v is not None else None


@router.get("/aggregation/stats/country/{variant}")
async def by_country(variant: str, limit: int = Query(10, ge=1, le=1000)):
    pool = db.get_pool()
    if _variant(variant) == "orm":
        # The ORM plan: the ranking query, then the sums/averages for those groups.
        ranked = await pool.fetch(
            "SELECT country, count(*) AS user_count FROM users_wide GROUP BY country "
            "ORDER BY user_count DESC, country LIMIT $1", limit)
        sums = await pool.fetch(
            "SELECT country, sum(login_count) AS total_logins, avg(login_count) AS avg_logins "
            "FROM users_wide WHERE country = ANY($1::varchar[]) GROUP BY country",
            [r["country"] for r in ranked])
        by = {r["country"]: r for r in sums}
        return [{"country": r["country"], "user_count": r["user_count"],
                 "total_logins": by[r["country"]]["total_logins"],
                 "avg_logins": _num(by[r["country"]]["avg_logins"])} for r in ranked]
    records = await pool.fetch(
        "SELECT country, count(*) AS user_count, sum(login_count) AS total_logins, "
        "avg(login_count) AS avg_logins FROM users_wide GROUP BY country "
        "ORDER BY user_count DESC, country LIMIT $1", limit)
    return [{"country": r["country"], "user_count": r["user_count"],
             "total_logins": r["total_logins"], "avg_logins": _num(r["avg_logins"])}
            for r in records]


@router.get("/aggregation/stats/author/{variant}")
async def by_author(variant: str, limit: int = Query(10, ge=1, le=1000)):
    pool = db.get_pool()
    if _variant(variant) == "orm":
        # The ORM plan: aggregate posts per author_id, then load those authors.
        ranked = await pool.fetch(
            "SELECT author_id, count(*) AS post_count, sum(view_count) AS total_views, "
            "avg(view_count) AS avg_views FROM posts GROUP BY author_id "
            "ORDER BY post_count DESC, author_id LIMIT $1", limit)
        names = dict(await pool.fetch("SELECT id, name FROM authors WHERE id = ANY($1::int[])",
                                      [r["author_id"] for r in ranked]))
        return [{"author_id": r["author_id"], "author_name": names.get(r["author_id"]),
                 "post_count": r["post_count"], "total_views": r["total_views"],
                 "avg_views": _num(r["avg_views"])} for r in ranked]
    records = await pool.fetch(
        "SELECT a.id AS author_id, a.name AS author_name, count(p.id) AS post_count, "
        "sum(p.view_count) AS total_views, avg(p.view_count) AS avg_views "
        "FROM authors a JOIN posts p ON p.author_id = a.id GROUP BY a.id, a.name "
        "ORDER BY post_count DESC, a.id LIMIT $1", limit)
    return [{"author_id": r["author_id"], "author_name": r["author_name"],
             "post_count": r["post_count"], "total_views": r["total_views"],
             "avg_views": _num(r["avg_views"])} for r in records]
