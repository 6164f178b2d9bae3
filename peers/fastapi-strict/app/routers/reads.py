from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from ..dependencies import author_service, column_service
from ..services.reads import AuthorService, ColumnService

router = APIRouter()


@router.get("/column-overhead/type/{kind}")
async def by_type(kind: str, limit: int = Query(100, ge=1, le=1000),
                  service: ColumnService = Depends(column_service)):
    return JSONResponse(await service.rows(f"type/{kind}", limit))


@router.get("/column-overhead/{width}")
async def by_width(width: str, limit: int = Query(100, ge=1, le=1000),
                   service: ColumnService = Depends(column_service)):
    return JSONResponse(await service.rows(width, limit))


@router.get("/n-plus-one/{strategy}")
async def with_posts(strategy: str, limit: int = Query(20, ge=1, le=100),
                     offset: int = Query(0, ge=0, le=10_000_000),
                     service: AuthorService = Depends(author_service)):
    return JSONResponse(await service.with_posts(strategy, limit, offset))
