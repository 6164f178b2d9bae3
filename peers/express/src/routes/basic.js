'use strict';
// Scenarios 01, 02, 05, 06, 07: health, echo, external, middleware chain, upload.
const crypto = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const express = require('express');
const multer = require('multer');
const { HttpError, invalid, unauthorized } = require('../errors');

// what the server runs on, read into the study's manifest (docs/peers.md)
const FRAMEWORK = `Express/${(() => {
  try {
    return require('express/package.json').version;
  } catch {
    return 'unknown';
  }
})()} Node/${process.versions.node}`;

const elapsedMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;

module.exports = function basicRoutes({ config }) {
  const router = express.Router();

  router.get('/health', (req, res) => {
    res.set('X-Benchlab-Framework', FRAMEWORK);
    res.json({ status: 'ok', server: config.name });
  });

  router.post('/echo', (req, res) => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalid('body: a JSON object is required');
    }
    if (typeof body.message !== 'string') throw invalid('message: a string is required');
    const data = body.data === undefined ? null : body.data;
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      throw invalid('data: must be an object');
    }
    res.json({ message: body.message, data });
  });

  router.get('/external', async (req, res) => {
    // The simulated upstream: a timer, no CPU held.
    const start = process.hrtime.bigint();
    await sleep(100);
    res.json({
      source: 'simulated_external_api',
      latency_ms: elapsedMs(start),
      data: { message: 'External API response' },
    });
  });

  router.get('/external/http', async (req, res) => {
    // The real-upstream variant: one GET to BENCHLAB_UPSTREAM (fetch keeps
    // connections alive in its pool).
    if (!config.upstreamUrl) throw new HttpError(503, 'BENCHLAB_UPSTREAM is not configured');
    const start = process.hrtime.bigint();
    let data;
    try {
      const upstream = await fetch(`${config.upstreamUrl}/`, { signal: AbortSignal.timeout(10000) });
      if (!upstream.ok) throw new Error(`status ${upstream.status}`);
      data = await upstream.json();
    } catch (err) {
      throw new HttpError(502, `upstream failed: ${err.message}`);
    }
    res.json({ source: 'upstream', latency_ms: elapsedMs(start), data });
  });

  // The /protected chain: request id -> request logging -> bearer auth.
  function requestId(req, res, next) {
    req.id = req.get('X-Request-Id') || crypto.randomUUID();
    res.set('X-Request-Id', req.id);
    next();
  }
  function logRequest(req, res, next) {
    if (config.logs('info')) console.log(`request ${req.method} ${req.path} id=${req.id}`);
    next();
  }
  // "Bearer TOKEN": one token of 10+ visible characters (RFC 6750), nothing after it.
  const BEARER = /^bearer[ \t]+([\x21-\x7e]{10,})[ \t]*$/i;
  function requireBearer(req, res, next) {
    const m = BEARER.exec(req.get('Authorization') || '');
    if (!m) throw unauthorized('missing or invalid bearer token');
    [, req.token] = m;
    next();
  }
  router.get('/protected', requestId, logRequest, requireBearer, (req, res) => {
    res.json({ message: 'Access granted', user: `user_from_token_${req.token.slice(0, 8)}` });
  });

  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 10 * 1024 * 1024, files: 1 } });
  const singleFile = upload.single('file');
  router.post('/upload', (req, res, next) => {
    singleFile(req, res, (err) => {
      // busboy reports a malformed multipart body (no boundary, cut short) as a
      // plain Error: the file field is missing, 422 like benchlab-server.
      if (err) return next(err.name === 'MulterError' ? err : invalid(`file: ${err.message}`));
      if (!req.file) return next(invalid('file: a multipart field "file" is required'));
      return res.json({ filename: req.file.originalname, size: req.file.size, content_type: req.file.mimetype });
    });
  });

  return router;
};
