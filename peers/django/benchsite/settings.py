"""Settings from the launcher interface's BENCHLAB_* variables (docs/peers.md)."""
import os
import shlex
from urllib.parse import unquote, urlsplit


def _database(dsn: str) -> dict:
    """Django's DATABASES entry from a libpq URI or keyword string."""
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "benchlab",
          # one persistent connection per sync worker (what BENCHLAB_DB_POOL would size)
          "CONN_MAX_AGE": None, "ATOMIC_REQUESTS": False}
    dsn = dsn.strip()
    if dsn.startswith(("postgresql://", "postgres://")):
        url = urlsplit(dsn)
        db.update(NAME=unquote(url.path.lstrip("/")) or "benchlab", USER=unquote(url.username or ""),
                  PASSWORD=unquote(url.password or ""), HOST=url.hostname or "",
                  PORT=str(url.port or ""))
    elif dsn:
        names = {"dbname": "NAME", "user": "USER", "password": "PASSWORD", "host": "HOST",
                 "hostaddr": "HOST", "port": "PORT"}
        for item in shlex.split(dsn):
            key, _, value = item.partition("=")
            if key in names:
                db[names[key]] = value
    return db


BENCHLAB_NAME = os.environ.get("BENCHLAB_NAME") or "django"
BENCHLAB_UPSTREAM = (os.environ.get("BENCHLAB_UPSTREAM") or "").rstrip("/")
BENCHLAB_JWT_SECRET = os.environ.get("BENCHLAB_JWT_SECRET") or "benchlab-dev-secret"
REDIS_URL = os.environ.get("BENCHLAB_REDIS") or "redis://127.0.0.1:6379"
LOG_LEVEL = (os.environ.get("BENCHLAB_LOG_LEVEL") or "off").lower()

SECRET_KEY = BENCHLAB_JWT_SECRET
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "benchsite.urls"
WSGI_APPLICATION = "benchsite.wsgi.application"
INSTALLED_APPS = ["rest_framework", "api"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
APPEND_SLASH = False
USE_TZ = False  # the columns are `timestamp` (no zone)
TIME_ZONE = "UTC"
USE_I18N = False
DATABASES = {"default": _database(os.environ.get("BENCHLAB_PG", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Uploads of the contract's size stay in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = None

# The cache framework on Redis (django-redis), keys exactly as the contract
# names them (user:{id}, session:{token}), values as JSON.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "api.cache.contract_key",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SERIALIZER": "django_redis.serializers.json.JSONSerializer",
        },
    }
}

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON whatever the Content-Type says (like the other implementations),
    # multipart for uploads
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser",
                               "rest_framework.parsers.MultiPartParser",
                               "api.parsers.AnyTypeJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}

_LEVELS = {"off": "CRITICAL", "error": "ERROR", "warn": "WARNING", "warning": "WARNING",
           "info": "INFO", "debug": "DEBUG"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": True,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "benchlab.peer": {"handlers": ["stderr"] if LOG_LEVEL != "off" else [],
                          "level": _LEVELS.get(LOG_LEVEL, "ERROR"), "propagate": False},
        "django": {"handlers": ["stderr"] if LOG_LEVEL != "off" else [],
                   "level": "ERROR", "propagate": False},
    },
}
