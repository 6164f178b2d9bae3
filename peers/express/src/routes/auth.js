'use strict';
// Scenario 17: stateless JWT (HS256) versus server-side sessions in Redis.
const crypto = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const { unauthorized, keyParam, isKey } = require('../errors');

const TOKEN_TTL_SECONDS = 1800;
const USER = 'SELECT id, email FROM users WHERE id = $1';
const elapsedMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function bearer(req) {
  const [scheme, token] = (req.get('Authorization') || '').split(' ', 2);
  if (!scheme || scheme.toLowerCase() !== 'bearer' || !token || !token.trim()) {
    throw unauthorized('missing bearer token');
  }
  return token.trim();
}

module.exports = function authRoutes({ config, pool, redis }) {
  const router = express.Router();

  async function user(id) {
    const { rows } = isKey(id) ? await pool.query(USER, [id]) : { rows: [] };
    if (rows.length === 0) throw unauthorized(`no user ${id}`);
    return rows[0];
  }

  router.get('/auth/public', (req, res) => {
    res.json({ message: 'public endpoint', authenticated: false });
  });

  router.post('/auth/login/jwt', async (req, res) => {
    const start = process.hrtime.bigint();
    const u = await user(keyParam(req.query.user_id, 'user_id'));
    const token = jwt.sign({ sub: String(u.id), email: u.email }, config.jwtSecret,
      { algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS });
    res.json({ access_token: token, token_type: 'bearer', elapsed_ms: elapsedMs(start) });
  });

  router.get('/auth/protected/jwt', async (req, res) => {
    const start = process.hrtime.bigint();
    const token = bearer(req);
    let claims;
    try {
      // algorithms pinned: a token signed with anything but HS256 (or "none") fails.
      claims = jwt.verify(token, config.jwtSecret, { algorithms: ['HS256'] });
    } catch (err) {
      throw unauthorized(`invalid token: ${err.message}`);
    }
    const id = Number(claims.sub);
    if (typeof claims.exp !== 'number' || !Number.isInteger(id)) {
      throw unauthorized('invalid token claims');
    }
    const u = await user(id);
    res.json({
      message: 'jwt authentication successful', auth_type: 'jwt', user_id: u.id, email: u.email, elapsed_ms: elapsedMs(start),
    });
  });

  router.post('/auth/login/session', async (req, res) => {
    const start = process.hrtime.bigint();
    const u = await user(keyParam(req.query.user_id, 'user_id'));
    const token = crypto.randomBytes(32).toString('base64url');
    await redis.setEx(`session:${token}`, TOKEN_TTL_SECONDS, String(u.id));
    res.json({ session_token: token, token_type: 'session', elapsed_ms: elapsedMs(start) });
  });

  router.get('/auth/protected/session', async (req, res) => {
    const start = process.hrtime.bigint();
    const token = req.get('X-Session-Token') || bearer(req);
    if (token.length > 256) throw unauthorized('invalid session token');
    const stored = await redis.get(`session:${token}`);
    if (stored === null) throw unauthorized('unknown or expired session');
    const u = await user(Number(stored));
    res.json({
      message: 'session authentication successful', auth_type: 'session', user_id: u.id, email: u.email, elapsed_ms: elapsedMs(start),
    });
  });

  return router;
};
