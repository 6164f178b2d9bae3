'use strict';
// Every error leaves as JSON {"error", "detail"} (the contract).

const NAMES = {
  400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'validation_error',
};

class HttpError extends Error {
  constructor(status, detail, headers) {
    super(detail);
    this.status = status;
    this.headers = headers;
  }
}

const notFound = (detail) => new HttpError(404, detail);
const invalid = (detail) => new HttpError(422, detail);
const unauthorized = (detail) => new HttpError(401, detail, { 'WWW-Authenticate': 'Bearer' });

const INT4_MAX = 2 ** 31 - 1;

// An integer query/path parameter within [min, max]; absent -> def; else 422.
function intParam(raw, name, { def, min, max }) {
  if (raw === undefined || raw === '') {
    if (def === undefined) throw invalid(`${name}: field required`);
    return def;
  }
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw invalid(`${name}: not an integer`);
  const value = Number(raw);
  if (value < min || value > max) throw invalid(`${name}: must be within ${min}..${max}`);
  return value;
}

// An integer naming a row (path id, user_id): 422 unless an integer. Whether
// a serial column can hold it is isKey's question: an integer outside
// 1..int4 max names no row (404 / 401, like benchlab-server) and must not
// reach the driver.
function keyParam(raw, name = 'id') {
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) {
    throw invalid(raw === undefined || raw === '' ? `${name}: field required` : `${name}: not an integer`);
  }
  return Number(raw);
}
const isKey = (v) => Number.isSafeInteger(v) && v >= 1 && v <= INT4_MAX;

function sendError(res, status, error, detail, headers) {
  if (headers) res.set(headers);
  res.status(status).json({ error, detail });
}

function notFoundHandler(req, res) {
  sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`);
}

function makeErrorHandler(config) {
  // eslint-disable-next-line no-unused-vars
  return (err, req, res, next) => {
    if (err instanceof HttpError) {
      return sendError(res, err.status, NAMES[err.status] || 'error', err.message, err.headers);
    }
    // body-parser (bad JSON, too large, ...) and multer report with a 4xx status.
    const status = err.status || err.statusCode;
    if (status >= 400 && status < 500) {
      return sendError(res, status, err.type || NAMES[status] || 'error', err.message);
    }
    if (err.name === 'MulterError') {
      return sendError(res, err.code === 'LIMIT_FILE_SIZE' ? 413 : 422, 'upload_error', err.message);
    }
    if (config.logs('error')) console.error(`${req.method} ${req.path} failed:`, err);
    return sendError(res, 500, 'internal_error', err.name || 'Error');
  };
}

module.exports = {
  HttpError, notFound, invalid, unauthorized, intParam, keyParam, isKey, INT4_MAX, makeErrorHandler,
  notFoundHandler,
};
