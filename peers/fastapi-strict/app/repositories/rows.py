"""asyncpg records as JSON-ready dicts."""
import datetime
import decimal
import uuid
from typing import Any, Dict, Optional

import asyncpg


def plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def as_dict(record: Optional[asyncpg.Record]) -> Optional[Dict[str, Any]]:
    if record is None:
        return None
    return {key: plain(value) for key, value in record.items()}
