-- Empties bulk_items (scenario 12), ids start at 1 again.
TRUNCATE bulk_items RESTART IDENTITY;
