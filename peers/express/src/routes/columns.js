'use strict';
// Scenario 10: the cost of columns and column types (SELECT * ... LIMIT N).
const express = require('express');
const { notFound, intParam } = require('../errors');

const WIDTH_TABLES = { narrow: 'users_narrow', wide: 'users_wide', 'extra-wide': 'users_extra_wide' };
const TYPE_TABLES = Object.fromEntries(
  ['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'].map((t) => [t, `users_type_${t}`]));

module.exports = function columnRoutes({ pool }) {
  const router = express.Router();

  async function selectAll(req, res, table) {
    const limit = intParam(req.query.limit, 'limit', { def: 100, min: 1, max: 1000 });
    // The table name comes from the fixed maps above, never from the request.
    const { rows } = await pool.query(`SELECT * FROM ${table} ORDER BY id LIMIT $1`, [limit]);
    res.json(rows);
  }

  router.get('/column-overhead/type/:kind', async (req, res) => {
    const table = Object.hasOwn(TYPE_TABLES, req.params.kind) && TYPE_TABLES[req.params.kind];
    if (!table) throw notFound(`unknown column type '${req.params.kind}' (${Object.keys(TYPE_TABLES).join(', ')})`);
    await selectAll(req, res, table);
  });

  router.get('/column-overhead/:width', async (req, res) => {
    const table = Object.hasOwn(WIDTH_TABLES, req.params.width) && WIDTH_TABLES[req.params.width];
    if (!table) throw notFound(`unknown width '${req.params.width}' (narrow, wide, extra-wide)`);
    await selectAll(req, res, table);
  });

  return router;
};
