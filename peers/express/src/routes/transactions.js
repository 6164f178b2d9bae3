'use strict';
// Scenario 13: decrementing stock under contention with four strategies.
const express = require('express');
const {
  notFound, intParam, keyParam, isKey, INT4_MAX,
} = require('../errors');

const OPTIMISTIC_RETRIES = 5;
const SERIALIZATION_FAILURE = '40001';

function enough(out, stock, quantity) {
  out.old_stock = stock;
  out.new_stock = stock; // until a write succeeds
  if (stock < quantity) {
    out.error = 'insufficient stock';
    return false;
  }
  return true;
}

// Every write bumps the version (as benchlab-server does), so a compare-and-swap
// never misses a change made by another method.
const UPDATE_STOCK =
  'UPDATE products SET stock = $2, version = version + 1, updated_at = now() WHERE id = $1';

async function stockOf(client, pid, lock = '') {
  const { rows } = await client.query(`SELECT stock FROM products WHERE id = $1${lock}`, [pid]);
  if (rows.length === 0) throw notFound(`product ${pid} not found`);
  return rows[0].stock;
}

async function withTransaction(client, begin, fn) {
  await client.query(begin);
  try {
    await fn();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

// Read, then write what was read minus qty: concurrent requests lose updates.
async function noLock(client, out, pid, qty) {
  const stock = await stockOf(client, pid);
  if (enough(out, stock, qty)) {
    await client.query(UPDATE_STOCK, [pid, stock - qty]);
    out.success = true;
    out.new_stock = stock - qty;
  }
}

async function pessimistic(client, out, pid, qty) {
  await withTransaction(client, 'BEGIN', async () => {
    const stock = await stockOf(client, pid, ' FOR UPDATE');
    if (enough(out, stock, qty)) {
      await client.query(UPDATE_STOCK, [pid, stock - qty]);
      out.success = true;
      out.new_stock = stock - qty;
    }
  });
}

// Compare-and-swap on version; a lost race is retried up to 5 times.
async function optimistic(client, out, pid, qty) {
  for (;;) {
    const { rows } = await client.query('SELECT stock, version FROM products WHERE id = $1', [pid]);
    if (rows.length === 0) throw notFound(`product ${pid} not found`);
    const { stock, version } = rows[0];
    if (!enough(out, stock, qty)) return;
    const { rowCount } = await client.query(
      'UPDATE products SET stock = $2, version = version + 1, updated_at = now() WHERE id = $1 AND version = $3',
      [pid, stock - qty, version]);
    if (rowCount === 1) {
      out.success = true;
      out.new_stock = stock - qty;
      return;
    }
    if (out.retries === OPTIMISTIC_RETRIES) {
      out.error = `version conflict: gave up after ${OPTIMISTIC_RETRIES} retries`;
      return;
    }
    out.retries += 1;
  }
}

// A serialization failure is the result being measured: reported, not retried.
async function serializable(client, out, pid, qty) {
  try {
    await withTransaction(client, 'BEGIN ISOLATION LEVEL SERIALIZABLE', async () => {
      const stock = await stockOf(client, pid);
      if (enough(out, stock, qty)) {
        await client.query(UPDATE_STOCK, [pid, stock - qty]);
        out.new_stock = stock - qty;
      }
    });
  } catch (err) {
    if (err.code !== SERIALIZATION_FAILURE) throw err;
    out.new_stock = out.old_stock;
    out.error = 'serialization failure';
    return;
  }
  out.success = out.error === null;
}

const METHODS = { 'no-lock': noLock, pessimistic, optimistic, serializable };

module.exports = function transactionRoutes({ pool }) {
  const router = express.Router();

  router.post('/transactions/reset', async (req, res) => {
    await pool.query('UPDATE products SET stock = 1000, version = 0, updated_at = now()');
    res.json({ message: 'products reset' });
  });

  router.get('/transactions/products/:id', async (req, res) => {
    const id = keyParam(req.params.id, 'product id');
    const { rows } = isKey(id)
      ? await pool.query('SELECT id, name, stock, version, updated_at FROM products WHERE id = $1', [id])
      : { rows: [] };
    if (rows.length === 0) throw notFound(`product ${id} not found`);
    res.json(rows[0]);
  });

  router.post('/transactions/decrement/:method', async (req, res) => {
    const { method } = req.params;
    const run = Object.hasOwn(METHODS, method) && METHODS[method];
    if (!run) throw notFound(`unknown method '${method}' (${Object.keys(METHODS).join(', ')})`);
    const productId = intParam(req.query.product_id, 'product_id', { def: 1, min: 1, max: INT4_MAX });
    const quantity = intParam(req.query.quantity, 'quantity', { def: 1, min: 1, max: 1_000_000 });
    const out = {
      success: false, method, product_id: productId, old_stock: null, new_stock: null, retries: 0, elapsed_ms: 0, error: null,
    };
    const client = await pool.connect();
    try {
      const start = process.hrtime.bigint();
      await run(client, out, productId, quantity);
      out.elapsed_ms = Number(process.hrtime.bigint() - start) / 1e6;
    } finally {
      client.release();
    }
    res.json(out);
  });

  return router;
};
