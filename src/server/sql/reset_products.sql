-- Puts the 10 products back to stock 1000, version 0 (scenario 13), and
-- re-creates any that were deleted.
BEGIN;
INSERT INTO products (id, name, stock, version, updated_at)
SELECT n, 'Product ' || n, 1000, 0, now()
FROM generate_series(1, 10) AS n
ON CONFLICT (id) DO UPDATE SET stock = 1000, version = 0, updated_at = now();
DELETE FROM products WHERE id > 10;
SELECT setval('products_id_seq', 10);
COMMIT;
