"""Scenarios 12, 13: bulk writes five ways, stock decrements four ways."""
import time

from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from . import models
from .serializers import INT4_MAX, CountQuery, DecrementQuery, ProductSerializer, path_id, query


class BulkViewSet(viewsets.ViewSet):
    OPERATIONS = ("insert-individual", "insert-batch", "insert-raw", "update-individual",
                  "update-bulk")

    def cleanup(self, request):
        with connection.cursor() as cursor:  # the ORM has no TRUNCATE
            cursor.execute("TRUNCATE bulk_items RESTART IDENTITY")
        return Response({"message": "bulk_items truncated"})

    def run(self, request, operation):
        if operation not in self.OPERATIONS:
            raise exceptions.NotFound(
                f"unknown bulk operation '{operation}' ({', '.join(self.OPERATIONS)})")
        n = query(CountQuery, request)["count"]
        start = time.perf_counter()
        done = getattr(self, operation.replace("-", "_"))(n)
        return Response({"operation": operation, "count": done,
                         "elapsed_ms": (time.perf_counter() - start) * 1000.0})

    @staticmethod
    def insert_individual(n):
        for i in range(1, n + 1):  # autocommit: one INSERT, one commit each
            models.BulkItem.objects.create(name=f"item_{i}", value=i)
        return n

    @staticmethod
    def insert_batch(n):
        with transaction.atomic():  # every INSERT in one transaction
            for i in range(1, n + 1):
                models.BulkItem.objects.create(name=f"item_{i}", value=i)
        return n

    @staticmethod
    def insert_raw(n):
        # bulk_create: one multi-row INSERT ... VALUES on PostgreSQL
        return len(models.BulkItem.objects.bulk_create(
            models.BulkItem(name=f"item_{i}", value=i) for i in range(1, n + 1)))

    @staticmethod
    def update_individual(n):
        return sum(models.BulkItem.objects.filter(id=i).update(value=i * 10) for i in range(1, n + 1))

    @staticmethod
    def update_bulk(n):
        return models.BulkItem.objects.filter(id__range=(1, n)).update(
            value=Case(*(When(id=i, then=Value(i * 10)) for i in range(1, n + 1))))


OPTIMISTIC_RETRIES = 5


class StockViewSet(viewsets.ViewSet):
    METHODS = ("no-lock", "pessimistic", "optimistic", "serializable")

    def reset(self, request):
        models.Product.objects.update(stock=1000, version=0, updated_at=timezone.now())
        return Response({"message": "products reset"})

    def retrieve(self, request, pk):
        product_id = path_id(pk)
        product = (models.Product.objects.filter(pk=product_id).first()
                   if 1 <= product_id <= INT4_MAX else None)
        if product is None:
            raise exceptions.NotFound(f"product {product_id} not found")
        return Response(ProductSerializer(product).data)

    def decrement(self, request, method):
        if method not in self.METHODS:
            raise exceptions.NotFound(f"unknown method '{method}' ({', '.join(self.METHODS)})")
        q = query(DecrementQuery, request)
        out = {"success": False, "method": method, "product_id": q["product_id"], "old_stock": None,
               "new_stock": None, "retries": 0, "elapsed_ms": 0.0, "error": None}
        start = time.perf_counter()
        getattr(self, method.replace("-", "_"))(out, q["product_id"], q["quantity"])
        out["elapsed_ms"] = (time.perf_counter() - start) * 1000.0
        return Response(out)

    @staticmethod
    def _read(queryset, product_id):
        try:
            return queryset.get(pk=product_id)
        except models.Product.DoesNotExist:
            raise exceptions.NotFound(f"product {product_id} not found") from None

    @staticmethod
    def _enough(out, stock, quantity):
        out["old_stock"] = out["new_stock"] = stock
        if stock < quantity:
            out["error"] = "insufficient stock"
            return False
        return True

    @staticmethod
    def _write(out, product_id, stock):
        models.Product.objects.filter(pk=product_id).update(
            stock=stock, version=F("version") + 1, updated_at=timezone.now())
        out["success"], out["new_stock"] = True, stock

    def no_lock(self, out, product_id, quantity):
        product = self._read(models.Product.objects, product_id)
        if self._enough(out, product.stock, quantity):
            self._write(out, product_id, product.stock - quantity)

    def pessimistic(self, out, product_id, quantity):
        with transaction.atomic():
            product = self._read(models.Product.objects.select_for_update(), product_id)
            if self._enough(out, product.stock, quantity):
                self._write(out, product_id, product.stock - quantity)

    def optimistic(self, out, product_id, quantity):
        while True:
            product = self._read(models.Product.objects, product_id)
            if not self._enough(out, product.stock, quantity):
                return
            won = models.Product.objects.filter(pk=product_id, version=product.version).update(
                stock=product.stock - quantity, version=F("version") + 1, updated_at=timezone.now())
            if won:
                out["success"], out["new_stock"] = True, product.stock - quantity
                return
            if out["retries"] == OPTIMISTIC_RETRIES:
                out["error"] = f"version conflict: gave up after {OPTIMISTIC_RETRIES} retries"
                return
            out["retries"] += 1

    def serializable(self, out, product_id, quantity):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
                product = self._read(models.Product.objects, product_id)
                if self._enough(out, product.stock, quantity):
                    self._write(out, product_id, product.stock - quantity)
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) != "40001":
                raise
            out["success"], out["new_stock"] = False, out["old_stock"]
            out["error"] = "serialization failure"
