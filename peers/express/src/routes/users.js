'use strict';
// Scenarios 03, 04, 09: the users resource and its two pagination styles.
const express = require('express');
const {
  HttpError, notFound, invalid, intParam, keyParam, isKey, INT4_MAX,
} = require('../errors');

const COLUMNS = 'id, name, email, created_at';

function text(body, field, max, required) {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw invalid(`${field}: field required`);
    return null;
  }
  if (typeof v !== 'string' || v.length < 1 || v.length > max) {
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

// An address has exactly one '@' with something on both sides (benchlab-server's rule).
function oneAt(email) {
  if (email === null) return null;
  const at = email.indexOf('@');
  if (at <= 0 || at === email.length - 1 || email.indexOf('@', at + 1) !== -1) {
    throw invalid("email: an address with one '@' is required");
  }
  return email;
}

const duplicate = (err, email) => err.code === '23505' && new HttpError(409, `email ${email} already exists`);

module.exports = function userRoutes({ pool }) {
  const router = express.Router();

  router.get('/users', async (req, res) => {
    const { rows } = await pool.query(`SELECT ${COLUMNS} FROM users ORDER BY id`);
    res.json(rows);
  });

  // Before /users/:id, so these are not taken for an id.
  router.get('/users/offset', async (req, res) => {
    const page = intParam(req.query.page, 'page', { def: 1, min: 1, max: 10_000_000 });
    const size = intParam(req.query.size, 'size', { def: 20, min: 1, max: 100 });
    const { rows } = await pool.query(
      `SELECT ${COLUMNS} FROM users_pagination ORDER BY id LIMIT $1 OFFSET $2`, [size, (page - 1) * size]);
    const { rows: [{ total }] } = await pool.query('SELECT count(*) AS total FROM users_pagination');
    res.json({ items: rows, total, page, size, total_pages: Math.ceil(total / size) });
  });

  router.get('/users/cursor', async (req, res) => {
    const cursor = intParam(req.query.cursor, 'cursor', { def: 0, min: 0, max: INT4_MAX });
    const size = intParam(req.query.size, 'size', { def: 20, min: 1, max: 100 });
    const { rows } = await pool.query(
      `SELECT ${COLUMNS} FROM users_pagination WHERE id > $1 ORDER BY id LIMIT $2`, [cursor, size + 1]);
    const more = rows.length > size;
    const items = rows.slice(0, size);
    res.json({ items, next_cursor: more ? items[items.length - 1].id : null, size });
  });

  router.get('/users/:id', async (req, res) => {
    const id = keyParam(req.params.id);
    const { rows } = isKey(id) ? await pool.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]) : { rows: [] };
    if (rows.length === 0) throw notFound(`user ${id} not found`);
    res.json(rows[0]);
  });

  router.post('/users', async (req, res) => {
    const body = objectBody(req);
    const name = text(body, 'name', 100, true);
    const email = oneAt(text(body, 'email', 255, true));
    try {
      const { rows } = await pool.query(
        `INSERT INTO users (name, email, created_at) VALUES ($1, $2, now()) RETURNING ${COLUMNS}`, [name, email]);
      res.status(201).json(rows[0]);
    } catch (err) {
      throw duplicate(err, email) || err;
    }
  });

  router.put('/users/:id', async (req, res) => {
    const id = keyParam(req.params.id);
    const body = objectBody(req);
    const name = text(body, 'name', 100, false);
    const email = oneAt(text(body, 'email', 255, false));
    if (name === null && email === null) throw invalid('body: name or email is required');
    if (!isKey(id)) throw notFound(`user ${id} not found`);
    let rows;
    try {
      ({ rows } = await pool.query(
        `UPDATE users SET name = COALESCE($2, name), email = COALESCE($3, email) WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, name, email]));
    } catch (err) {
      throw duplicate(err, email) || err;
    }
    if (rows.length === 0) throw notFound(`user ${id} not found`);
    res.json(rows[0]);
  });

  router.delete('/users/:id', async (req, res) => {
    const id = keyParam(req.params.id);
    const { rowCount } = isKey(id) ? await pool.query('DELETE FROM users WHERE id = $1', [id]) : { rowCount: 0 };
    if (rowCount === 0) throw notFound(`user ${id} not found`);
    res.status(204).end();
  });

  return router;
};
