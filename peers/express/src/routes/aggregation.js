'use strict';
// Scenario 18: aggregations as an ORM would plan them ("orm": several
// statements, combined in JavaScript) versus one hand-written statement ("raw").
const express = require('express');
const { notFound, intParam } = require('../errors');

function variant(req) {
  const v = req.params.variant;
  if (v !== 'orm' && v !== 'raw') throw notFound(`unknown variant '${v}' (orm, raw)`);
  return v;
}

module.exports = function aggregationRoutes({ pool }) {
  const router = express.Router();
  const value = async (sql, params) => Object.values((await pool.query(sql, params)).rows[0])[0];

  router.get('/aggregation/count/:variant', async (req, res) => {
    if (variant(req) === 'orm') {
      const countStar = await value('SELECT count(*) FROM users_wide');
      const countId = await value('SELECT count(id) FROM users_wide');
      const countDistinct = await value('SELECT count(DISTINCT status) FROM users_wide');
      return res.json({ count_star: countStar, count_id: countId, count_distinct_status: countDistinct });
    }
    const { rows } = await pool.query('SELECT count(*) AS count_star, count(id) AS count_id, '
      + 'count(DISTINCT status) AS count_distinct_status FROM users_wide');
    return res.json(rows[0]);
  });

  router.get('/aggregation/stats/country/:variant', async (req, res) => {
    const v = variant(req);
    const limit = intParam(req.query.limit, 'limit', { def: 10, min: 1, max: 1000 });
    if (v === 'orm') {
      // The ORM plan: the ranking query, then the sums/averages for those groups.
      const { rows: ranked } = await pool.query(
        'SELECT country, count(*) AS user_count FROM users_wide GROUP BY country '
        + 'ORDER BY user_count DESC, country LIMIT $1', [limit]);
      const { rows: sums } = await pool.query(
        'SELECT country, sum(login_count) AS total_logins, avg(login_count) AS avg_logins '
        + 'FROM users_wide WHERE country = ANY($1::varchar[]) GROUP BY country', [ranked.map((r) => r.country)]);
      const by = new Map(sums.map((s) => [s.country, s]));
      return res.json(ranked.map((r) => ({
        country: r.country,
        user_count: r.user_count,
        total_logins: by.get(r.country).total_logins,
        avg_logins: by.get(r.country).avg_logins,
      })));
    }
    const { rows } = await pool.query(
      'SELECT country, count(*) AS user_count, sum(login_count) AS total_logins, avg(login_count) AS avg_logins '
      + 'FROM users_wide GROUP BY country ORDER BY user_count DESC, country LIMIT $1', [limit]);
    return res.json(rows);
  });

  router.get('/aggregation/stats/author/:variant', async (req, res) => {
    const v = variant(req);
    const limit = intParam(req.query.limit, 'limit', { def: 10, min: 1, max: 1000 });
    if (v === 'orm') {
      // The ORM plan: aggregate posts per author_id, then load those authors.
      const { rows: ranked } = await pool.query(
        'SELECT author_id, count(*) AS post_count, sum(view_count) AS total_views, avg(view_count) AS avg_views '
        + 'FROM posts GROUP BY author_id ORDER BY post_count DESC, author_id LIMIT $1', [limit]);
      const { rows: authors } = await pool.query(
        'SELECT id, name FROM authors WHERE id = ANY($1::int[])', [ranked.map((r) => r.author_id)]);
      const names = new Map(authors.map((a) => [a.id, a.name]));
      return res.json(ranked.map((r) => ({
        author_id: r.author_id,
        author_name: names.get(r.author_id) ?? null,
        post_count: r.post_count,
        total_views: r.total_views,
        avg_views: r.avg_views,
      })));
    }
    const { rows } = await pool.query(
      'SELECT a.id AS author_id, a.name AS author_name, count(p.id) AS post_count, '
      + 'sum(p.view_count) AS total_views, avg(p.view_count) AS avg_views '
      + 'FROM authors a JOIN posts p ON p.author_id = a.id GROUP BY a.id, a.name '
      + 'ORDER BY post_count DESC, a.id LIMIT $1', [limit]);
    return res.json(rows);
  });

  return router;
};
