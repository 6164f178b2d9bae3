"""DRF serializers: the rows the API returns and the input it validates."""
from rest_framework import serializers

from . import models

INT4_MAX = 2**31 - 1


class StrictCharField(serializers.CharField):
    """A JSON string and nothing else (DRF's CharField would take 5 as "5")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def one_at(value):
    local, at, domain = value.partition("@")
    if not at or not local or not domain or "@" in domain:
        raise serializers.ValidationError("an address with one '@' is required")


class UserSerializer(serializers.ModelSerializer):
    name = StrictCharField(min_length=1, max_length=100, trim_whitespace=False)
    email = StrictCharField(min_length=3, max_length=255, trim_whitespace=False, validators=[one_at])

    class Meta:
        model = models.User
        fields = ["id", "name", "email", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        if self.partial and not attrs:
            raise serializers.ValidationError("name or email is required")
        return attrs


class PaginatedUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.PaginatedUser
        fields = ["id", "name", "email", "created_at"]


def all_columns(model):
    """A ModelSerializer of every column (SELECT *) of model."""
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Post
        fields = ["id", "title", "content", "view_count", "created_at"]


class AuthorWithPostsSerializer(serializers.ModelSerializer):
    posts = PostSerializer(many=True, read_only=True)

    class Meta:
        model = models.Author
        fields = ["id", "name", "email", "bio", "created_at", "posts"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Product
        fields = ["id", "name", "stock", "version", "updated_at"]


class EchoSerializer(serializers.Serializer):
    message = StrictCharField(allow_blank=True, trim_whitespace=False)
    data = serializers.DictField(required=False, allow_null=True, default=None)


# Query parameters, validated like bodies (422 on anything out of range).
class OffsetQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=10_000_000, default=1)
    size = serializers.IntegerField(min_value=1, max_value=100, default=20)


class CursorQuery(serializers.Serializer):
    cursor = serializers.IntegerField(min_value=0, max_value=INT4_MAX, default=0)
    size = serializers.IntegerField(min_value=1, max_value=100, default=20)


class LimitQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


class AuthorPageQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)


class CountQuery(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=10_000, default=1000)


class WarmupQuery(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=1000, default=100)


class DecrementQuery(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=INT4_MAX, default=1)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)


class LoginQuery(serializers.Serializer):
    user_id = serializers.IntegerField()


class StatsQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=10)


class FibonacciQuery(serializers.Serializer):
    n = serializers.IntegerField(min_value=0, max_value=35, default=32)


def query(serializer_class, request):
    """The validated query parameters of request (422 otherwise)."""
    s = serializer_class(data=request.query_params)
    s.is_valid(raise_exception=True)
    return s.validated_data


def path_id(value):
    """A path {id}: an integer (422 otherwise); ids no serial column holds find no row."""
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError({"id": f"'{value}' is not an integer"}) from None
