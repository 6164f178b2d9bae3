"""Keys of serial columns, shared by the routers."""
INT4_MAX = 2**31 - 1


def is_key(value: int) -> bool:
    """Whether a serial column can hold value. Anything else names no row
    (404 / 401, like benchlab-server), and must not reach the driver, whose
    int4 encoding would overflow."""
    return 1 <= value <= INT4_MAX
