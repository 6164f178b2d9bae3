'use strict';
// Configuration, read once from the environment (the launcher interface).

// node-postgres takes a postgresql:// URI as connectionString, but the lab may
// hand us libpq's keyword form (`host=... port=... dbname=...`): turn that
// into a pg client config.
function libpqToPg(dsn) {
  dsn = (dsn || '').trim();
  if (dsn === '') return {};
  if (/^postgres(ql)?:\/\//.test(dsn)) return { connectionString: dsn };
  const out = {};
  // key = value pairs; values may be single-quoted with \' and \\ escapes.
  const re = /\s*([A-Za-z_]+)\s*=\s*('((?:\\.|[^'\\])*)'|[^\s']*)/y;
  let m;
  let pos = 0;
  while (pos < dsn.length && (m = re.exec(dsn)) !== null) {
    const key = m[1];
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
    switch (key) {
      case 'host': case 'hostaddr': out.host = value; break;
      case 'port': out.port = Number(value); break;
      case 'dbname': out.database = value; break;
      case 'user': out.user = value; break;
      case 'password': out.password = value; break;
      case 'connect_timeout': out.connectionTimeoutMillis = Number(value) * 1000; break;
      default: break; // options pg has no use for (sslmode=disable, application_name, ...)
    }
    pos = re.lastIndex;
    if (dsn.slice(pos).trim() === '') break;
  }
  if (pos < dsn.length && dsn.slice(pos).trim() !== '') {
    throw new Error(`BENCHLAB_PG: cannot parse '${dsn.slice(pos).trim()}' (want key=value pairs or a postgresql:// URI)`);
  }
  return out;
}

function intEnv(name, def, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`${name}: '${raw}' is not an integer in ${min}..${max}`);
  }
  return Number(raw);
}

function parseListen(raw) {
  const m = /^(.+):(\d{1,5})$/.exec(raw || '');
  if (!m || Number(m[2]) > 65535) {
    throw new Error(`BENCHLAB_LISTEN='${raw || ''}' is not HOST:PORT`);
  }
  return { host: m[1], port: Number(m[2]) };
}

const LEVELS = ['off', 'error', 'warn', 'info', 'debug'];

function load(env = process.env) {
  const logLevel = (env.BENCHLAB_LOG_LEVEL || 'off').toLowerCase();
  if (!LEVELS.includes(logLevel)) {
    throw new Error(`BENCHLAB_LOG_LEVEL='${logLevel}' is not ${LEVELS.join('|')}`);
  }
  return {
    listen: parseListen(env.BENCHLAB_LISTEN),
    name: env.BENCHLAB_NAME || 'express',
    pg: libpqToPg(env.BENCHLAB_PG),
    redisUrl: env.BENCHLAB_REDIS || 'redis://127.0.0.1:6379',
    upstreamUrl: (env.BENCHLAB_UPSTREAM || '').replace(/\/+$/, ''),
    jwtSecret: env.BENCHLAB_JWT_SECRET || 'benchlab-dev-secret',
    workers: intEnv('BENCHLAB_WORKERS', 1, 1, 256),
    dbPool: intEnv('BENCHLAB_DB_POOL', 8, 1, 1000),
    logLevel,
    logs: (level) => LEVELS.indexOf(level) <= LEVELS.indexOf(logLevel) && logLevel !== 'off',
  };
}

module.exports = { load, libpqToPg };
