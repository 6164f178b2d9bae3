"""Scenarios 03, 04, 09, 10, 11: users, pagination, column overhead, N+1."""
import math
from collections import defaultdict

from django.db import IntegrityError
from django.db.models import Prefetch
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import models
from .errors import Conflict
from .serializers import (INT4_MAX, AuthorPageQuery, AuthorWithPostsSerializer, CursorQuery,
                          LimitQuery, OffsetQuery, PaginatedUserSerializer, UserSerializer,
                          all_columns, path_id, query)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    queryset = models.User.objects.all()
    serializer_class = UserSerializer
    lookup_value_regex = "[^/]+"  # /users/1.5 is a bad id (422), not an unknown route

    def get_object(self):
        user_id = path_id(self.kwargs["pk"])
        if not 1 <= user_id <= INT4_MAX:
            raise exceptions.NotFound(f"user {user_id} not found")
        try:
            return self.get_queryset().get(pk=user_id)
        except models.User.DoesNotExist:
            raise exceptions.NotFound(f"user {user_id} not found") from None

    def perform_create(self, serializer):
        try:
            serializer.save()
        except IntegrityError:
            raise Conflict(f"email {serializer.validated_data['email']} already exists") from None

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True  # PUT updates what it is given
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        self.perform_create(serializer)

    @action(detail=False)
    def offset(self, request):
        q = query(OffsetQuery, request)
        page, size = q["page"], q["size"]
        rows = models.PaginatedUser.objects.all()[(page - 1) * size:page * size]
        total = models.PaginatedUser.objects.count()
        return Response({"items": PaginatedUserSerializer(rows, many=True).data, "total": total,
                         "page": page, "size": size, "total_pages": math.ceil(total / size)})

    @action(detail=False)
    def cursor(self, request):
        q = query(CursorQuery, request)
        rows = list(models.PaginatedUser.objects.filter(id__gt=q["cursor"])[:q["size"] + 1])
        items = PaginatedUserSerializer(rows[:q["size"]], many=True).data
        return Response({"items": items,
                         "next_cursor": items[-1]["id"] if len(rows) > q["size"] else None,
                         "size": q["size"]})


WIDTHS = {"narrow": models.NarrowUser, "wide": models.WideUser, "extra-wide": models.ExtraWideUser}
SERIALIZERS = {model: all_columns(model) for model in
               list(WIDTHS.values()) + list(models.TYPED_USERS.values())}


class ColumnViewSet(viewsets.ViewSet):
    def _rows(self, request, model):
        limit = query(LimitQuery, request)["limit"]
        return Response(SERIALIZERS[model](model.objects.all()[:limit], many=True).data)

    def by_width(self, request, width):
        if width not in WIDTHS:
            raise exceptions.NotFound(f"unknown width '{width}' ({', '.join(WIDTHS)})")
        return self._rows(request, WIDTHS[width])

    def by_type(self, request, kind):
        if kind not in models.TYPED_USERS:
            raise exceptions.NotFound(f"unknown column type '{kind}' ({', '.join(models.TYPED_USERS)})")
        return self._rows(request, models.TYPED_USERS[kind])


AUTHOR_FIELDS = ("id", "name", "email", "bio", "created_at")
POST_FIELDS = ("id", "title", "content", "view_count", "created_at")


class AuthorViewSet(viewsets.ViewSet):
    """Authors with their posts: lazy (a query per author), eager (one LEFT
    JOIN through values()), subquery (prefetch_related: authors, then posts IN)."""

    def with_posts(self, request, strategy):
        loader = {"lazy": self._lazy, "eager": self._eager, "subquery": self._subquery}.get(strategy)
        if loader is None:
            raise exceptions.NotFound(f"unknown strategy '{strategy}' (lazy, eager, subquery)")
        q = query(AuthorPageQuery, request)
        return Response(loader(q["offset"], q["offset"] + q["limit"]))

    @staticmethod
    def _lazy(start, end):
        return AuthorWithPostsSerializer(models.Author.objects.all()[start:end], many=True).data

    @staticmethod
    def _subquery(start, end):
        authors = models.Author.objects.all()[start:end].prefetch_related(
            Prefetch("posts", queryset=models.Post.objects.order_by("id")))
        return AuthorWithPostsSerializer(authors, many=True).data

    @staticmethod
    def _eager(start, end):
        page = models.Author.objects.order_by("id").values("id")[start:end]
        rows = (models.Author.objects.filter(id__in=page).order_by("id", "posts__id")
                .values(*AUTHOR_FIELDS, *(f"posts__{f}" for f in POST_FIELDS)))
        authors, posts = {}, defaultdict(list)
        for row in rows:
            if row["id"] not in authors:
                authors[row["id"]] = {f: _plain(f, row[f]) for f in AUTHOR_FIELDS}
                authors[row["id"]]["posts"] = posts[row["id"]]
            if row["posts__id"] is not None:
                posts[row["id"]].append({f: _plain(f, row[f"posts__{f}"]) for f in POST_FIELDS})
        return list(authors.values())


_timestamp = serializers.DateTimeField()


def _plain(field, value):
    """values() rows as the serializers render them (timestamps as ISO 8601)."""
    return _timestamp.to_representation(value) if field == "created_at" else value
