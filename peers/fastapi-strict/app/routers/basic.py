import logging
import uuid
from typing import Optional

from fastapi import APIRouter, Depends, File, Header, Request, Response, UploadFile

from ..dependencies import basic_service, upstream_service
from ..domain.schemas import EchoRequest
from ..services.basics import BasicService, UpstreamService

router = APIRouter()
log = logging.getLogger("benchlab.peer")


@router.get("/health")
async def health(response: Response, service: BasicService = Depends(basic_service)):
    response.headers["X-Benchlab-Framework"] = service.framework
    return service.health()


@router.post("/echo")
async def echo(body: EchoRequest, service: BasicService = Depends(basic_service)):
    return service.echo(body.message, body.data)


@router.get("/external")
async def external(service: BasicService = Depends(basic_service)):
    return await service.simulated_external()


@router.get("/external/http")
async def external_http(service: UpstreamService = Depends(upstream_service)):
    return await service.fetch()


# The /protected chain, route-scoped: request id -> logging -> bearer check (service).
async def request_id(request: Request, response: Response,
                     x_request_id: Optional[str] = Header(default=None)) -> str:
    rid = x_request_id or str(uuid.uuid4())
    request.state.request_id = rid
    response.headers["X-Request-Id"] = rid
    return rid


async def access_log(request: Request, rid: str = Depends(request_id)) -> str:
    if log.isEnabledFor(logging.INFO):
        log.info("request %s %s id=%s", request.method, request.url.path, rid)
    return rid


@router.get("/protected")
async def protected(_: str = Depends(access_log), authorization: Optional[str] = Header(default=None),
                    service: BasicService = Depends(basic_service)):
    return service.grant(authorization)


@router.post("/upload")
async def upload(file: UploadFile = File(...)):
    size = 0
    while chunk := await file.read(65536):
        size += len(chunk)
    return {"filename": file.filename, "size": size, "content_type": file.content_type}
