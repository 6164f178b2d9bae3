"""Aggregations: the ORM's plan (several statements, joined here) or one statement."""
from typing import Any, Dict, List

from ..domain.errors import NotFound
from ..repositories.stats import StatsRepository


class StatsService:
    def __init__(self, stats: StatsRepository) -> None:
        self.stats = stats

    @staticmethod
    def _variant(variant: str) -> bool:
        if variant not in ("orm", "raw"):
            raise NotFound(f"unknown variant '{variant}' (orm, raw)")
        return variant == "orm"

    async def counts(self, variant: str) -> Dict[str, int]:
        if not self._variant(variant):
            return await self.stats.counts()
        return {"count_star": await self.stats.count("star"),
                "count_id": await self.stats.count("id"),
                "count_distinct_status": await self.stats.count("status")}

    async def by_country(self, variant: str, limit: int) -> List[Dict[str, Any]]:
        if not self._variant(variant):
            return await self.stats.country_stats(limit)
        ranked = await self.stats.countries_ranked(limit)
        sums = await self.stats.login_sums([r["country"] for r in ranked])
        return [{"country": r["country"], "user_count": r["user_count"],
                 "total_logins": sums[r["country"]]["total_logins"],
                 "avg_logins": sums[r["country"]]["avg_logins"]} for r in ranked]

    async def by_author(self, variant: str, limit: int) -> List[Dict[str, Any]]:
        if not self._variant(variant):
            return await self.stats.author_stats(limit)
        ranked = await self.stats.post_stats_by_author(limit)
        names = await self.stats.author_names([r["author_id"] for r in ranked])
        return [{"author_id": r["author_id"], "author_name": names.get(r["author_id"]),
                 "post_count": r["post_count"], "total_views": r["total_views"],
                 "avg_views": r["avg_views"]} for r in ranked]
