from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from ..dependencies import bulk_service, product_service, stock_service
from ..domain.keys import INT4_MAX
from ..services.writes import BulkService, StockService

router = APIRouter()


@router.delete("/bulk-operations/cleanup")
async def cleanup(service: BulkService = Depends(bulk_service)):
    return await service.cleanup()


@router.post("/bulk-operations/{operation}")
async def bulk(operation: str, count: int = Query(1000, ge=1, le=10000),
               service: BulkService = Depends(bulk_service)):
    return await service.run(operation, count)


@router.post("/transactions/reset")
async def reset(service: StockService = Depends(product_service)):
    return await service.reset()


@router.get("/transactions/products/{product_id}")
async def product(product_id: int, service: StockService = Depends(product_service)):
    return JSONResponse(await service.product(product_id))


@router.post("/transactions/decrement/{method}")
async def decrement(method: str, product_id: int = Query(1, ge=1, le=INT4_MAX),
                    quantity: int = Query(1, ge=1, le=1_000_000),
                    service: StockService = Depends(stock_service)):
    return await service.decrement(method, product_id, quantity)
