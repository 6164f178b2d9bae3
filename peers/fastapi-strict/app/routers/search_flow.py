from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse

from ..dependencies import flow_service, search_service
from ..domain.schemas import FlowLogin, FlowPost
from ..services.search_flow import INT4_MAX, FlowService, SearchService
from .auth import bearer

router = APIRouter()


@router.get("/search/posts")
async def search_posts(q: str = Query(..., min_length=1, max_length=100),
                       method: str = Query(..., regex="^(like|trgm|fts)$"),
                       limit: int = Query(20, ge=1, le=100),
                       service: SearchService = Depends(search_service)):
    return JSONResponse(await service.search(q, method, limit))


@router.post("/flow/login")
async def flow_login(body: FlowLogin, service: FlowService = Depends(flow_service)):
    return await service.login(body.email, body.password)


@router.get("/flow/feed")
async def flow_feed(limit: int = Query(20, ge=1, le=100),
                    before: int = Query(INT4_MAX, ge=1, le=INT4_MAX),
                    token: str = Depends(bearer), service: FlowService = Depends(flow_service)):
    return JSONResponse(await service.feed(token, limit, before))


@router.post("/flow/posts", status_code=201)
async def flow_write(body: FlowPost, token: str = Depends(bearer),
                     service: FlowService = Depends(flow_service)):
    return JSONResponse(await service.write(token, body.title, body.body), status_code=201)


@router.get("/flow/posts/{post_id}")
async def flow_read_back(post_id: int, token: str = Depends(bearer),
                         service: FlowService = Depends(flow_service)):
    return JSONResponse(await service.read_back(token, post_id))
