'use strict';
// Scenario 19 (the same text search three ways) and scenario 20 (the
// end-to-end flow: bcrypt login, feed, write, read back).
const express = require('express');
const bcrypt = require('bcrypt');
const jwt = require('jsonwebtoken');
const {
  invalid, notFound, unauthorized, intParam, keyParam, isKey, INT4_MAX,
} = require('../errors');

const SEARCH_COLUMNS = 'id, title, body, created_at';
const NEWEST = 'ORDER BY created_at DESC, id DESC LIMIT $2';
// like: no index can serve ILIKE '%q%' (a scan); trgm: the pg_trgm GIN index on
// lower(body); fts: the tsvector column and its GIN index.
const SEARCH = {
  like: `SELECT ${SEARCH_COLUMNS} FROM search_posts WHERE body ILIKE $1 ${NEWEST}`,
  trgm: `SELECT ${SEARCH_COLUMNS} FROM search_posts WHERE lower(body) LIKE lower($1) ${NEWEST}`,
  fts: `SELECT ${SEARCH_COLUMNS} FROM search_posts WHERE tsv @@ websearch_to_tsquery('english', $1) ${NEWEST}`,
};
const POST_COLUMNS = 'id, account_id, title, body, created_at';
const TOKEN_TTL_SECONDS = 1800;
const elapsedMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const chars = (s) => [...s].length;
// '%q%' with LIKE's metacharacters (and its escape, \) matching themselves.
const likePattern = (q) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

function text(body, field, max) {
  const v = body[field];
  if (typeof v !== 'string' || chars(v) < 1 || chars(v) > max) {
    throw invalid(`${field}: a string of 1..${max} characters is required`);
  }
  return v;
}

function objectBody(req) {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw invalid('body: a JSON object is required');
  }
  return req.body;
}

module.exports = function searchFlowRoutes({ config, pool }) {
  const router = express.Router();

  router.get('/search/posts', async (req, res) => {
    const { q, method } = req.query;
    if (typeof q !== 'string' || chars(q) < 1 || chars(q) > 100 || /[\x00-\x1f\x7f]/.test(q)) {
      throw invalid('q: 1..100 characters of text are required');
    }
    if (typeof method !== 'string' || !Object.hasOwn(SEARCH, method)) {
      throw invalid('method: one of like, trgm, fts is required');
    }
    const limit = intParam(req.query.limit, 'limit', { def: 20, min: 1, max: 100 });
    const { rows } = await pool.query(SEARCH[method], [method === 'fts' ? q : likePattern(q), limit]);
    res.json({ method, q, count: rows.length, items: rows });
  });

  function account(req) {
    const [scheme, token] = (req.get('Authorization') || '').split(' ', 2);
    if (!scheme || scheme.toLowerCase() !== 'bearer' || !token || !token.trim()) {
      throw unauthorized('missing bearer token');
    }
    let claims;
    try {
      claims = jwt.verify(token.trim(), config.jwtSecret, { algorithms: ['HS256'] });
    } catch (err) {
      throw unauthorized(`invalid token: ${err.message}`);
    }
    const id = Number(claims.sub);
    if (typeof claims.exp !== 'number' || !isKey(id)) throw unauthorized('invalid token claims');
    return id;
  }

  router.post('/flow/login', async (req, res) => {
    const start = process.hrtime.bigint();
    const body = objectBody(req);
    const email = text(body, 'email', 255);
    const password = text(body, 'password', 72);
    const { rows } = await pool.query('SELECT id, password_hash FROM accounts WHERE email = $1', [email]);
    // bcrypt's async API verifies on libuv's thread pool; the event loop keeps serving.
    if (rows.length === 0 || !(await bcrypt.compare(password, rows[0].password_hash))) {
      throw unauthorized('wrong email or password');
    }
    const token = jwt.sign({ sub: String(rows[0].id), email }, config.jwtSecret,
      { algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS });
    res.json({
      access_token: token, token_type: 'bearer', account_id: rows[0].id, elapsed_ms: elapsedMs(start),
    });
  });

  router.get('/flow/feed', async (req, res) => {
    const limit = intParam(req.query.limit, 'limit', { def: 20, min: 1, max: 100 });
    const before = intParam(req.query.before, 'before', { def: INT4_MAX, min: 1, max: INT4_MAX });
    const id = account(req);
    const { rows } = await pool.query(
      'SELECT p.id, p.title, p.body, p.created_at, a.name AS author_name '
      + 'FROM account_posts p JOIN accounts a ON a.id = p.account_id '
      + 'WHERE p.account_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3', [id, before, limit + 1]);
    const items = rows.slice(0, limit);
    res.json({ account_id: id, items, next_before: rows.length > limit ? items[items.length - 1].id : null });
  });

  router.post('/flow/posts', async (req, res) => {
    const id = account(req);
    const body = objectBody(req);
    const title = text(body, 'title', 200);
    const content = text(body, 'body', 10000);
    const { rows } = await pool.query(
      `INSERT INTO account_posts (account_id, title, body) VALUES ($1, $2, $3) RETURNING ${POST_COLUMNS}`,
      [id, title, content]);
    res.status(201).json(rows[0]);
  });

  router.get('/flow/posts/:id', async (req, res) => {
    const id = account(req);
    const postId = keyParam(req.params.id);
    const { rows } = isKey(postId)
      ? await pool.query(`SELECT ${POST_COLUMNS} FROM account_posts WHERE id = $1 AND account_id = $2`, [postId, id])
      : { rows: [] };
    if (rows.length === 0) throw notFound('post not found');
    res.json(rows[0]);
  });

  return router;
};
