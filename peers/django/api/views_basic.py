"""Scenarios 01, 02, 05, 06, 07: health, echo, external, the /protected chain, upload."""
import functools
import logging
import platform
import time
import uuid

import django
import gunicorn
import requests
import rest_framework
from django.conf import settings
from rest_framework import authentication, exceptions, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .errors import UpstreamFailed, UpstreamMissing
from .serializers import EchoSerializer

log = logging.getLogger("benchlab.peer")
_upstream = requests.Session()  # one keep-alive pool per worker


class BasicViewSet(viewsets.ViewSet):
    FRAMEWORK = (f"Django/{django.get_version()} DRF/{rest_framework.VERSION} "
                 f"gunicorn/{gunicorn.__version__} Python/{platform.python_version()}")

    @action(detail=False)
    def health(self, request):
        return Response({"status": "ok", "server": settings.BENCHLAB_NAME},
                        headers={"X-Benchlab-Framework": self.FRAMEWORK})

    @action(detail=False, methods=["post"])
    def echo(self, request):
        body = EchoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(body.validated_data)

    @action(detail=False)
    def external(self, request):
        # A sync worker waits the 100 ms out: it serves nothing else meanwhile.
        start = time.perf_counter()
        time.sleep(0.1)
        return Response({"source": "simulated_external_api",
                         "latency_ms": (time.perf_counter() - start) * 1000.0,
                         "data": {"message": "External API response"}})

    @action(detail=False, url_path="external/http")
    def external_http(self, request):
        if not settings.BENCHLAB_UPSTREAM:
            raise UpstreamMissing("BENCHLAB_UPSTREAM is not configured")
        start = time.perf_counter()
        try:
            reply = _upstream.get(settings.BENCHLAB_UPSTREAM + "/", timeout=10)
            reply.raise_for_status()
            data = reply.json()
        except (requests.RequestException, ValueError) as exc:
            raise UpstreamFailed(f"upstream failed: {type(exc).__name__}") from None
        return Response({"source": "upstream", "latency_ms": (time.perf_counter() - start) * 1000.0,
                         "data": data})

    @action(detail=False, methods=["post"])
    def upload(self, request):
        try:
            upload = request.FILES.get("file")
        except exceptions.ParseError as exc:  # no boundary, cut short: no file field
            raise exceptions.ValidationError({"file": str(exc.detail)}) from None
        if upload is None:
            raise exceptions.ValidationError({"file": "field required"})
        return Response({"filename": upload.name, "size": upload.size,
                         "content_type": upload.content_type})


# The /protected chain, scoped to its view: request id -> access log -> bearer auth.
def with_request_id(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        rid = request.headers.get("X-Request-Id") or str(uuid.uuid4())
        request.META["BENCHLAB_REQUEST_ID"] = rid
        response = view(request, *args, **kwargs)
        response["X-Request-Id"] = rid
        return response
    return wrapped


def with_access_log(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if log.isEnabledFor(logging.INFO):
            log.info("request %s %s id=%s", request.method, request.path,
                     request.META.get("BENCHLAB_REQUEST_ID"))
        return view(request, *args, **kwargs)
    return wrapped


class TokenHolder:
    is_authenticated = True

    def __init__(self, token):
        self.token = token


class OpaqueBearer(authentication.BaseAuthentication):
    """Any single bearer token of 10+ visible characters."""

    def authenticate(self, request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or len(token) < 10 or " " in token or "\t" in token:
            raise exceptions.AuthenticationFailed("missing or invalid bearer token")
        return TokenHolder(token), token

    def authenticate_header(self, request):
        return "Bearer"


class ProtectedViewSet(viewsets.ViewSet):
    authentication_classes = [OpaqueBearer]
    permission_classes = [permissions.IsAuthenticated]

    def list(self, request):
        return Response({"message": "Access granted", "user": "user_from_token_" + request.auth[:8]})


protected_view = with_request_id(with_access_log(ProtectedViewSet.as_view({"get": "list"})))
