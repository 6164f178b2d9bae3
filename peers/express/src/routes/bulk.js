'use strict';
// Scenario 12: bulk inserts and updates into bulk_items, five ways.
const express = require('express');
const { notFound, intParam } = require('../errors');

const INSERT_ONE = 'INSERT INTO bulk_items (name, value, created_at) VALUES ($1, $2, now())';

// Autocommit: every INSERT is its own statement and its own commit.
async function insertIndividual(client, n) {
  for (let i = 1; i <= n; i++) await client.query(INSERT_ONE, [`item_${i}`, i]);
  return n;
}

// All rows in one transaction.
async function insertBatch(client, n) {
  await client.query('BEGIN');
  try {
    for (let i = 1; i <= n; i++) await client.query(INSERT_ONE, [`item_${i}`, i]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  return n;
}

// One multi-row INSERT ... VALUES ($1,$2,now()),($3,$4,now()),...
async function insertRaw(client, n) {
  const values = [];
  const params = [];
  for (let i = 1; i <= n; i++) {
    values.push(`($${2 * i - 1}, $${2 * i}, now())`);
    params.push(`item_${i}`, i);
  }
  const { rowCount } = await client.query(
    `INSERT INTO bulk_items (name, value, created_at) VALUES ${values.join(',')}`, params);
  return rowCount;
}

async function updateIndividual(client, n) {
  let updated = 0;
  for (let i = 1; i <= n; i++) {
    const { rowCount } = await client.query('UPDATE bulk_items SET value = $1 WHERE id = $2', [i * 10, i]);
    updated += rowCount;
  }
  return updated;
}

// One UPDATE with a CASE over the ids 1..n (integers generated here, not taken
// from the request, so they are written into the statement).
async function updateBulk(client, n) {
  const cases = [];
  for (let i = 1; i <= n; i++) cases.push(`WHEN ${i} THEN ${i * 10}`);
  const { rowCount } = await client.query(
    `UPDATE bulk_items SET value = CASE id ${cases.join(' ')} END WHERE id BETWEEN 1 AND $1`, [n]);
  return rowCount;
}

const OPERATIONS = {
  'insert-individual': insertIndividual,
  'insert-batch': insertBatch,
  'insert-raw': insertRaw,
  'update-individual': updateIndividual,
  'update-bulk': updateBulk,
};

module.exports = function bulkRoutes({ pool }) {
  const router = express.Router();

  router.delete('/bulk-operations/cleanup', async (req, res) => {
    await pool.query('TRUNCATE bulk_items RESTART IDENTITY');
    res.json({ message: 'bulk_items truncated' });
  });

  router.post('/bulk-operations/:operation', async (req, res) => {
    const { operation } = req.params;
    const run = Object.hasOwn(OPERATIONS, operation) && OPERATIONS[operation];
    if (!run) throw notFound(`unknown bulk operation '${operation}' (${Object.keys(OPERATIONS).join(', ')})`);
    const count = intParam(req.query.count, 'count', { def: 1000, min: 1, max: 10000 });
    const client = await pool.connect();
    try {
      const start = process.hrtime.bigint();
      const done = await run(client, count);
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      res.json({ operation, count: done, elapsed_ms: elapsed });
    } finally {
      client.release();
    }
  });

  return router;
};
