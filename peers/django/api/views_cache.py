"""Scenarios 14-17: a user from PostgreSQL or the Redis cache; JWT versus sessions."""
import secrets
import time

import jwt
from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions, permissions, viewsets
from rest_framework.response import Response

from . import models
from .serializers import INT4_MAX, LoginQuery, WarmupQuery, path_id, query
from .timing import TimedMixin

USER_TTL = 300
TOKEN_TTL = 1800


def _identity(user_id):
    """{id, name, email} of user_id, or None."""
    if not 1 <= user_id <= INT4_MAX:
        return None
    return models.User.objects.filter(pk=user_id).values("id", "name", "email").first()


class CacheViewSet(TimedMixin, viewsets.ViewSet):
    def _answer(self, source, user):
        return Response({"source": source, "user_id": user["id"], "name": user["name"],
                         "email": user["email"], "elapsed_ms": self.elapsed_ms()})

    @staticmethod
    def _from_database(user_id):
        user = _identity(user_id)
        if user is None:
            raise exceptions.NotFound(f"user {user_id} not found")
        return user

    def no_cache(self, request, user_id):
        return self._answer("database", self._from_database(path_id(user_id)))

    def cached(self, request, user_id):
        user_id = path_id(user_id)
        user = cache.get(f"user:{user_id}")
        if user is not None:
            return self._answer("cache", user)
        user = self._from_database(user_id)
        cache.set(f"user:{user_id}", user, USER_TTL)
        return self._answer("database", user)

    def warmup(self, request):
        count = query(WarmupQuery, request)["count"]
        users = models.User.objects.order_by("id").values("id", "name", "email")[:count]
        cache.set_many({f"user:{u['id']}": u for u in users}, USER_TTL)
        return Response({"warmed_count": len(users), "elapsed_ms": self.elapsed_ms()})

    def flush(self, request):
        cache.clear()  # FLUSHDB
        return Response({"message": "cache flushed"})

    def forget(self, request, user_id):
        key = f"user:{path_id(user_id)}"
        return Response({"deleted": bool(cache.delete(key)), "success": True})


class AuthenticatedUser:
    is_authenticated = True

    def __init__(self, row):
        self.id, self.email = row["id"], row["email"]


def _bearer(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise exceptions.NotAuthenticated("missing bearer token")
    return token.strip()


def _user_or_401(user_id):
    row = _identity(user_id)
    if row is None:
        raise exceptions.AuthenticationFailed(f"no user {user_id}")
    return AuthenticatedUser(row)


class JWTAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        try:
            claims = jwt.decode(_bearer(request), settings.BENCHLAB_JWT_SECRET, algorithms=["HS256"],
                                options={"require": ["exp", "sub"]})
            user_id = int(claims["sub"])
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise exceptions.AuthenticationFailed(f"invalid token: {exc}") from None
        return _user_or_401(user_id), claims

    def authenticate_header(self, request):
        return "Bearer"


class SessionTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        token = request.headers.get("X-Session-Token") or _bearer(request)
        user_id = cache.get(f"session:{token}") if len(token) <= 256 else None
        if user_id is None:
            raise exceptions.AuthenticationFailed("unknown or expired session")
        return _user_or_401(int(user_id)), token

    def authenticate_header(self, request):
        return "Bearer"


class AuthViewSet(TimedMixin, viewsets.ViewSet):
    def get_authenticate_header(self, request):
        return "Bearer"  # a login for no such user is a 401, not DRF's 403

    def public(self, request):
        return Response({"message": "public endpoint", "authenticated": False})

    def _login(self, request):
        return _user_or_401(query(LoginQuery, request)["user_id"])

    def login_jwt(self, request):
        user = self._login(request)
        claims = {"sub": str(user.id), "email": user.email, "exp": int(time.time()) + TOKEN_TTL}
        return Response({"access_token": jwt.encode(claims, settings.BENCHLAB_JWT_SECRET,
                                                    algorithm="HS256"),
                         "token_type": "bearer", "elapsed_ms": self.elapsed_ms()})

    def login_session(self, request):
        user = self._login(request)
        token = secrets.token_urlsafe(32)
        cache.set(f"session:{token}", user.id, TOKEN_TTL)
        return Response({"session_token": token, "token_type": "session",
                         "elapsed_ms": self.elapsed_ms()})


class ProtectedViewSet(TimedMixin, viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated]
    kind = ""

    def list(self, request):
        return Response({"message": f"{self.kind} authentication successful", "auth_type": self.kind,
                         "user_id": request.user.id, "email": request.user.email,
                         "elapsed_ms": self.elapsed_ms()})


class JWTProtectedViewSet(ProtectedViewSet):
    authentication_classes = [JWTAuthentication]
    kind = "jwt"


class SessionProtectedViewSet(ProtectedViewSet):
    authentication_classes = [SessionTokenAuthentication]
    kind = "session"
