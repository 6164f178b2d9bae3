"""The launcher interface's BENCHLAB_* variables, read once."""
import os
import shlex
from dataclasses import dataclass
from typing import Any, Dict

_ASYNCPG_KEYS = {"dbname": "database", "host": "host", "hostaddr": "host", "port": "port",
                 "user": "user", "password": "password", "connect_timeout": "timeout"}


def asyncpg_args(dsn: str) -> Dict[str, Any]:
    """Keyword arguments for asyncpg from a libpq URI or keyword string."""
    dsn = dsn.strip()
    if not dsn:
        return {}
    if dsn.startswith(("postgresql://", "postgres://")):
        return {"dsn": dsn}
    args: Dict[str, Any] = {}
    for item in shlex.split(dsn):
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"BENCHLAB_PG: '{item}' is not key=value")
        name = _ASYNCPG_KEYS.get(key)
        if name == "port":
            args[name] = int(value)
        elif name == "timeout":
            args[name] = float(value)
        elif name is not None:
            args[name] = value
    return args


def _bounded(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name) or ""
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SystemExit(f"{name}: '{raw}' is not an integer in {low}..{high}")
    return int(raw)


@dataclass(frozen=True)
class Config:
    name: str
    pg: Dict[str, Any]
    redis_url: str
    upstream_url: str
    jwt_secret: str
    db_pool: int
    log_level: str


def from_environment() -> Config:
    env = os.environ.get
    return Config(name=env("BENCHLAB_NAME") or "fastapi-strict",
                  pg=asyncpg_args(env("BENCHLAB_PG") or ""),
                  redis_url=env("BENCHLAB_REDIS") or "redis://127.0.0.1:6379",
                  upstream_url=(env("BENCHLAB_UPSTREAM") or "").rstrip("/"),
                  jwt_secret=env("BENCHLAB_JWT_SECRET") or "benchlab-dev-secret",
                  db_pool=_bounded("BENCHLAB_DB_POOL", 8, 1, 1000),
                  log_level=(env("BENCHLAB_LOG_LEVEL") or "off").lower())


config = from_environment()
