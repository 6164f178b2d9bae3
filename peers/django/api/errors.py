"""Every error as {"error", "detail"}: DRF's exceptions (validation errors as
422, as the contract says), and Django's own 404/500 pages."""
import logging

from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_handler

log = logging.getLogger("benchlab.peer")

NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
         415: "unsupported_media_type", 422: "validation_error", 502: "bad_gateway",
         503: "service_unavailable"}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"


class UpstreamFailed(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY


class UpstreamMissing(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


def _flatten(detail, where=""):
    if isinstance(detail, dict):
        return "; ".join(_flatten(v, f"{where}.{k}" if where else str(k)) for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(_flatten(v, where) for v in detail)
    return f"{where}: {detail}" if where else str(detail)


def exception_handler(exc, context):
    response = drf_handler(exc, context)
    if response is None:  # not an API exception: let Django log it and answer 500
        log.error("%s failed: %r", context.get("view"), exc)
        return None
    code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        code = status.HTTP_422_UNPROCESSABLE_ENTITY
    response.status_code = code
    response.data = {"error": NAMES.get(code, "error"), "detail": _flatten(exc.detail)}
    return response


def not_found(request, exception=None):
    return JsonResponse({"error": "not_found", "detail": f"no route for {request.path}"}, status=404)


def server_error(request):
    return JsonResponse({"error": "internal_error", "detail": "internal server error"}, status=500)


def bad_request(request, exception=None):
    return JsonResponse({"error": "bad_request", "detail": "bad request"}, status=400)
