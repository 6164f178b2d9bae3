from fastapi import APIRouter, Depends, Query

from ..dependencies import workload_service
from ..services.workloads import FIB_MAX, WorkloadService

router = APIRouter()


@router.get("/io/sleep")
async def io_sleep():
    return await WorkloadService.sleep()


@router.get("/io/db")
async def io_db(service: WorkloadService = Depends(workload_service)):
    return await service.author_totals()


@router.get("/cpu/fibonacci")
async def cpu_fibonacci(n: int = Query(32, ge=0, le=FIB_MAX)):
    # on the event loop on purpose (the CPU-bound case), as in peers/fastapi
    return WorkloadService.fibonacci(n)


@router.get("/cpu/hash")
def cpu_hash():
    # a sync route: Starlette's thread pool; bcrypt releases the GIL
    return WorkloadService.hash_password()


@router.get("/cpu/json-serialize")
async def cpu_json_serialize():
    return WorkloadService.serialize()


@router.get("/mixed/report")
async def mixed_report(service: WorkloadService = Depends(workload_service)):
    return await service.report()
