'use strict';
// Entry point of the Express peer. BENCHLAB_WORKERS=1 serves from this
// process; N > 1 makes this process a cluster primary that forks N workers
// sharing the listening socket. SIGTERM (to the primary, or to a lone server)
// stops accepting, lets requests in flight finish and exits 0.
const cluster = require('node:cluster');
const { createClient } = require('redis');
const { load } = require('./config');
const { createPool } = require('./db');
const { createApp } = require('./app');

const SHUTDOWN_GRACE_MS = 10000;

function fail(message) {
  process.stderr.write(`express peer: ${message}\n`);
  process.exit(2);
}

let config;
try {
  config = load();
} catch (err) {
  fail(err.message);
}

async function serve() {
  const pool = createPool(config);
  // Retry a lost connection forever (with backoff), but give up on the first
  // connection after a few tries so a wrong URL fails the start.
  let connectedOnce = false;
  const redis = createClient({
    url: config.redisUrl,
    socket: {
      reconnectStrategy: (retries, cause) => {
        if (!connectedOnce && retries >= 3) return cause;
        return Math.min(50 * 2 ** retries, 2000);
      },
    },
  });
  redis.on('ready', () => { connectedOnce = true; });
  redis.on('error', (err) => {
    if (config.logs('error')) console.error('redis:', err.message);
  });
  // Fail fast on a wrong DSN or Redis URL rather than answering /health and
  // failing every other request.
  await pool.query('SELECT 1');
  await redis.connect();
  const app = createApp({ config, pool, redis });
  const server = app.listen(config.listen.port, config.listen.host);
  server.on('error', (err) => fail(`cannot listen on ${config.listen.host}:${config.listen.port}: ${err.message}`));
  server.keepAliveTimeout = 5000;

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    server.close(async () => {
      await Promise.allSettled([pool.end(), redis.close ? redis.close() : redis.quit()]);
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function primary() {
  for (let i = 0; i < config.workers; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    // A worker that dies while serving is replaced; one that cannot start
    // (code 2: bad configuration, port taken) stops the whole server.
    if (code === 2) {
      stopping = true;
      for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
      process.exitCode = 2;
      if (Object.keys(cluster.workers).length === 0) process.exit(2);
      return;
    }
    if (config.logs('error')) console.error(`worker ${worker.process.pid} died (${signal || code}); restarting`);
    cluster.fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (config.workers > 1 && cluster.isPrimary) {
  primary();
} else {
  serve().catch((err) => fail(`cannot start: ${err.message}`));
}
