'use strict';
// The server-configuration study: I/O-bound, CPU-bound and mixed handlers.
const { setTimeout: sleep } = require('node:timers/promises');
const bcrypt = require('bcrypt');
const express = require('express');
const { intParam } = require('../errors');

// Same cap as the Python peer: n=35 already takes a noticeable time, above
// that one request could hold the event loop for minutes.
const FIB_MAX = 35;
const PASSWORD = 'benchmark-password-2026';

const AUTHOR_TOTALS = 'SELECT a.id, a.name, a.email, count(p.id) AS post_count, '
  + 'coalesce(sum(p.view_count), 0) AS total_views '
  + 'FROM authors a LEFT JOIN posts p ON p.author_id = a.id GROUP BY a.id ORDER BY a.id';

// Top 10 by field, descending, ties by id, as {id, name, field}.
const top10 = (authors, field) => [...authors]
  .sort((a, b) => b[field] - a[field] || a.id - b.id)
  .slice(0, 10)
  .map((a) => ({ id: a.id, name: a.name, [field]: a[field] }));

const fibonacci = (n) => (n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2));

module.exports = function serverConfigRoutes({ pool }) {
  const router = express.Router();
  const authorTotals = async () => (await pool.query(AUTHOR_TOTALS)).rows;

  router.get('/io/sleep', async (req, res) => {
    const start = process.hrtime.bigint();
    await sleep(100);
    res.json({ status: 'ok', slept: 0.1, slept_ms: Number(process.hrtime.bigint() - start) / 1e6 });
  });

  router.get('/io/db', async (req, res) => {
    const authors = await authorTotals();
    res.json({ count: authors.length, authors });
  });

  router.get('/cpu/fibonacci', (req, res) => {
    // Deliberately on the event loop: this endpoint measures a CPU-bound handler.
    const n = intParam(req.query.n, 'n', { def: 32, min: 0, max: FIB_MAX });
    res.json({ n, result: fibonacci(n) });
  });

  router.get('/cpu/hash', async (req, res) => {
    // bcrypt's async API hashes on libuv's thread pool; the event loop keeps serving.
    const hash = await bcrypt.hash(PASSWORD, 12);
    res.json({ status: 'ok', hash_length: hash.length });
  });

  router.get('/cpu/json-serialize', (req, res) => {
    const items = [];
    for (let i = 0; i < 10000; i++) items.push({ id: i, name: `item_${i}`, email: `user${i}@example.com`, value: i * 1.5 });
    const payload = JSON.stringify(items);
    res.json({ status: 'ok', items: items.length, bytes: Buffer.byteLength(payload) });
  });

  router.get('/mixed/report', async (req, res) => {
    // A JSON round trip of the rows, as a report built from a cached blob does.
    const blob = JSON.stringify(await authorTotals());
    const authors = JSON.parse(blob);
    const totalPosts = authors.reduce((s, a) => s + a.post_count, 0);
    const totalViews = authors.reduce((s, a) => s + a.total_views, 0);
    const summary = {
      total_authors: authors.length,
      total_posts: totalPosts,
      total_views: totalViews,
      avg_posts_per_author: authors.length ? totalPosts / authors.length : 0,
      avg_views_per_post: totalPosts ? totalViews / totalPosts : 0,
      json_bytes: Buffer.byteLength(blob),
    };
    res.json({ summary, top_by_posts: top10(authors, 'post_count'), top_by_views: top10(authors, 'total_views') });
  });

  return router;
};
