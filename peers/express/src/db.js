'use strict';
// The node-postgres pool, with type parsers that give JSON-ready values.
const { Pool, types } = require('pg');

// timestamp without time zone: keep the wall-clock value as an ISO-8601
// string ("2026-11-12T06:14:18.783208"), rather than a Date shifted into
// the process's time zone.
types.setTypeParser(1114, (s) => s.replace(' ', 'T'));
types.setTypeParser(1082, (s) => s); // date: "YYYY-MM-DD" as is
// count(*) and sum(int) are bigint, which pg returns as strings; ours fit a double.
types.setTypeParser(20, (s) => Number(s));
types.setTypeParser(1700, (s) => Number(s)); // numeric (avg)

function createPool(config) {
  const pool = new Pool({ ...config.pg, max: config.dbPool });
  // An idle client losing its connection must not crash the process.
  pool.on('error', (err) => {
    if (config.logs('error')) console.error('pg pool:', err.message);
  });
  return pool;
}

// Runs fn(client) inside BEGIN ... COMMIT on one pooled client.
async function inTransaction(pool, fn, begin = 'BEGIN') {
  const client = await pool.connect();
  try {
    await client.query(begin);
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    client.release();
  }
}

module.exports = { createPool, inTransaction };
