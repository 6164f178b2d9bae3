'use strict';
// Scenarios 14-16: a user read from PostgreSQL, or from Redis in front of it.
const express = require('express');
const {
  notFound, intParam, keyParam, isKey,
} = require('../errors');

const TTL_SECONDS = 300;
const USER = 'SELECT id, name, email FROM users WHERE id = $1';
const elapsedMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;

const answer = (source, user, start) => ({
  source, user_id: user.id, name: user.name, email: user.email, elapsed_ms: elapsedMs(start),
});

module.exports = function cacheRoutes({ pool, redis }) {
  const router = express.Router();

  async function fromDb(id) {
    const { rows } = isKey(id) ? await pool.query(USER, [id]) : { rows: [] };
    if (rows.length === 0) throw notFound(`user ${id} not found`);
    return rows[0];
  }

  router.get('/cache/users/:id/no-cache', async (req, res) => {
    const id = keyParam(req.params.id, 'user id');
    const start = process.hrtime.bigint();
    res.json(answer('database', await fromDb(id), start));
  });

  router.get('/cache/users/:id/cached', async (req, res) => {
    const id = keyParam(req.params.id, 'user id');
    const start = process.hrtime.bigint();
    const hit = await redis.get(`user:${id}`);
    if (hit !== null) return res.json(answer('cache', JSON.parse(hit), start));
    const user = await fromDb(id);
    await redis.setEx(`user:${id}`, TTL_SECONDS, JSON.stringify(user));
    return res.json(answer('database', user, start));
  });

  router.post('/cache/warmup', async (req, res) => {
    const count = intParam(req.query.count, 'count', { def: 100, min: 1, max: 1000 });
    const start = process.hrtime.bigint();
    const { rows } = await pool.query('SELECT id, name, email FROM users ORDER BY id LIMIT $1', [count]);
    const batch = redis.multi();
    for (const u of rows) batch.setEx(`user:${u.id}`, TTL_SECONDS, JSON.stringify(u));
    if (rows.length > 0) await batch.execAsPipeline();
    res.json({ warmed_count: rows.length, elapsed_ms: elapsedMs(start) });
  });

  router.delete('/cache/flush', async (req, res) => {
    await redis.flushDb();
    res.json({ message: 'cache flushed' });
  });

  router.delete('/cache/users/:id', async (req, res) => {
    const id = keyParam(req.params.id, 'user id');
    const deleted = await redis.del(`user:${id}`);
    res.json({ deleted: deleted > 0, success: true });
  });

  return router;
};
