"""Data access: every SQL statement and Redis command of the app lives here.
A repository takes the pool (or one connection) and returns plain dicts."""
