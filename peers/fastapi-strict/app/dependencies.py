"""Providers wiring each service to its repositories (FastAPI's Depends).
Connection-scoped repositories get a pooled connection for the request. All
are `async def`: FastAPI would run a plain `def` provider in its thread pool,
a thread hop per request for what is only object construction."""
from typing import AsyncIterator

import asyncpg
from fastapi import Depends

from .core.config import config
from .core.resources import resources
from .repositories.authors import AuthorRepository
from .repositories.bulk_items import BulkItemRepository
from .repositories.kv import SessionRepository, UserCacheRepository
from .repositories.products import ProductRepository
from .repositories.search_flow import AccountRepository, SearchRepository
from .repositories.stats import StatsRepository
from .repositories.users import PaginationRepository, UserRepository
from .repositories.wide import WideTableRepository
from .services.auth import AuthService
from .services.basics import BasicService, UpstreamService
from .services.caching import CacheService
from .services.reads import AuthorService, ColumnService
from .services.search_flow import FlowService, SearchService
from .services.stats import StatsService
from .services.users import PaginationService, UserService
from .services.workloads import WorkloadService
from .services.writes import BulkService, StockService


async def connection() -> AsyncIterator[asyncpg.Connection]:
    async with resources.pool.acquire() as conn:
        yield conn


async def basic_service() -> BasicService:
    return BasicService(config.name)


async def upstream_service() -> UpstreamService:
    return UpstreamService(resources.http, config.upstream_url)


async def user_service() -> UserService:
    return UserService(UserRepository(resources.pool))


async def pagination_service() -> PaginationService:
    return PaginationService(PaginationRepository(resources.pool))


async def column_service() -> ColumnService:
    return ColumnService(WideTableRepository(resources.pool))


async def author_service(conn: asyncpg.Connection = Depends(connection)) -> AuthorService:
    return AuthorService(AuthorRepository(conn))


async def bulk_service(conn: asyncpg.Connection = Depends(connection)) -> BulkService:
    return BulkService(BulkItemRepository(conn))


async def product_service() -> StockService:
    return StockService(ProductRepository(resources.pool))


async def stock_service(conn: asyncpg.Connection = Depends(connection)) -> StockService:
    return StockService(ProductRepository(conn))


async def cache_service() -> CacheService:
    return CacheService(UserRepository(resources.pool), UserCacheRepository(resources.redis))


async def auth_service() -> AuthService:
    return AuthService(UserRepository(resources.pool), SessionRepository(resources.redis),
                       config.jwt_secret)


async def stats_service() -> StatsService:
    return StatsService(StatsRepository(resources.pool))


async def workload_service() -> WorkloadService:
    return WorkloadService(AuthorRepository(resources.pool))


async def search_service() -> SearchService:
    return SearchService(SearchRepository(resources.pool))


async def flow_service() -> FlowService:
    return FlowService(AccountRepository(resources.pool), config.jwt_secret)
