'use strict';
// The Express application: JSON body parsing, the routes, the error format.
const express = require('express');
const { makeErrorHandler, notFoundHandler } = require('./errors');

const ROUTES = ['basic', 'users', 'columns', 'nplusone', 'bulk', 'transactions', 'cache', 'auth',
  'aggregation', 'serverConfig', 'searchFlow'];

function createApp(deps) {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  if (config.logs('info')) {
    app.use((req, res, next) => {
      const start = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        console.log(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(2)}ms`);
      });
      next();
    });
  }
  // strict: false parses any JSON value, so valid JSON that is not an object
  // ("null", a string) reaches the route and is a 422, as in benchlab-server.
  app.use(express.json({ limit: '1mb', strict: false }));
  for (const name of ROUTES) {
    // eslint-disable-next-line global-require, import/no-dynamic-require
    app.use(require(`./routes/${name}`)(deps));
  }
  app.use(notFoundHandler);
  app.use(makeErrorHandler(config));
  return app;
}

module.exports = { createApp };
