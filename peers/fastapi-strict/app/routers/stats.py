from fastapi import APIRouter, Depends, Query

from ..dependencies import stats_service
from ..services.stats import StatsService

router = APIRouter()


@router.get("/aggregation/count/{variant}")
async def counts(variant: str, service: StatsService = Depends(stats_service)):
    return await service.counts(variant)


@router.get("/aggregation/stats/country/{variant}")
async def by_country(variant: str, limit: int = Query(10, ge=1, le=1000),
                     service: StatsService = Depends(stats_service)):
    return await service.by_country(variant, limit)


@router.get("/aggregation/stats/author/{variant}")
async def by_author(variant: str, limit: int = Query(10, ge=1, le=1000),
                    service: StatsService = Depends(stats_service)):
    return await service.by_author(variant, limit)
