"""Keys of serial columns: what a lookup by id may reach the database with."""
INT4_MAX = 2**31 - 1


def is_key(value: int) -> bool:
    return 1 <= value <= INT4_MAX
