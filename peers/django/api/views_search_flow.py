"""Scenario 19 (the same text search three ways) and scenario 20 (the
end-to-end flow: bcrypt login, feed, write, read back)."""
import re
import time

import bcrypt
import jwt
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models.functions import Lower
from rest_framework import authentication, exceptions, permissions, serializers, viewsets
from rest_framework.response import Response

from . import models
from .serializers import INT4_MAX, StrictCharField, path_id, query
from .timing import TimedMixin

TOKEN_TTL = 1800


def _plain_text(value):
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise serializers.ValidationError("control characters are not allowed")


class SearchQueryParams(serializers.Serializer):
    q = serializers.CharField(min_length=1, max_length=100, trim_whitespace=False,
                              validators=[_plain_text])
    method = serializers.ChoiceField(choices=["like", "trgm", "fts"])
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class SearchPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.SearchPost
        fields = ["id", "title", "body", "created_at"]


class SearchViewSet(viewsets.ViewSet):
    def posts(self, request):
        p = query(SearchQueryParams, request)
        q, method = p["q"], p["method"]
        posts = models.SearchPost.objects.only("id", "title", "body", "created_at")
        if method == "like":
            # icontains: UPPER(body) LIKE UPPER('%q%') (metacharacters escaped); no index: a scan
            posts = posts.filter(body__icontains=q)
        elif method == "trgm":
            # lower(body) LIKE '%q%': the pg_trgm GIN index on lower(body)
            posts = posts.annotate(lower_body=Lower("body")).filter(lower_body__contains=q.lower())
        else:
            # tsv @@ websearch_to_tsquery('english', q): the tsvector column's GIN index
            posts = posts.filter(tsv=SearchQuery(q, config="english", search_type="websearch"))
        rows = posts.order_by("-created_at", "-id")[:p["limit"]]
        items = SearchPostSerializer(rows, many=True).data
        return Response({"method": method, "q": q, "count": len(items), "items": items})


class LoginSerializer(serializers.Serializer):
    email = StrictCharField(min_length=1, max_length=255, trim_whitespace=False)
    password = StrictCharField(min_length=1, max_length=72, trim_whitespace=False)


class AccountPostSerializer(serializers.ModelSerializer):
    title = StrictCharField(min_length=1, max_length=200, trim_whitespace=False)
    body = StrictCharField(min_length=1, max_length=10000, trim_whitespace=False)

    class Meta:
        model = models.AccountPost
        fields = ["id", "account_id", "title", "body", "created_at"]
        read_only_fields = ["id", "account_id", "created_at"]


class FeedItemSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="account.name")

    class Meta:
        model = models.AccountPost
        fields = ["id", "title", "body", "created_at", "author_name"]


class FeedQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    before = serializers.IntegerField(min_value=1, max_value=INT4_MAX, default=INT4_MAX)


class AccountJWTAuthentication(authentication.BaseAuthentication):
    """request.user is the token's account id."""

    def authenticate(self, request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed("missing bearer token")
        try:
            claims = jwt.decode(token.strip(), settings.BENCHLAB_JWT_SECRET, algorithms=["HS256"],
                                options={"require": ["exp", "sub"]})
            account_id = int(claims["sub"])
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise exceptions.AuthenticationFailed(f"invalid token: {exc}") from None
        if not 1 <= account_id <= INT4_MAX:
            raise exceptions.AuthenticationFailed("invalid token: bad sub")
        return AccountId(account_id), claims

    def authenticate_header(self, request):
        return "Bearer"


class AccountId(int):
    is_authenticated = True


class FlowLoginViewSet(TimedMixin, viewsets.ViewSet):
    def get_authenticate_header(self, request):
        return "Bearer"  # wrong credentials are a 401, not DRF's 403

    def login(self, request):
        s = LoginSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        email, password = s.validated_data["email"], s.validated_data["password"]
        account = models.Account.objects.filter(email=email).values("id", "password_hash").first()
        if account is None or not bcrypt.checkpw(password.encode(), account["password_hash"].encode()):
            raise exceptions.AuthenticationFailed("wrong email or password")
        claims = {"sub": str(account["id"]), "email": email, "exp": int(time.time()) + TOKEN_TTL}
        return Response({"access_token": jwt.encode(claims, settings.BENCHLAB_JWT_SECRET,
                                                    algorithm="HS256"),
                         "token_type": "bearer", "account_id": account["id"],
                         "elapsed_ms": self.elapsed_ms()})


class FlowViewSet(viewsets.ViewSet):
    authentication_classes = [AccountJWTAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    def feed(self, request):
        p = query(FeedQuery, request)
        account_id = int(request.user)
        rows = list(models.AccountPost.objects.select_related("account")
                    .filter(account_id=account_id, id__lt=p["before"])
                    .order_by("-id")[:p["limit"] + 1])
        items = FeedItemSerializer(rows[:p["limit"]], many=True).data
        return Response({"account_id": account_id, "items": items,
                         "next_before": items[-1]["id"] if len(rows) > p["limit"] else None})

    def create(self, request):
        s = AccountPostSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        s.save(account_id=int(request.user))
        return Response(s.data, status=201)

    def retrieve(self, request, pk):
        post_id = path_id(pk)
        post = (models.AccountPost.objects.filter(pk=post_id, account_id=int(request.user)).first()
                if 1 <= post_id <= INT4_MAX else None)
        if post is None:
            raise exceptions.NotFound("post not found")
        return Response(AccountPostSerializer(post).data)
