"""Scenario 18 (aggregations: the ORM's queries or one raw statement) and the
server-configuration workloads."""
import json
import time

import bcrypt
from django.db import connection
from django.db.models import Avg, Count, Sum
from django.db.models.functions import Coalesce
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from . import models
from .serializers import FibonacciQuery, StatsQuery, query

PASSWORD = b"benchmark-password-2026"


def _raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _floats(rows, key):
    for row in rows:
        row[key] = float(row[key]) if row[key] is not None else None
    return rows


class AggregationViewSet(viewsets.ViewSet):
    @staticmethod
    def _orm(variant):
        if variant not in ("orm", "raw"):
            raise exceptions.NotFound(f"unknown variant '{variant}' (orm, raw)")
        return variant == "orm"

    def counts(self, request, variant):
        if self._orm(variant):
            users = models.WideUser.objects
            return Response({"count_star": users.count(),
                             "count_id": users.aggregate(n=Count("id"))["n"],
                             "count_distinct_status": users.aggregate(
                                 n=Count("status", distinct=True))["n"]})
        return Response(_raw("SELECT count(*) AS count_star, count(id) AS count_id, "
                             "count(DISTINCT status) AS count_distinct_status FROM users_wide")[0])

    def by_country(self, request, variant):
        limit = query(StatsQuery, request)["limit"]
        if not self._orm(variant):
            return Response(_floats(_raw(
                "SELECT country, count(*) AS user_count, sum(login_count) AS total_logins, "
                "avg(login_count) AS avg_logins FROM users_wide GROUP BY country "
                "ORDER BY user_count DESC, country LIMIT %s", limit), "avg_logins"))
        users = models.WideUser.objects
        ranked = list(users.values("country").annotate(user_count=Count("id"))
                      .order_by("-user_count", "country")[:limit])
        sums = {r["country"]: r for r in users.filter(country__in=[r["country"] for r in ranked])
                .values("country").annotate(total_logins=Sum("login_count"),
                                            avg_logins=Avg("login_count")).order_by()}
        return Response([{"country": r["country"], "user_count": r["user_count"],
                          "total_logins": sums[r["country"]]["total_logins"],
                          "avg_logins": sums[r["country"]]["avg_logins"]} for r in ranked])

    def by_author(self, request, variant):
        limit = query(StatsQuery, request)["limit"]
        if not self._orm(variant):
            return Response(_floats(_raw(
                "SELECT a.id AS author_id, a.name AS author_name, count(p.id) AS post_count, "
                "sum(p.view_count) AS total_views, avg(p.view_count) AS avg_views "
                "FROM authors a JOIN posts p ON p.author_id = a.id GROUP BY a.id, a.name "
                "ORDER BY post_count DESC, a.id LIMIT %s", limit), "avg_views"))
        ranked = list(models.Post.objects.values("author_id")
                      .annotate(post_count=Count("id"), total_views=Sum("view_count"),
                                avg_views=Avg("view_count"))
                      .order_by("-post_count", "author_id")[:limit])
        names = dict(models.Author.objects.filter(id__in=[r["author_id"] for r in ranked])
                     .values_list("id", "name"))
        return Response([{"author_id": r["author_id"], "author_name": names.get(r["author_id"]),
                          "post_count": r["post_count"], "total_views": r["total_views"],
                          "avg_views": r["avg_views"]} for r in ranked])


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def author_totals():
    return list(models.Author.objects.order_by("id")
                .annotate(post_count=Count("posts"),
                          total_views=Coalesce(Sum("posts__view_count"), 0))
                .values("id", "name", "email", "post_count", "total_views"))


def _top(authors, field):
    ranked = sorted(authors, key=lambda a: (-a[field], a["id"]))[:10]
    return [{"id": a["id"], "name": a["name"], field: a[field]} for a in ranked]


class WorkloadViewSet(viewsets.ViewSet):
    def sleep(self, request):
        start = time.perf_counter()
        time.sleep(0.1)
        return Response({"status": "ok", "slept": 0.1,
                         "slept_ms": (time.perf_counter() - start) * 1000.0})

    def db(self, request):
        authors = author_totals()
        return Response({"count": len(authors), "authors": authors})

    def fibonacci(self, request):
        n = query(FibonacciQuery, request)["n"]
        return Response({"n": n, "result": fibonacci(n)})

    def hash(self, request):
        return Response({"status": "ok",
                         "hash_length": len(bcrypt.hashpw(PASSWORD, bcrypt.gensalt(rounds=12)))})

    def json_serialize(self, request):
        items = [{"id": i, "name": f"item_{i}", "email": f"user{i}@example.com", "value": i * 1.5}
                 for i in range(10000)]
        return Response({"status": "ok", "items": len(items),
                         "bytes": len(json.dumps(items, separators=(",", ":")))})

    def report(self, request):
        blob = json.dumps(author_totals(), separators=(",", ":"))
        authors = json.loads(blob)
        posts = sum(a["post_count"] for a in authors)
        views = sum(a["total_views"] for a in authors)
        return Response({
            "summary": {"total_authors": len(authors), "total_posts": posts, "total_views": views,
                        "avg_posts_per_author": posts / len(authors) if authors else 0.0,
                        "avg_views_per_post": views / posts if posts else 0.0,
                        "json_bytes": len(blob)},
            "top_by_posts": _top(authors, "post_count"),
            "top_by_views": _top(authors, "total_views")})
