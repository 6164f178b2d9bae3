from fastapi import APIRouter, Depends, Query

from ..dependencies import cache_service
from ..services.caching import CacheService

router = APIRouter()


@router.get("/cache/users/{user_id}/no-cache")
async def uncached(user_id: int, service: CacheService = Depends(cache_service)):
    return await service.uncached(user_id)


@router.get("/cache/users/{user_id}/cached")
async def cached(user_id: int, service: CacheService = Depends(cache_service)):
    return await service.cached(user_id)


@router.post("/cache/warmup")
async def warmup(count: int = Query(100, ge=1, le=1000), service: CacheService = Depends(cache_service)):
    return await service.warm(count)


@router.delete("/cache/flush")
async def flush(service: CacheService = Depends(cache_service)):
    return await service.flush()


@router.delete("/cache/users/{user_id}")
async def forget(user_id: int, service: CacheService = Depends(cache_service)):
    return await service.forget(user_id)
