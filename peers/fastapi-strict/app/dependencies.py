"""Providers wiring each service to its repositories (FastAPI's Depends).
Connection-scoped repositories get a pooled connection for the request."""
from typing import AsyncIterator

import asyncpg
from fastapi import Depends

from .core.config import config
from .core.resources import resources
from .repositories.authors import AuthorRepository
from .repositories.bulk_items import BulkItemRepository
from .repositories.kv import SessionRepository, UserCacheRepository
from .repositories.products import ProductRepository
from .repositories.stats import StatsRepository
from .repositories.users import PaginationRepository, UserRepository
from .repositories.wide import WideTableRepository
from .services.auth import AuthService
from .services.basics import BasicService, UpstreamService
from .services.caching import CacheService
from .services.reads import AuthorService, ColumnService
from .services.stats import StatsService
from .services.users import PaginationService, UserService
from .services.workloads import WorkloadService
from .services.writes import BulkService, StockService


async def connection() -> AsyncIterator[asyncpg.Connection]:
    async with resources.pool.acquire() as conn:
        yield conn


def basic_service() -> BasicService:
    return BasicService(config.name)


def upstream_service() -> UpstreamService:
    return UpstreamService(resources.http, config.upstream_url)


def user_service() -> UserService:
    return UserService(UserRepository(resources.pool))


def pagination_service() -> PaginationService:
    return PaginationService(PaginationRepository(resources.pool))


def column_service() -> ColumnService:
    return ColumnService(WideTableRepository(resources.pool))


def author_service(conn: asyncpg.Connection = Depends(connection)) -> AuthorService:
    return AuthorService(AuthorRepository(conn))


def bulk_service(conn: asyncpg.Connection = Depends(connection)) -> BulkService:
    return BulkService(BulkItemRepository(conn))


def product_service() -> StockService:
    return StockService(ProductRepository(resources.pool))


def stock_service(conn: asyncpg.Connection = Depends(connection)) -> StockService:
    return StockService(ProductRepository(conn))


def cache_service() -> CacheService:
    return CacheService(UserRepository(resources.pool), UserCacheRepository(resources.redis))


def auth_service() -> AuthService:
    return AuthService(UserRepository(resources.pool), SessionRepository(resources.redis),
                       config.jwt_secret)


def stats_service() -> StatsService:
    return StatsService(StatsRepository(resources.pool))


def workload_service() -> WorkloadService:
    return WorkloadService(AuthorRepository(resources.pool))
