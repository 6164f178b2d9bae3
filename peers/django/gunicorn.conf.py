"""gunicorn settings the launcher does not pass on its command line, and a
fail-fast check of PostgreSQL and Redis before any worker starts."""
import os
import sys

wsgi_app = "benchsite.wsgi:application"
worker_class = "sync"  # the study's Django: one request at a time per worker
graceful_timeout = 10
timeout = 120
keepalive = 5  # sync workers close the connection after each response anyway


def on_starting(server):
    """One line on stderr and exit 3 (gunicorn's code for a failed boot) when
    the database or Redis cannot be reached, instead of serving /health and
    failing everything else."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    try:
        import django
        django.setup()
        from django.db import connection
        from django_redis import get_redis_connection
        connection.ensure_connection()
        connection.close()
        get_redis_connection("default").ping()
    except Exception as exc:  # noqa: BLE001 - any failure here means "cannot start"
        print(f"django peer: cannot start: {type(exc).__name__}: {exc}".splitlines()[0],
              file=sys.stderr, flush=True)
        os._exit(3)
