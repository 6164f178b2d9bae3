"""The contract's tables. The lab creates and seeds them, so Django manages
none of them (managed = False) and has no migrations."""
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Table(models.Model):
    class Meta:
        abstract = True
        managed = False
        ordering = ["id"]


class User(Table):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Table.Meta):
        db_table = "users"


class PaginatedUser(Table):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255)
    created_at = models.DateTimeField()

    class Meta(Table.Meta):
        db_table = "users_pagination"


class NarrowUser(Table):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()

    class Meta(Table.Meta):
        db_table = "users_narrow"


class WideUser(Table):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    phone = models.CharField(max_length=30, null=True)
    address = models.CharField(max_length=255, null=True)
    city = models.CharField(max_length=100, null=True)
    country = models.CharField(max_length=100, null=True)
    postal_code = models.CharField(max_length=20, null=True)
    birth_date = models.DateField(null=True)
    gender = models.CharField(max_length=20, null=True)
    occupation = models.CharField(max_length=100, null=True)
    company = models.CharField(max_length=100, null=True)
    website = models.CharField(max_length=255, null=True)
    bio = models.TextField(null=True)
    avatar_url = models.CharField(max_length=255, null=True)
    last_login = models.DateTimeField(null=True)
    login_count = models.IntegerField(default=0)
    preferences = models.JSONField(null=True)

    class Meta(Table.Meta):
        db_table = "users_wide"


def _extra_wide_fields():
    fields = {"name": models.CharField(max_length=100), "email": models.CharField(max_length=255)}
    for n in range(1, 46):
        fields[f"field_{n:02d}"] = models.CharField(max_length=100, null=True)
    fields["created_at"] = models.DateTimeField()
    return fields


ExtraWideUser = type("ExtraWideUser", (Table,), {
    "__module__": __name__, **_extra_wide_fields(),
    "Meta": type("Meta", (Table.Meta,), {"db_table": "users_extra_wide"})})

COLUMN_TYPES = {"int": models.IntegerField, "varchar": lambda **kw: models.CharField(max_length=255, **kw),
                "text": models.TextField, "jsonb": models.JSONField,
                "timestamp": models.DateTimeField, "uuid": models.UUIDField}


def _typed(kind: str):
    fields = {"name": models.CharField(max_length=100), "email": models.CharField(max_length=255)}
    for n in range(1, 6):
        fields[f"col_{n:02d}"] = COLUMN_TYPES[kind](null=True)
    return type(f"Typed{kind.capitalize()}User", (Table,), {
        "__module__": __name__, **fields,
        "Meta": type("Meta", (Table.Meta,), {"db_table": f"users_type_{kind}"})})


TYPED_USERS = {kind: _typed(kind) for kind in COLUMN_TYPES}


class Author(Table):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255)
    bio = models.TextField(null=True)
    created_at = models.DateTimeField()

    class Meta(Table.Meta):
        db_table = "authors"


class Post(Table):
    author = models.ForeignKey(Author, on_delete=models.DO_NOTHING, related_name="posts")
    title = models.CharField(max_length=200)
    content = models.TextField(null=True)
    view_count = models.IntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta(Table.Meta):
        db_table = "posts"


class BulkItem(Table):
    name = models.CharField(max_length=100)
    value = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Table.Meta):
        db_table = "bulk_items"


class Product(Table):
    name = models.CharField(max_length=100)
    stock = models.IntegerField(default=1000)
    version = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(Table.Meta):
        db_table = "products"


class SearchPost(Table):
    """Scenario 19's corpus; tsv is a generated tsvector column with a GIN index."""
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    tsv = SearchVectorField()

    class Meta(Table.Meta):
        db_table = "search_posts"


class Account(Table):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=255)
    password_hash = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta(Table.Meta):
        db_table = "accounts"


class AccountPost(Table):
    account = models.ForeignKey(Account, on_delete=models.DO_NOTHING, related_name="posts")
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Table.Meta):
        db_table = "account_posts"
