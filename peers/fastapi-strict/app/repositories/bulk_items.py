"""bulk_items, written one row, one transaction or one statement at a time."""
import asyncpg

INSERT = "INSERT INTO bulk_items (name, value, created_at) VALUES ($1, $2, now())"


def _rows_affected(status: str) -> int:
    return int(status.rsplit(" ", 1)[1])


class BulkItemRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def truncate(self) -> None:
        await self.conn.execute("TRUNCATE bulk_items RESTART IDENTITY")

    async def insert_one(self, name: str, value: int) -> int:
        return _rows_affected(await self.conn.execute(INSERT, name, value))

    async def insert_in_one_transaction(self, rows) -> int:
        async with self.conn.transaction():
            await self.conn.executemany(INSERT, rows)
        return len(rows)

    async def insert_one_statement(self, rows) -> int:
        values = ",".join(f"(${2 * k + 1}, ${2 * k + 2}, now())" for k in range(len(rows)))
        flat = [v for row in rows for v in row]
        return _rows_affected(await self.conn.execute(
            f"INSERT INTO bulk_items (name, value, created_at) VALUES {values}", *flat))

    async def set_value(self, item_id: int, value: int) -> int:
        return _rows_affected(await self.conn.execute(
            "UPDATE bulk_items SET value = $1 WHERE id = $2", value, item_id))

    async def set_values(self, values_by_id) -> int:
        # ids and values are integers the service generated, written inline.
        cases = " ".join(f"WHEN {int(i)} THEN {int(v)}" for i, v in values_by_id.items())
        return _rows_affected(await self.conn.execute(
            f"UPDATE bulk_items SET value = CASE id {cases} END WHERE id = ANY($1::int[])",
            list(values_by_id)))
