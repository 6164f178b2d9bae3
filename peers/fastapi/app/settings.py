"""Configuration, read once from the environment (the launcher interface)."""
import os
import shlex
from dataclasses import dataclass, field
from typing import Any, Dict


def libpq_to_asyncpg(dsn: str) -> Dict[str, Any]:
    """asyncpg takes a postgresql:// URI, but the lab may hand us libpq's
    keyword form (`host=... port=... dbname=...`): turn that into keyword
    arguments for asyncpg.create_pool."""
    dsn = dsn.strip()
    if not dsn:
        return {}
    if dsn.startswith(("postgresql://", "postgres://")):
        return {"dsn": dsn}
    renames = {"dbname": "database", "host": "host", "hostaddr": "host", "port": "port",
               "user": "user", "password": "password", "sslmode": "ssl",
               "connect_timeout": "timeout"}
    out: Dict[str, Any] = {}
    for token in shlex.split(dsn):
        key, sep, value = token.partition("=")
        if not sep:
            raise ValueError(f"BENCHLAB_PG: '{token}' is not key=value")
        if key not in renames:
            continue  # options asyncpg has no use for (application_name, ...)
        name = renames[key]
        if name == "port":
            out[name] = int(value)
        elif name == "timeout":
            out[name] = float(value)
        elif name == "ssl":
            out[name] = value if value != "disable" else False
        else:
            out[name] = value
    return out


def _int_env(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}: '{raw}' is not an integer") from None
    if not low <= value <= high:
        raise SystemExit(f"{name}: {value} is outside {low}..{high}")
    return value


@dataclass(frozen=True)
class Settings:
    name: str = "fastapi"
    pg: Dict[str, Any] = field(default_factory=dict)
    redis_url: str = "redis://127.0.0.1:6379"
    upstream_url: str = ""
    jwt_secret: str = "benchlab-dev-secret"
    db_pool: int = 8
    log_level: str = "off"


def load() -> Settings:
    return Settings(
        name=os.environ.get("BENCHLAB_NAME") or "fastapi",
        pg=libpq_to_asyncpg(os.environ.get("BENCHLAB_PG", "")),
        redis_url=os.environ.get("BENCHLAB_REDIS") or "redis://127.0.0.1:6379",
        upstream_url=(os.environ.get("BENCHLAB_UPSTREAM") or "").rstrip("/"),
        jwt_secret=os.environ.get("BENCHLAB_JWT_SECRET") or "benchlab-dev-secret",
        db_pool=_int_env("BENCHLAB_DB_POOL", 8, 1, 1000),
        log_level=(os.environ.get("BENCHLAB_LOG_LEVEL") or "off").lower(),
    )


settings = load()
