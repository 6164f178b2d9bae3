"""Every error leaves as {"error", "detail"}: domain errors, FastAPI's
validation errors and Starlette's HTTP errors alike."""
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..domain import errors

log = logging.getLogger("benchlab.peer")

DOMAIN_STATUS = ((errors.NotFound, 404, "not_found"), (errors.Conflict, 409, "conflict"),
                 (errors.Unauthenticated, 401, "unauthorized"),
                 (errors.Invalid, 422, "validation_error"),
                 (errors.UpstreamFailed, 502, "bad_gateway"),
                 (errors.UpstreamMissing, 503, "service_unavailable"))
HTTP_NAMES = {400: "bad_request", 401: "unauthorized", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
              415: "unsupported_media_type", 422: "validation_error"}


def body(status: int, error: str, detail: str, headers=None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def domain_error(request: Request, exc: errors.DomainError):
        for kind, status, name in DOMAIN_STATUS:
            if isinstance(exc, kind):
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                rid = getattr(request.state, "request_id", None)
                if rid is not None:
                    headers = {**(headers or {}), "X-Request-Id": rid}
                return body(status, name, exc.detail, headers)
        return body(500, "internal_error", exc.detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 400 and request.headers.get("content-type", "").startswith("multipart/"):
            # Starlette cannot parse the multipart body: there is no file field.
            return body(422, "validation_error", f"file: {exc.detail}")
        return body(exc.status_code, HTTP_NAMES.get(exc.status_code, "error"), str(exc.detail),
                    getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
            for e in exc.errors())
        return body(422, "validation_error", detail)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.error("%s %s failed: %r", request.method, request.url.path, exc)
        return body(500, "internal_error", type(exc).__name__)
