"""Parameter types shared by the routers."""
from fastapi import Path
from pydantic import conint

INT4_MAX = 2**31 - 1

# A key of a serial column: anything outside int4 cannot exist (and would
# overflow the driver's int4 encoding), so it is a 422, not a 500.
RowId = conint(ge=1, le=INT4_MAX)


def row_id(description: str = "row id"):
    return Path(..., ge=1, le=INT4_MAX, description=description)
