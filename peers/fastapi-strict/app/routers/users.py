from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from ..dependencies import pagination_service, user_service
from ..domain.keys import INT4_MAX
from ..domain.schemas import UserCreate, UserUpdate
from ..services.users import PaginationService, UserService

router = APIRouter()


@router.get("/users")
async def list_users(service: UserService = Depends(user_service)):
    # rows rendered as they are (no jsonable_encoder pass), as in peers/fastapi
    return JSONResponse(await service.list())


@router.get("/users/offset")
async def by_offset(page: int = Query(1, ge=1, le=10_000_000), size: int = Query(20, ge=1, le=100),
                    service: PaginationService = Depends(pagination_service)):
    return JSONResponse(await service.by_offset(page, size))


@router.get("/users/cursor")
async def by_cursor(cursor: int = Query(0, ge=0, le=INT4_MAX), size: int = Query(20, ge=1, le=100),
                    service: PaginationService = Depends(pagination_service)):
    return JSONResponse(await service.by_cursor(cursor, size))


@router.get("/users/{user_id}")
async def get_user(user_id: int, service: UserService = Depends(user_service)):
    return JSONResponse(await service.get(user_id))


@router.post("/users", status_code=201)
async def create_user(body: UserCreate, service: UserService = Depends(user_service)):
    return JSONResponse(await service.create(body.name, body.email), status_code=201)


@router.put("/users/{user_id}")
async def update_user(user_id: int, body: UserUpdate, service: UserService = Depends(user_service)):
    return JSONResponse(await service.update(user_id, body.name, body.email))


@router.delete("/users/{user_id}", status_code=204)
async def delete_user(user_id: int, service: UserService = Depends(user_service)):
    await service.delete(user_id)
    return Response(status_code=204)
